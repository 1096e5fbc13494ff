// Command hornet serves the MQTT brokers of hornettopics.
package main

import (
	after "recall/heldout/hornettopics/after"
	before "recall/heldout/hornettopics/before"
)

func main() {
	nop := func([]byte) {}
	a, err := after.NewBroker(":0", nop, nop, 10000)
	if err != nil {
		return
	}
	b, err := before.NewBroker(":0", nop, nop)
	if err != nil {
		return
	}
	go a.Serve()
	b.Serve()
}
