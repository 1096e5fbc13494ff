// Package svcpeer is a package a network service imports (-apps): its
// long-lived values are the program's, and a key counts when it came with
// a request or a client.
package svcpeer

import (
	"net"
	"sync"
)

// The peer a packet connection's read returns is one per client: a
// session made for each and never removed grows with the clients seen
// (Zoraxy's UDP proxy, https://github.com/tobychui/zoraxy, kept one per
// client address).

type session struct {
	upstream net.Conn
}

// Relay forwards datagrams from clients to an upstream.
type Relay struct {
	sessions sync.Map
	sizes    map[int]int
	mu       sync.Mutex
	listener net.Listener
	conns    map[net.Conn]bool
}

// defaultRelay is the process-wide relay.
var defaultRelay = &Relay{}

func (r *Relay) serve(pc *net.UDPConn, dial func() (net.Conn, error)) {
	buf := make([]byte, 1500)
	for {
		n, addr, err := pc.ReadFromUDP(buf)
		if err != nil {
			return
		}
		s, ok := r.sessions.Load(addr.String())
		if !ok {
			up, err := dial()
			if err != nil {
				continue
			}
			s = &session{upstream: up}
			r.sessions.Store(addr.String(), s) // want `sync.Map field Relay.sessions only grows`
		}
		s.(*session).upstream.Write(buf[:n])
		// Near miss: a count of datagram sizes is not keyed by a peer.
		r.mu.Lock()
		if _, seen := r.sizes[n]; !seen {
			r.sizes[n] = 0
		}
		r.sizes[n]++
		r.mu.Unlock()
	}
}

// Near miss: the connections Accept returns are removed when they close.
func (r *Relay) accept() {
	for {
		c, err := r.listener.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.conns[c] = true
		r.mu.Unlock()
		go func() {
			defer func() {
				r.mu.Lock()
				delete(r.conns, c)
				r.mu.Unlock()
			}()
			c.Close()
		}()
	}
}
