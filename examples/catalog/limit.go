package main

import (
	"sync"
	"time"
)

// limiter allows each client a number of requests per window.
type limiter struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	clients map[string]bucket
}

// bucket counts one client's requests in the current window and keeps
// the times of its last few, for the abuse log to show how a client that
// went over its limit was bursting. At 152 bytes it is over the 128 a
// map keeps in its own slots, so the map allocates each client's bucket
// on its own as the client arrives: the leak grows with every new client,
// not only when the map's tables split.
type bucket struct {
	start  time.Time
	count  int
	recent [5]time.Time // recent[i%5] is the time of request i of the window
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window, clients: make(map[string]bucket)}
}

// allow reports whether client may make a request now. Every client ever
// seen keeps its bucket: nothing deletes from l.clients, so behind a load
// balancer that forwards thousands of addresses the map only grows.
func (l *limiter) allow(client string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.clients[client]
	if !ok || now.Sub(b.start) > l.window {
		b = bucket{start: now}
	}
	b.recent[b.count%len(b.recent)] = now
	b.count++
	l.clients[client] = b
	return b.count <= l.limit
}
