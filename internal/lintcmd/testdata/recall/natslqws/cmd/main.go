// Command natsd serves the accounts of natslqws.
package main

import (
	"net"

	after "recall/natslqws/after"
	before "recall/natslqws/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	defer l.Close()
	a, b := new(after.Server), new(before.Server)
	_, _ = a, b
}
