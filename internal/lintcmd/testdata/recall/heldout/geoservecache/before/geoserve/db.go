package geoserve

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// City is what the database knows of an address.
type City struct {
	Network string `json:"network"`
	Country string `json:"country"`
	City    string `json:"city"`
}

// Reader looks addresses up in a database of networks: one line per
// network, "CIDR country city". It stands in for MaxMind's GeoLite2
// reader.
type Reader struct {
	nets []*net.IPNet
	info []City
}

// City returns what the database knows of ip.
func (r *Reader) City(ip net.IP) (*City, error) {
	if ip == nil {
		return nil, fmt.Errorf("not an IP address")
	}
	for i, n := range r.nets {
		if n.Contains(ip) {
			c := r.info[i]
			return &c, nil
		}
	}
	return nil, fmt.Errorf("no network holds %s", ip)
}

// readDbFromFile reads the database and its modification time.
func readDbFromFile(dbFile string) (*Reader, time.Time, error) {
	f, err := os.Open(dbFile)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("unable to read db file %s: %w", dbFile, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("unable to stat db file %s: %w", dbFile, err)
	}
	r := &Reader{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		_, n, err := net.ParseCIDR(fields[0])
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("db file %s: %w", dbFile, err)
		}
		r.nets = append(r.nets, n)
		r.info = append(r.info, City{Network: n.String(), Country: fields[1], City: fields[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, time.Time{}, err
	}
	return r, fi.ModTime(), nil
}
