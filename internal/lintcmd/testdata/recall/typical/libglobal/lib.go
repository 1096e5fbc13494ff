// Package libglobal is a library whose unexported package map is filled
// from an exported function with the caller's session IDs.
package libglobal

import (
	"net/http"
	"time"
)

var lastSeen = map[string]time.Time{}

// Touch records that the session was active.
func Touch(r *http.Request, session string) {
	lastSeen[session] = time.Now() // want growonly "map lastSeen only grows"
}
