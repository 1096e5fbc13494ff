// Package main holds maps whose only deletes cannot remove every key the
// insertions add (see ineffective.go).
package main

import (
	"net"
	"sync"
)

func main() { net.Listen("tcp", ":0") }

// A writer's loop deletes a stream when a cleanup item reaches it; the
// item is sent only when the stream is still in the server's own map.

type closeItem struct{ id uint32 }

type openItem struct{ id uint32 }

type writer struct {
	open  map[uint32]*openItem
	items chan any
}

func (w *writer) run() {
	for it := range w.items {
		switch it := it.(type) {
		case *openItem:
			w.open[it.id] = it // want `map field writer.open is deleted from only by \*closeItem values, made only when a lookup in s.active succeeds: a key s.active lost first is never removed`
		case *closeItem:
			delete(w.open, it.id)
		}
	}
}

type server struct {
	mu     sync.Mutex
	active map[uint32]bool
	w      *writer
}

func (s *server) reset(id uint32) {
	s.mu.Lock()
	_, ok := s.active[id]
	delete(s.active, id)
	s.mu.Unlock()
	if !ok {
		return
	}
	s.w.items <- &closeItem{id: id}
}

func (s *server) open(id uint32) {
	s.mu.Lock()
	s.active[id] = true
	s.mu.Unlock()
	s.w.items <- &openItem{id: id}
}

// The same writer, but one cleanup item is sent whatever the lookup says:
// every key can reach the delete.

type closeItem2 struct{ id uint32 }

type openItem2 struct{ id uint32 }

type writer2 struct {
	open  map[uint32]*openItem2
	items chan any
}

func (w *writer2) run() {
	for it := range w.items {
		switch it := it.(type) {
		case *openItem2:
			w.open[it.id] = it
		case *closeItem2:
			delete(w.open, it.id)
		}
	}
}

type server2 struct {
	mu     sync.Mutex
	active map[uint32]bool
	w      *writer2
}

func (s *server2) reset(id uint32) {
	s.mu.Lock()
	_, ok := s.active[id]
	delete(s.active, id)
	s.mu.Unlock()
	if ok {
		s.w.items <- &closeItem2{id: id}
		return
	}
	s.w.items <- &closeItem2{id: id} // not guarded: sent for unknown streams too
}

func (s *server2) open(id uint32) {
	s.mu.Lock()
	s.active[id] = true
	s.mu.Unlock()
	s.w.items <- &openItem2{id: id}
}

// A lookup in the map itself guards nothing: the item is made when the
// entry to delete exists.

type dropItem struct{ id uint32 }

type table struct {
	mu      sync.Mutex
	entries map[uint32]string
	drops   chan *dropItem
}

func (t *table) add(id uint32, s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entries[id] = s
}

func (t *table) requestDrop(id uint32) {
	t.mu.Lock()
	_, ok := t.entries[id]
	t.mu.Unlock()
	if !ok {
		return
	}
	t.drops <- &dropItem{id: id}
}

func (t *table) loop() {
	for d := range t.drops {
		t.mu.Lock()
		delete(t.entries, d.id)
		t.mu.Unlock()
	}
}

// Cleanup items also decoded from the wire: not every one follows the
// lookup.

type evictItem struct{ id uint32 }

type cache struct {
	mu      sync.Mutex
	entries map[uint32]string
	known   map[uint32]bool
	evicts  chan *evictItem
}

func (c *cache) add(id uint32, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[id] = s
	c.known[id] = true
}

func (c *cache) evict(id uint32) {
	c.mu.Lock()
	_, ok := c.known[id]
	delete(c.known, id)
	c.mu.Unlock()
	if !ok {
		return
	}
	c.evicts <- &evictItem{id: id}
}

func (c *cache) fromWire(id uint32) {
	var it evictItem
	it.id = id
	c.evicts <- &it
}

func (c *cache) loop() {
	for it := range c.evicts {
		c.mu.Lock()
		delete(c.entries, it.id)
		c.mu.Unlock()
	}
}
