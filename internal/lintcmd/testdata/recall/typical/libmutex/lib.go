// Package libmutex is a library with a mutex-guarded struct that counts
// requests per client address.
package libmutex

import (
	"net/http"
	"sync"
)

type counter struct {
	mu    sync.Mutex
	perIP map[string]int
}

// Handler counts requests per client and serves next.
type Handler struct {
	c    *counter
	next http.Handler
}

func New(next http.Handler) *Handler {
	return &Handler{c: &counter{perIP: map[string]int{}}, next: next}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.c.mu.Lock()
	h.c.perIP[r.RemoteAddr]++ // want growonly "map field counter.perIP only grows"
	h.c.mu.Unlock()
	h.next.ServeHTTP(w, r)
}
