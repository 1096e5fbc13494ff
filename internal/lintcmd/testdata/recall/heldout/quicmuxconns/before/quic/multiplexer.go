// Package quic reproduces, in its own words, the connection leak of
// quic-go's connection multiplexer fixed in
// https://github.com/quic-go/quic-go/pull/1738 (issue
// https://github.com/quic-go/quic-go/issues/1709, commit
// 1a0aa50471446dc181c80a47f939bb28d1bc31ef; before/ is the code before the
// fix, after/ as fixed). Every packet connection a client dials on or a
// server listens on is added to the process-wide multiplexer, which keeps
// one packet handler map per connection so that several sessions can
// share it. Nothing took a connection out again: DialAddr opens a new UDP
// socket per session and closes it with the session, and the closed
// socket's handler map (and everything it points to) stayed in the
// multiplexer for the life of the process. The fix removes the connection
// when its handler map closes.
package quic

import (
	"fmt"
	"net"
	"sync"
)

var (
	connMuxerOnce sync.Once
	connMuxer     multiplexer
)

type multiplexer interface {
	AddConn(c net.PacketConn, connIDLen int) (*packetHandlerMap, error)
}

type connManager struct {
	connIDLen int
	manager   *packetHandlerMap
}

// connMultiplexer listens on several packet connections and hands each
// packet to the session it belongs to.
type connMultiplexer struct {
	mutex sync.Mutex
	conns map[net.PacketConn]connManager
}

func getMultiplexer() multiplexer {
	connMuxerOnce.Do(func() {
		connMuxer = &connMultiplexer{conns: make(map[net.PacketConn]connManager)}
	})
	return connMuxer
}

func (m *connMultiplexer) AddConn(c net.PacketConn, connIDLen int) (*packetHandlerMap, error) {
	m.mutex.Lock()
	defer m.mutex.Unlock()

	p, ok := m.conns[c]
	if !ok {
		p = connManager{connIDLen: connIDLen, manager: newPacketHandlerMap(c, connIDLen)}
		m.conns[c] = p // want growonly "."
	}
	if p.connIDLen != connIDLen {
		return nil, fmt.Errorf("cannot use %d byte connection IDs on a connection that is already using %d byte connection IDs", connIDLen, p.connIDLen)
	}
	return p.manager, nil
}
