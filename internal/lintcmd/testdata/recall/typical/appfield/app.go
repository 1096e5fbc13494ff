// Package appfield is part of a service: a registry of connections that
// only grows.
package appfield

import (
	"net"
	"sync"
)

type Tracker struct {
	mu    sync.Mutex
	conns map[net.Conn]int64
}

func New() *Tracker { return &Tracker{conns: map[net.Conn]int64{}} }

func (t *Tracker) Accept(c net.Conn, at int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.conns[c] = at // want growonly "map field Tracker.conns only grows"
}
