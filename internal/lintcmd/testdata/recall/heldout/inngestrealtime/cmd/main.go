// Command inngest serves the realtime API of inngestrealtime.
package main

import (
	"net/http"
	"time"

	after "recall/heldout/inngestrealtime/after/realtime"
	before "recall/heldout/inngestrealtime/before/realtime"
)

func main() {
	b := &before.API{Broadcaster: before.NewBroadcaster(30 * time.Second)}
	a := &after.API{Broadcaster: after.NewBroadcaster(30 * time.Second)}
	go func() {
		if err := http.ListenAndServe(":8288", b.Handler()); err != nil {
			panic(err)
		}
	}()
	if err := http.ListenAndServe(":8289", a.Handler()); err != nil {
		panic(err)
	}
}
