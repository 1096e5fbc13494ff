// Command prometheus runs the discovery managers of promdiscovery.
package main

import (
	"context"
	"net"

	after "recall/promdiscovery/after"
	before "recall/promdiscovery/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	defer l.Close()
	ctx := context.Background()
	go after.NewManager(ctx).Run(nil)
	go before.NewManager(ctx).Run(nil)
}
