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
	h.handlers[c] = true
}

// Del forgets c, which closed on its own.
func (h *ClientHandlers) Del(c Closable) {
	h.l.Lock()
	defer h.l.Unlock()
	delete(h.handlers, c)
}

// Val reports whether c is recorded.
func (h *ClientHandlers) Val(c Closable) bool {
	h.l.RLock()
	defer h.l.RUnlock()
	return h.handlers[c]
}

// Close closes everything recorded.
func (h *ClientHandlers) Close() {
	// Each Close calls Del, which takes the lock: close outside it.
	h.l.Lock()
	handlers := make([]Closable, 0, len(h.handlers))
	for handler := range h.handlers {
		handlers = append(handlers, handler)
	}
	h.l.Unlock()
	for _, handler := range handlers {
		handler.Close()
	}
}
