// Command btcd runs the connection manager of btcdconnpending as a node
// does: it accepts peers on BTCD_LISTEN and keeps outbound connections
// to the addresses listed in BTCD_PEERS (comma-separated), picking a new
// one whenever a dial fails. BTCD_FIXED=1 runs the after/ form.
package main

import (
	"log"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	afterconnmgr "recall/heldout/btcdconnpending/after/connmgr"
	beforeconnmgr "recall/heldout/btcdconnpending/before/connmgr"
)

func main() {
	ln, err := net.Listen("tcp", os.Getenv("BTCD_LISTEN"))
	if err != nil {
		log.Fatal(err)
	}
	peers := strings.Split(os.Getenv("BTCD_PEERS"), ",")
	newAddr := func() (net.Addr, error) {
		return net.ResolveTCPAddr("tcp", peers[rand.IntN(len(peers))])
	}
	dial := func(a net.Addr) (net.Conn, error) {
		return net.DialTimeout("tcp", a.String(), 5*time.Second)
	}
	serve := func(c net.Conn) {
		defer c.Close()
		c.Write([]byte("version\n"))
	}
	if os.Getenv("BTCD_FIXED") == "1" {
		cm, err := afterconnmgr.New(&afterconnmgr.Config{
			Listeners: []net.Listener{ln}, OnAccept: serve, TargetOutbound: 8,
			GetNewAddress: newAddr, Dial: dial,
			OnConnection: func(_ *afterconnmgr.ConnReq, c net.Conn) { serve(c) },
		})
		if err != nil {
			log.Fatal(err)
		}
		cm.Start()
		cm.Wait()
		return
	}
	cm, err := beforeconnmgr.New(&beforeconnmgr.Config{
		Listeners: []net.Listener{ln}, OnAccept: serve, TargetOutbound: 8,
		GetNewAddress: newAddr, Dial: dial,
		OnConnection: func(_ *beforeconnmgr.ConnReq, c net.Conn) { serve(c) },
	})
	if err != nil {
		log.Fatal(err)
	}
	cm.Start()
	cm.Wait()
}
