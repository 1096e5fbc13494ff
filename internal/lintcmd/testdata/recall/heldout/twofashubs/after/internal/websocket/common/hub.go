package common

import "sync"

// Hub relays every line one of its clients sends to all of them.
type Hub struct {
	id      string
	onEmpty func(id string)
	clients *sync.Map
}

// NewHub returns a hub with no clients; onEmpty is called with id when
// its last client leaves.
func NewHub(id string, onEmpty func(id string)) *Hub {
	return &Hub{id: id, onEmpty: onEmpty, clients: &sync.Map{}}
}

func (h *Hub) registerClient(c *Client) {
	h.clients.Store(c, struct{}{})
}

func (h *Hub) unregisterClient(c *Client) {
	if _, ok := h.clients.LoadAndDelete(c); !ok {
		return
	}
	close(c.send)
	if h.isEmpty() {
		h.onEmpty(h.id)
	}
}

func (h *Hub) sendTo(c *Client, msg []byte) {
	if _, ok := h.clients.Load(c); !ok {
		return
	}
	select {
	case c.send <- msg:
	default:
		h.unregisterClient(c)
	}
}

func (h *Hub) broadcastMsg(msg []byte) {
	h.clients.Range(func(k, _ any) bool {
		h.sendTo(k.(*Client), msg)
		return true
	})
}

func (h *Hub) isEmpty() bool {
	empty := true
	h.clients.Range(func(_, _ any) bool {
		empty = false
		return false
	})
	return empty
}
