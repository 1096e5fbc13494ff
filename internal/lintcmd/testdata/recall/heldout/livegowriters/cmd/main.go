// Command livego serves the RTMP streams of livegowriters.
package main

import (
	"net"
	"os"
	"os/signal"

	afterrtmp "recall/heldout/livegowriters/after/rtmp"
	beforertmp "recall/heldout/livegowriters/before/rtmp"
)

func main() {
	bl, err := net.Listen("tcp", ":1935")
	if err != nil {
		panic(err)
	}
	al, err := net.Listen("tcp", ":1936")
	if err != nil {
		panic(err)
	}
	go beforertmp.NewRtmpServer(beforertmp.NewRtmpStream()).Serve(bl)
	go afterrtmp.NewRtmpServer(afterrtmp.NewRtmpStream()).Serve(al)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	bl.Close()
	al.Close()
}
