// Command typha runs the buffers of calicodedupe.
package main

import (
	"net"

	_ "recall/calicodedupe/after"
	_ "recall/calicodedupe/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	l.Close()
}
