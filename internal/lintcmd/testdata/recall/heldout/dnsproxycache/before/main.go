// Command dnsproxy (the before form of dnsproxycache) answers DNS queries on
// LISTEN (host:port, UDP) from UPSTREAM, with the cache when CACHE is set.
package main

import (
	"log"
	"net"
	"os"
	"os/signal"
	"time"

	"recall/heldout/dnsproxycache/before/proxy"
)

func main() {
	addr, err := net.ResolveUDPAddr("udp", os.Getenv("LISTEN"))
	if err != nil {
		log.Fatal(err)
	}
	p := proxy.Proxy{Config: proxy.Config{
		UDPListenAddr: addr,
		Upstream:      os.Getenv("UPSTREAM"),
		CacheEnabled:  os.Getenv("CACHE") != "",
		Timeout:       10 * time.Second,
	}}
	if err := p.Start(); err != nil {
		log.Fatal(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	p.Stop()
}
