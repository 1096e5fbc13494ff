package main

import (
	"net"
	"sync"
	"time"
)

// Emptied only when the server shuts down: until then, every connection
// it ever accepted stays in the table.
type connServer struct {
	mu    sync.Mutex
	conns map[net.Conn]bool
	idle  map[net.Conn]time.Time
	live  map[net.Conn]bool
}

var shutdownSrv = &connServer{conns: map[net.Conn]bool{}, idle: map[net.Conn]time.Time{}, live: map[net.Conn]bool{}}

func (s *connServer) track(c net.Conn) {
	s.mu.Lock()
	s.conns[c] = true // want `map field connServer.conns only grows while its owner runs: only Close empties it`
	s.idle[c] = time.Now()
	s.live[c] = true
	s.mu.Unlock()
}

func (s *connServer) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
		delete(s.conns, c)
	}
}

// Near miss: a sweep named close... that a ticker's loop runs releases
// entries for real.
func (s *connServer) closeExpired() {
	for c, t := range s.idle {
		if time.Since(t) > time.Minute {
			delete(s.idle, c)
		}
	}
}

func (s *connServer) janitor() {
	for range time.Tick(time.Minute) {
		s.mu.Lock()
		s.closeExpired()
		s.mu.Unlock()
	}
}

// Near miss: closing one connection drops its own entry, the ordinary
// cleanup.
func (s *connServer) closeConn(c net.Conn) {
	s.mu.Lock()
	delete(s.live, c)
	s.mu.Unlock()
	c.Close()
}
