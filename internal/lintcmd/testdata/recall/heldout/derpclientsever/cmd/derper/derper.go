// Command derper runs the relay servers of derpclientsever: it listens on
// TCP and hands each connection to the server, the before/ form on
// DERP_ADDR and the after/ form on DERP_AFTER_ADDR, and serves the
// servers' stats on /debug/vars.
package main

import (
	"expvar"
	"log"
	"net"
	"net/http"
	"os"

	afterderp "recall/heldout/derpclientsever/after/derp"
	beforederp "recall/heldout/derpclientsever/before/derp"
)

func serve(addr string, accept func(net.Conn)) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go accept(c)
	}
}

func main() {
	before := beforederp.NewServer()
	after := afterderp.NewServer()
	expvar.Publish("derp_before", before.ExpVar())
	expvar.Publish("derp_after", after.ExpVar())
	go serve(os.Getenv("DERP_AFTER_ADDR"), after.Accept)
	go func() { log.Fatal(http.ListenAndServe(os.Getenv("DERP_DEBUG_ADDR"), nil)) }()
	serve(os.Getenv("DERP_ADDR"), before.Accept)
}
