// Package internal holds the client's bookkeeping and broker connection
// (see package pulsar for the upstream fix).
package internal

import "sync"

// Closable is a producer, consumer or reader the client closes with
// itself.
type Closable interface {
	Close()
}

// ClientHandlers is the set of what a client opened.
type ClientHandlers struct {
	handlers map[Closable]bool
	l        *sync.RWMutex
}

// NewClientHandlers returns an empty set.
func NewClientHandlers() ClientHandlers {
	return ClientHandlers{
		handlers: map[Closable]bool{},
		l:        &sync.RWMutex{},
	}
}

// Add records c, to be closed when the client closes.
func (h *ClientHandlers) Add(c Closable) {
	h.l.Lock()
	defer h.l.Unlock()
	h.handlers[c] = true // want growonly "."
}

// Val reports whether c is recorded.
func (h *ClientHandlers) Val(c Closable) bool {
	h.l.RLock()
	defer h.l.RUnlock()
	return h.handlers[c]
}

// Close closes everything recorded.
func (h *ClientHandlers) Close() {
	h.l.Lock()
	defer h.l.Unlock()
	for handler := range h.handlers {
		handler.Close()
	}
}
