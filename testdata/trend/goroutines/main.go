// Command goroutines is the trend scenario of maps held by leaked
// goroutines: each request hands its work to a goroutine and gives up on
// the answer, so the goroutine blocks for ever sending it, and keeps the
// map it built.
package main

import (
	"example.com/trend/internal/decoy"
	"example.com/trend/internal/snap"
)

// Over 40 steps 2,400 goroutines leak, each holding a map of 400 entries
// (a 512-slot table, 9.5 KB): about 22 MB.
const (
	requestsPerStep = 60
	entries         = 400
)

// index builds a request's index and sends it on reply; nobody receives
// it once the caller has given up, so the goroutine and its map stay.
func index(request int, reply chan<- map[int]int64) {
	positions := make(map[int]int64)
	for i := 0; i < entries; i++ {
		positions[request*entries+i] = int64(i) // want: leak "positions" "map[int]int64"
	}
	reply <- positions
}

// serve starts the work and returns without the answer, as a handler
// whose deadline passed would: nothing will ever receive from reply.
func serve(request int) {
	reply := make(chan map[int]int64)
	go index(request, reply)
}

func main() {
	series := snap.Start().WithGoroutines()
	decoys := decoy.Start()
	request := 0
	series.Run(func(step int) {
		decoys.Step(step)
		for i := 0; i < requestsPerStep; i++ {
			request++
			serve(request)
		}
	})
}
