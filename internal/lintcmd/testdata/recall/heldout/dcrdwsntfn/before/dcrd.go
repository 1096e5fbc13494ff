// Command dcrd is a node whose RPC server pushes chain notifications to
// the clients that ask for them.
//
// Reproduces, in our own words, the shape of decred/dcrd's websocket
// notification manager before https://github.com/decred/dcrd/pull/2027
// (commit eb7bc29f, "rpcwebsocket: Remove client from missed maps"): when
// a client disconnected, the handler removed it from the client map and
// some notification maps, but not from the winning-ticket and
// stake-difficulty maps, so every wallet that ever subscribed to those
// stayed reachable. Upstream speaks JSON-RPC over websockets and missed
// four maps; here clients send command lines over TCP, and two are kept.
package main

import (
	"flag"
	"log"
	"net"
	"time"
)

var (
	rpcListen = flag.String("rpclisten", ":9109", "address for RPC clients")
	blockTime = flag.Duration("blocktime", 5*time.Minute, "interval between simulated blocks")
)

func main() {
	flag.Parse()
	m := newWsNotificationManager()
	m.Start()

	go func() {
		var height int64
		for range time.Tick(*blockTime) {
			height++
			m.queueNotification <- &notificationBlockConnected{height: height}
			m.queueNotification <- &notificationWinningTickets{height: height}
			if height%144 == 0 {
				m.queueNotification <- &notificationStakeDifficulty{difficulty: height}
			}
		}
	}()

	ln, err := net.Listen("tcp", *rpcListen)
	if err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			continue
		}
		go m.serveClient(conn)
	}
}
