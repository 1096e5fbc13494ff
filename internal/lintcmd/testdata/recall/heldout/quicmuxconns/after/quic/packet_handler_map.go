package quic

import (
	"net"
	"sync"
)

const maxPacketSize = 1452

type packetHandler interface {
	handlePacket(addr net.Addr, data []byte)
	destroy(err error)
}

// packetHandlerMap hands the packets read from one connection to the
// sessions on it, by connection ID.
type packetHandlerMap struct {
	mutex     sync.RWMutex
	conn      net.PacketConn
	connIDLen int
	handlers  map[string]packetHandler
	closed    bool
}

func newPacketHandlerMap(c net.PacketConn, connIDLen int) *packetHandlerMap {
	h := &packetHandlerMap{conn: c, connIDLen: connIDLen, handlers: make(map[string]packetHandler)}
	go h.listen()
	return h
}

func (h *packetHandlerMap) Add(id []byte, handler packetHandler) {
	h.mutex.Lock()
	h.handlers[string(id)] = handler
	h.mutex.Unlock()
}

func (h *packetHandlerMap) Remove(id []byte) {
	h.mutex.Lock()
	delete(h.handlers, string(id))
	h.mutex.Unlock()
}

func (h *packetHandlerMap) close(err error) error {
	h.mutex.Lock()
	if h.closed {
		h.mutex.Unlock()
		return nil
	}
	h.closed = true
	for _, handler := range h.handlers {
		handler.destroy(err)
	}
	h.mutex.Unlock()
	return getMultiplexer().RemoveConn(h.conn)
}

func (h *packetHandlerMap) listen() {
	for {
		buf := make([]byte, maxPacketSize)
		n, addr, err := h.conn.ReadFrom(buf)
		if err != nil {
			h.close(err)
			return
		}
		if n < h.connIDLen {
			continue
		}
		h.mutex.RLock()
		handler, ok := h.handlers[string(buf[:h.connIDLen])]
		h.mutex.RUnlock()
		if ok {
			handler.handlePacket(addr, buf[h.connIDLen:n])
		}
	}
}
