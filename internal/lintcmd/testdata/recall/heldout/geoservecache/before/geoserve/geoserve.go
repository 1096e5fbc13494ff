// Package geoserve serves the geolocation of IP addresses, by a lookup
// in a database of networks, caching each answer.
//
// Reproduces, in our own words, the shape of getlantern/go-geoserve before
// commit 651841c ("Fixed memory leaks in cache and database reload",
// closing https://github.com/getlantern/go-geoserve/issues/4, "Fast memory
// leak due to unbounded cache"): the server's run loop cached the JSON
// answer for every address it was asked about (the request's path, or the
// client's own address) in a map that only a database update replaced,
// and the database changes rarely; the fix made the cache an LRU of 50000
// entries. Upstream downloads MaxMind's GeoLite2 database and checks the
// web for a newer one; here the database is a file of networks, checked
// for a newer modification time.
package geoserve

import (
	"encoding/json"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// GeoServer is a server for IP geolocation information.
type GeoServer struct {
	dbFile   string
	db       *Reader
	dbDate   time.Time
	cache    map[string][]byte
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
		cache:    make(map[string][]byte),
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
			jsonData := server.cache[g.ip]
			if jsonData == nil {
				geoData, err := server.db.City(net.ParseIP(g.ip))
				if err != nil {
					log.Printf("unable to look up ip address %s: %v", g.ip, err)
				} else if jsonData, err = json.Marshal(geoData); err != nil {
					log.Printf("unable to encode the answer for ip address %s", g.ip)
				} else {
					server.cache[g.ip] = jsonData // want growonly "."
				}
			}
			g.resp <- jsonData
		case update := <-server.dbUpdate:
			server.db = update.db
			server.dbDate = update.dbDate
			// The answers may have changed.
			server.cache = make(map[string][]byte)
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
