// Command metro measures the round-trip time of the host's TCP flows
// from captured segments (TCP timestamps echoed in ACKs) and reports it
// to statsd.
//
// The fixed shape of DataDog/go-metro after
// https://github.com/DataDog/go-metro/pull/12 (commit 8a373be): a sent
// segment is deleted from Timed once its ACK gave a sample, and the
// reporter re-makes each flow's Seen and Timed maps every ten minutes.
// Upstream also flushes early when the process uses more than a tenth of
// the system's memory; that part is left out.
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
