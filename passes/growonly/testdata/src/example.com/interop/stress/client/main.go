// Command client is a stress-test client of an interoperability suite:
// it runs against a server to test it, never in production, so its maps
// are not reported.
package main

import (
	"net"
	"strconv"
)

var gauges = map[string]int{}

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:1")
	if err != nil {
		return
	}
	defer conn.Close()
	for i := 0; ; i++ {
		gauges["worker-"+strconv.Itoa(i)]++
	}
}
