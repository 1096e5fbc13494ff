// Command matcha shows the e-mails of matchaimages.
package main

import (
	"net"

	after "recall/matchaimages/after"
	before "recall/matchaimages/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	l.Close()
	_ = after.RenderRemoteImage("")
	_ = before.RenderRemoteImage("")
}
