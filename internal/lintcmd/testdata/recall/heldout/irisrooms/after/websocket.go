// Package websocket reproduces, in its own words, the room-table leak of
// kataras/iris's websocket server fixed in
// https://github.com/kataras/iris/pull/862 (commit
// 5157ed17a62cc5d08670eab0670a917c62b3f777; before/ is the code before
// the fix, after/ as fixed). Rooms map a room name to the IDs of the
// connections in it, and every connection joins a room named by its own
// generated ID. Leave drops a room once its last member leaves, but
// LeaveAll, run for every disconnect, had its own copy of the removal
// that left the emptied room behind, so the table kept one entry per
// connection ever made. The upstream server speaks WebSocket; this one
// reads lines from a net.Conn ("join R", "leave R", "say R text").
package websocket

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync"
)

// Conn is one client connection.
type Conn struct {
	id  string
	c   net.Conn
	wmu sync.Mutex

	OnLeave func(room string)
}

func (c *Conn) ID() string { return c.id }

func (c *Conn) send(msg string) {
	c.wmu.Lock()
	fmt.Fprintln(c.c, msg)
	c.wmu.Unlock()
}

// Server keeps the connections and the rooms they joined.
type Server struct {
	mu    sync.Mutex
	conns map[string]*Conn
	rooms map[string][]string

	OnConnection func(*Conn)
}

func New() *Server {
	return &Server{conns: make(map[string]*Conn), rooms: make(map[string][]string)}
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Join adds connID to the room.
func (s *Server) Join(room, connID string) {
	s.mu.Lock()
	s.rooms[room] = append(s.rooms[room], connID)
	s.mu.Unlock()
}

// Leave removes connID from the room and reports whether it was there.
func (s *Server) Leave(room, connID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leave(room, connID)
}

func (s *Server) leave(room, connID string) bool {
	ids := s.rooms[room]
	left := false
	for i, id := range ids {
		if id == connID {
			s.rooms[room] = append(ids[:i], ids[i+1:]...)
			left = true
			break
		}
	}
	if len(s.rooms[room]) == 0 {
		delete(s.rooms, room)
	}
	if left {
		if c := s.conns[connID]; c != nil && c.OnLeave != nil {
			c.OnLeave(room)
		}
	}
	return left
}

// LeaveAll removes connID from every room it joined.
func (s *Server) LeaveAll(connID string) {
	s.mu.Lock()
	for room := range s.rooms {
		s.leave(room, connID)
	}
	s.mu.Unlock()
}

// To sends msg to every connection in the room.
func (s *Server) To(room, msg string) {
	s.mu.Lock()
	var targets []*Conn
	for _, id := range s.rooms[room] {
		if c := s.conns[id]; c != nil {
			targets = append(targets, c)
		}
	}
	s.mu.Unlock()
	for _, c := range targets {
		c.send(msg)
	}
}

// Serve accepts connections on l until it fails.
func (s *Server) Serve(l net.Listener) error {
	for {
		nc, err := l.Accept()
		if err != nil {
			return err
		}
		go s.handle(nc)
	}
}

func (s *Server) handle(nc net.Conn) {
	c := &Conn{id: newID(), c: nc}
	s.mu.Lock()
	s.conns[c.id] = c
	s.mu.Unlock()
	s.Join(c.id, c.id)
	if s.OnConnection != nil {
		s.OnConnection(c)
	}
	defer func() {
		s.LeaveAll(c.id)
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
		nc.Close()
	}()
	sc := bufio.NewScanner(nc)
	for sc.Scan() {
		verb, rest, _ := strings.Cut(sc.Text(), " ")
		switch verb {
		case "join":
			s.Join(rest, c.id)
		case "leave":
			s.Leave(rest, c.id)
		case "say":
			room, text, _ := strings.Cut(rest, " ")
			s.To(room, c.id+": "+text)
		}
	}
}
