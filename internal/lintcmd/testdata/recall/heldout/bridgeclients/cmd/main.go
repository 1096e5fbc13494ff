// Command bridge serves the TON Connect bridges of bridgeclients.
package main

import (
	"net/http"

	afterbridge "recall/heldout/bridgeclients/after/bridge"
	beforebridge "recall/heldout/bridgeclients/before/bridge"
)

func main() {
	cfg := beforebridge.Config{MaxTTL: 300, MaxConnectionsPerIP: 100, MaxClientsPerSub: 10}
	b := beforebridge.NewSSE(cfg)
	a := afterbridge.NewSSE(afterbridge.Config(cfg))
	http.HandleFunc("/before/bridge/events", b.HandleSubscribe)
	http.HandleFunc("/before/bridge/message", b.HandleMessage)
	http.HandleFunc("/after/bridge/events", a.HandleSubscribe)
	http.HandleFunc("/after/bridge/message", a.HandleMessage)
	http.ListenAndServe(":8081", nil)
}
