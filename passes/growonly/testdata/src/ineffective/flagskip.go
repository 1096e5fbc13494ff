package main

import (
	"sync"
	"sync/atomic"
)

// Finalize unregisters the request unless done is set, and send sets
// done without unregistering: a request answered by send stays.

type rpc struct {
	mu       sync.Mutex
	handlers map[string]*handler
}

type handler struct {
	r    *rpc
	id   string
	done atomic.Bool
}

func (r *rpc) registerHandler(id string, h *handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[id] = h // want `map field rpc.handlers is deleted from only after Finalize returns early on done, which finish sets without deleting: an entry whose done was set there stays`
}

func (r *rpc) unregisterHandler(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.handlers, id)
}

func (h *handler) finish() { h.done.Store(true) }

func (h *handler) send(last bool) {
	if last {
		h.finish()
	}
}

func (h *handler) Finalize() {
	if h.id == "" || h.done.Load() {
		return
	}
	h.finish()
	h.r.unregisterHandler(h.id)
}

// The flag is set only by the cleanup itself, after its test: every
// entry is deleted once.

type rpc2 struct {
	mu       sync.Mutex
	handlers map[string]*handler2
}

type handler2 struct {
	r      *rpc2
	id     string
	closed bool
}

func (r *rpc2) add(id string, h *handler2) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[id] = h
}

func (h *handler2) Close() {
	if h.closed {
		return
	}
	h.closed = true
	h.r.mu.Lock()
	delete(h.r.handlers, h.id)
	h.r.mu.Unlock()
}

// The other function that sets the flag deletes too.

type rpc3 struct {
	mu       sync.Mutex
	handlers map[string]*handler3
}

type handler3 struct {
	r      *rpc3
	id     string
	closed bool
}

func (r *rpc3) add(id string, h *handler3) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[id] = h
}

func (h *handler3) Close() {
	if h.closed {
		return
	}
	h.closed = true
	h.r.remove(h.id)
}

func (h *handler3) fail() {
	h.closed = true
	h.r.remove(h.id)
}

func (r *rpc3) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.handlers, id)
}

// The flag belongs to the owner (the whole service disabled), not to the
// entry: a disabled service's entries are not a per-entry leak.

type service struct {
	mu       sync.Mutex
	disabled atomic.Bool
	usage    map[string]*handler4
}

type handler4 struct{ id string }

func (s *service) addUsage(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usage[id] = &handler4{id: id}
}

func (s *service) removePeer(id string) {
	if s.disabled.Load() {
		return
	}
	s.dropUsage(id)
}

func (s *service) dropUsage(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.usage, id)
}

func (s *service) Disable() { s.disabled.Store(true) }
