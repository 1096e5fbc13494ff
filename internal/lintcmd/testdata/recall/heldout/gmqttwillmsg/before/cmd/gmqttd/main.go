// Command gmqttd runs the broker (the before form of gmqttwillmsg) on
// GMQTT_ADDR.
package main

import (
	"log"
	"net"
	"os"

	"recall/heldout/gmqttwillmsg/before/server"
)

func main() {
	l, err := net.Listen("tcp", os.Getenv("GMQTT_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(server.New(l).Run())
}
