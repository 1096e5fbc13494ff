// Command kuma-cp serves KDS for kumastreamctx.
package main

import (
	"os"
	"os/signal"

	afterserver "recall/heldout/kumastreamctx/after/kds/server"
	aftermt "recall/heldout/kumastreamctx/after/multitenant"
	beforeserver "recall/heldout/kumastreamctx/before/kds/server"
	beforemt "recall/heldout/kumastreamctx/before/multitenant"
)

func main() {
	_, bl, err := beforeserver.New(":5685", beforemt.FromContext{})
	if err != nil {
		panic(err)
	}
	_, al, err := afterserver.New(":5686", aftermt.FromContext{})
	if err != nil {
		panic(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	bl.Close()
	al.Close()
}
