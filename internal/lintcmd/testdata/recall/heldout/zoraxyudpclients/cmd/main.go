// Command zoraxy runs one UDP forwarding rule of zoraxyudpclients in each
// form (listen and target addresses from the environment) and serves the
// rules' status on ZORAXY_WEB_ADDR.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"

	afterproxy "recall/heldout/zoraxyudpclients/after/mod/streamproxy"
	beforeproxy "recall/heldout/zoraxyudpclients/before/mod/streamproxy"
)

func main() {
	before := beforeproxy.NewManager()
	b := before.AddRule("before", os.Getenv("UDP_LISTEN"), os.Getenv("UDP_TARGET"), 0)
	if err := b.Start(); err != nil {
		log.Fatal(err)
	}
	after := afterproxy.NewManager()
	a := after.AddRule("after", os.Getenv("UDP_AFTER_LISTEN"), os.Getenv("UDP_TARGET"), 0)
	if err := a.Start(); err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/api/streamprox/config/list", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode([]any{before.Configs, after.Configs})
	})
	log.Fatal(http.ListenAndServe(os.Getenv("ZORAXY_WEB_ADDR"), nil))
}
