// Command proxy-server runs the konnectivity proxy server: agents connect
// on one port, HTTP CONNECT clients on another.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"

	"recall/heldout/konnectivitypendingdial/before/pkg/server"
)

var (
	agentAddr  = flag.String("agent-addr", ":8091", "address agents connect to")
	serverAddr = flag.String("server-addr", ":8090", "address HTTP CONNECT clients connect to")
)

func main() {
	flag.Parse()
	s := server.NewProxyServer()

	lis, err := net.Listen("tcp", *agentAddr)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		log.Fatal(s.ServeAgents(lis))
	}()

	log.Fatal(http.ListenAndServe(*serverAddr, &server.Tunnel{Server: s}))
}
