// Command natsd serves the sublists of natssublist.
package main

import (
	"net"

	after "recall/natssublist/after"
	before "recall/natssublist/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	defer l.Close()
	var a after.Sublist
	var b before.Sublist
	a.Remove("s", "q")
	b.Remove("s", "q")
}
