// Command wavesrv serves the RPC endpoints of wavetermreqmap.
package main

import (
	"net"

	after "recall/heldout/wavetermreqmap/after"
	before "recall/heldout/wavetermreqmap/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	defer l.Close()
	echo := func(h *after.RpcResponseHandler) bool { h.SendResponse("ok", true); return true }
	echoB := func(h *before.RpcResponseHandler) bool { h.SendResponse("ok", true); return true }
	after.MakeWshRpc(make(chan []byte), make(chan []byte), echo)
	before.MakeWshRpc(make(chan []byte), make(chan []byte), echoB)
}
