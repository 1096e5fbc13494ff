package main

import (
	"net/http"
	"time"
)

// The example of the package documentation.
var lastSeenAt = map[string]time.Time{}

func handle(w http.ResponseWriter, r *http.Request) {
	lastSeenAt[r.RemoteAddr] = time.Now() // want `map lastSeenAt only grows: nothing in the package deletes from it, clears it or replaces it`
}
