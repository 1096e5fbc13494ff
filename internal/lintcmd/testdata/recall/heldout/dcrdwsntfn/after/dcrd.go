// Command dcrd is a node whose RPC server pushes chain notifications to
// the clients that ask for them.
//
// The fixed shape of decred/dcrd's websocket notification manager after
// https://github.com/decred/dcrd/pull/2027 (commit eb7bc29f,
// "rpcwebsocket: Remove client from missed maps"): a disconnecting client
// is removed from every notification map.
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
