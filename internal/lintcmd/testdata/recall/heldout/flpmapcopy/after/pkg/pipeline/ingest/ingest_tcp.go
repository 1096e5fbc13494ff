// Package ingest reads flow records into the pipeline.
package ingest

import (
	"bufio"
	"encoding/json"
	"log"
	"net"

	"recall/heldout/flpmapcopy/after/pkg/config"
)

// TCP reads one JSON flow record per line from every connection to its
// listener.
type TCP struct {
	Listener net.Listener
}

// Ingest sends every record it reads to out, until the listener fails.
func (t *TCP) Ingest(out chan<- config.GenericMap) {
	for {
		conn, err := t.Listener.Accept()
		if err != nil {
			log.Printf("ingest: %v", err)
			close(out)
			return
		}
		go t.read(conn, out)
	}
}

func (t *TCP) read(conn net.Conn, out chan<- config.GenericMap) {
	defer conn.Close()
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		var rec config.GenericMap
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			log.Printf("ingest: bad record from %s: %v", conn.RemoteAddr(), err)
			continue
		}
		out <- rec
	}
}
