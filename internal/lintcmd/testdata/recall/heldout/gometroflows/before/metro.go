// Command metro measures the round-trip time of the host's TCP flows
// from captured segments (TCP timestamps echoed in ACKs) and reports it
// to statsd.
//
// Reproduces, in our own words, the shape of DataDog/go-metro before
// https://github.com/DataDog/go-metro/pull/12 (commit 8a373be, "reduce
// memory accounting load", "flush book-keeping periodically"): each
// flow's maps of sent segments (Timed) and of ACKs used (Seen) only grew
// while the flow lived, so a long-lived connection kept one entry per
// segment it ever sent. Upstream captures with libpcap; here a capture
// helper streams one line per segment over TCP.
package main

import (
	"flag"
	"log"
	"net"
	"strings"
	"time"
)

var (
	captureAddr = flag.String("capture", "127.0.0.1:7070", "address the capture helper connects to")
	statsdAddr  = flag.String("statsd", "127.0.0.1:8125", "statsd address")
	hostIPs     = flag.String("ips", "", "comma-separated addresses of this host")
	idle        = flag.Duration("idle-ttl", 5*time.Minute, "forget flows idle this long")
	exp         = flag.Duration("exp-ttl", 10*time.Second, "forget closed flows after this long")
)

func main() {
	flag.Parse()
	ips := make(map[string]bool)
	for _, ip := range strings.Split(*hostIPs, ",") {
		ips[ip] = true
	}
	flows := NewFlowMap()
	sniffer := &MetroSniffer{hostIPs: ips, flows: flows, idleTTL: *idle, expTTL: *exp}

	sd, err := net.Dial("udp", *statsdAddr)
	if err != nil {
		log.Fatal(err)
	}
	r := &Reporter{statsd: sd, flows: flows, every: 10 * time.Second}
	go r.Report()

	ln, err := net.Listen("tcp", *captureAddr)
	if err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			continue
		}
		go sniffer.sniff(conn)
	}
}
