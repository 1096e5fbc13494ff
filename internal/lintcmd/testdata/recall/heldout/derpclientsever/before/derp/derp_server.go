// Package derp reproduces, in its own words, the client registry of
// Tailscale's DERP relay server as it was before commit
// 4c0494185b65a81b50b543e14292c161bd6ff56f ("derp: remove \"fine for now\"
// intentional slow memory leak from derp server", tailscale/tailscale PR
// #2411; before/ is the code before the change, after/ as changed). The
// server keeps its connected clients by public key and drops each when it
// disconnects; beside them it kept clientsEver, every key that had ever
// connected, only so that a stats variable could report its length. That
// set was never deleted from, so it grew with every distinct client key
// for the life of the server; the fix removed it and the stat.
package derp

import (
	"bufio"
	"errors"
	"expvar"
	"fmt"
	"net"
	"strings"
	"sync"
)

// PublicKey identifies a client.
type PublicKey string

// sclient is one connected client.
type sclient struct {
	key  PublicKey
	nc   net.Conn
	send chan string
	done chan struct{}
}

// Server relays packets between the clients connected to it.
type Server struct {
	mu          sync.Mutex
	closed      bool
	netConns    map[net.Conn]chan struct{}
	clients     map[PublicKey]*sclient
	clientsEver map[PublicKey]bool // never deleted from, for stats
}

// NewServer returns a server with no clients.
func NewServer() *Server {
	return &Server{
		netConns:    map[net.Conn]chan struct{}{},
		clients:     map[PublicKey]*sclient{},
		clientsEver: map[PublicKey]bool{},
	}
}

// Accept serves one client connection until it ends. The client's first
// line is its public key; each later line is "<dst key> <packet>".
func (s *Server) Accept(nc net.Conn) {
	closed := make(chan struct{})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.netConns[nc] = closed
	s.mu.Unlock()
	defer func() {
		nc.Close()
		close(closed)
		s.mu.Lock()
		delete(s.netConns, nc)
		s.mu.Unlock()
	}()

	br := bufio.NewReader(nc)
	line, err := br.ReadString('\n')
	if err != nil {
		return
	}
	c := &sclient{
		key:  PublicKey(strings.TrimSpace(line)),
		nc:   nc,
		send: make(chan string, 32),
		done: make(chan struct{}),
	}
	s.registerClient(c)
	defer s.unregisterClient(c)
	go c.sendLoop()
	defer close(c.done)

	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		dst, pkt, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		s.forward(PublicKey(dst), fmt.Sprintf("%s %s", c.key, pkt))
	}
}

func (s *Server) registerClient(c *sclient) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.clients[c.key]; old != nil {
		go old.nc.Close()
	}
	s.clients[c.key] = c
	s.clientsEver[c.key] = true // want growonly "."
}

func (s *Server) unregisterClient(c *sclient) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clients[c.key] == c {
		delete(s.clients, c.key)
	}
}

func (s *Server) forward(dst PublicKey, pkt string) {
	s.mu.Lock()
	c := s.clients[dst]
	s.mu.Unlock()
	if c == nil {
		return
	}
	select {
	case c.send <- pkt:
	default: // queue full: drop
	}
}

func (c *sclient) sendLoop() {
	for {
		select {
		case pkt := <-c.send:
			if _, err := fmt.Fprintln(c.nc, pkt); err != nil {
				return
			}
		case <-c.done:
			return
		}
	}
}

// Close closes every connection and refuses new ones.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("already closed")
	}
	s.closed = true
	var closedChs []chan struct{}
	for nc, ch := range s.netConns {
		nc.Close()
		closedChs = append(closedChs, ch)
	}
	s.mu.Unlock()
	for _, ch := range closedChs {
		<-ch
	}
	return nil
}

func (s *Server) locked(f func() any) expvar.Func {
	return func() any {
		s.mu.Lock()
		defer s.mu.Unlock()
		return f()
	}
}

// ExpVar returns the server's stats for expvar.Publish.
func (s *Server) ExpVar() expvar.Var {
	m := new(expvar.Map).Init()
	m.Set("counter_unique_clients_ever", s.locked(func() any { return len(s.clientsEver) }))
	m.Set("gauge_current_connections", s.locked(func() any { return len(s.clients) }))
	return m
}
