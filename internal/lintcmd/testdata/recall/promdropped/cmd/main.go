// Command prometheus runs the queue managers of promdropped.
package main

import (
	"net"

	_ "recall/promdropped/after"
	_ "recall/promdropped/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	l.Close()
}
