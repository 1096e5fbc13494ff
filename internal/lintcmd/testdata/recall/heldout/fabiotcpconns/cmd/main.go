// Command fabio runs the TCP proxies of fabiotcpconns.
package main

import (
	"flag"
	"net"
	"time"

	aftertcp "recall/heldout/fabiotcpconns/after/tcp"
	beforetcp "recall/heldout/fabiotcpconns/before/tcp"
)

func main() {
	upstream := flag.String("upstream", "127.0.0.1:5000", "backend address")
	flag.Parse()
	lookup := func(net.Conn) string { return *upstream }
	a := &aftertcp.Server{Addr: ":1235", Handler: &aftertcp.Proxy{Lookup: lookup}, ReadTimeout: time.Minute}
	go a.ListenAndServe()
	b := &beforetcp.Server{Addr: ":1234", Handler: &beforetcp.Proxy{Lookup: lookup}, ReadTimeout: time.Minute}
	if err := b.ListenAndServe(); err != nil {
		panic(err)
	}
}
