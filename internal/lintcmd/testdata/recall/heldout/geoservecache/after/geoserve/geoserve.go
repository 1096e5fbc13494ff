// Package geoserve serves the geolocation of IP addresses, by a lookup
// in a database of networks, caching each answer.
//
// The fixed form of geoservecache (see the before form): after commit
// 651841c of getlantern/go-geoserve (closing
// https://github.com/getlantern/go-geoserve/issues/4) the cache is an LRU
// of CacheSize entries.
package geoserve

import (
	"encoding/json"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"recall/heldout/geoservecache/after/lru"
)

// CacheSize is the number of answers the cache keeps.
const CacheSize = 50000

// GeoServer is a server for IP geolocation information.
type GeoServer struct {
	dbFile   string
	db       *Reader
	dbDate   time.Time
	cache    *lru.Cache
	cacheGet chan get
	dbUpdate chan dbu
}

// get asks the run loop to geolocate an address.
type get struct {
	ip   string
	resp chan []byte
}

// dbu hands the run loop a newer database.
type dbu struct {
	db     *Reader
	dbDate time.Time
}

// NewServer returns a server over the database in dbFile, and starts its
// run loop and its watch for a newer database.
func NewServer(dbFile string) (*GeoServer, error) {
	server := &GeoServer{
		dbFile:   dbFile,
		cache:    lru.New(CacheSize),
		cacheGet: make(chan get, 10000),
		dbUpdate: make(chan dbu),
	}
	var err error
	server.db, server.dbDate, err = readDbFromFile(dbFile)
	if err != nil {
		return nil, err
	}
	go server.run()
	go server.keepDbCurrent()
	return server, nil
}

// Handle answers a request: the rest of its path after basePath is the
// address to look up, or, when empty, the client's own address.
func (server *GeoServer) Handle(resp http.ResponseWriter, req *http.Request, basePath string) {
	ip := strings.TrimPrefix(req.URL.Path, basePath)
	if ip == "" {
		ip = clientIPFor(req)
	}
	g := get{ip, make(chan []byte)}
	server.cacheGet <- g
	jsonData := <-g.resp
	if jsonData == nil {
		resp.WriteHeader(http.StatusInternalServerError)
		return
	}
	resp.Header().Set("X-Reflected-Ip", ip)
	resp.Write(jsonData)
}

// run looks addresses up, through the cache, and applies database
// updates.
func (server *GeoServer) run() {
	for {
		select {
		case g := <-server.cacheGet:
			jsonData, found := server.cache.Get(g.ip)
			if !found {
				geoData, err := server.db.City(net.ParseIP(g.ip))
				if err != nil {
					log.Printf("unable to look up ip address %s: %v", g.ip, err)
				} else if jsonData, err = json.Marshal(geoData); err != nil {
					log.Printf("unable to encode the answer for ip address %s", g.ip)
				} else {
					server.cache.Add(g.ip, jsonData)
				}
			}
			g.resp <- jsonData
		case update := <-server.dbUpdate:
			server.db = update.db
			server.dbDate = update.dbDate
			// The answers may have changed.
			server.cache = lru.New(CacheSize)
		}
	}
}

// keepDbCurrent checks every minute whether the database file changed,
// and hands a newer one to the run loop.
func (server *GeoServer) keepDbCurrent() {
	for {
		time.Sleep(time.Minute)
		fi, err := os.Stat(server.dbFile)
		if err != nil {
			log.Printf("unable to stat %s: %v", server.dbFile, err)
			continue
		}
		if fi.ModTime().After(server.dbDate) {
			log.Printf("updating the database from %s", server.dbFile)
			db, dbDate, err := readDbFromFile(server.dbFile)
			if err != nil {
				log.Printf("unable to update the database: %v", err)
				continue
			}
			server.dbUpdate <- dbu{db, dbDate}
		}
	}
}

func clientIPFor(req *http.Request) string {
	clientIP := req.Header.Get("X-Forwarded-For")
	if clientIP == "" {
		clientIP, _, _ = net.SplitHostPort(req.RemoteAddr)
	}
	// X-Forwarded-For may list several addresses: the first is the client.
	ips := strings.Split(clientIP, ",")
	return strings.TrimSpace(ips[0])
}
