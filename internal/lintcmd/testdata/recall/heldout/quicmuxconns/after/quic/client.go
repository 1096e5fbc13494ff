package quic

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"sync"
)

const connIDLen = 8

// Session is one connection to a server.
type Session struct {
	conn              net.PacketConn
	remote            net.Addr
	connID            []byte
	handlers          *packetHandlerMap
	createdPacketConn bool

	once     sync.Once
	received chan []byte
	done     chan struct{}
	err      error
}

func (s *Session) handlePacket(_ net.Addr, data []byte) {
	select {
	case s.received <- append([]byte(nil), data...):
	case <-s.done:
	}
}

func (s *Session) destroy(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
	})
}

// Send writes one datagram of the session.
func (s *Session) Send(p []byte) error {
	_, err := s.conn.WriteTo(append(append([]byte(nil), s.connID...), p...), s.remote)
	return err
}

// Receive waits for the next datagram of the session.
func (s *Session) Receive(ctx context.Context) ([]byte, error) {
	select {
	case p := <-s.received:
		return p, nil
	case <-s.done:
		return nil, s.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close ends the session, and closes the UDP socket if DialAddr opened it.
func (s *Session) Close() error {
	s.handlers.Remove(s.connID)
	s.destroy(errors.New("session closed"))
	if s.createdPacketConn {
		return s.conn.Close()
	}
	return nil
}

// DialAddr opens a new UDP socket and a session on it to addr; closing the
// session closes the socket.
func DialAddr(ctx context.Context, addr string) (*Session, error) {
	udpAddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4zero})
	if err != nil {
		return nil, err
	}
	return dialContext(ctx, conn, udpAddr, true)
}

// Dial opens a session on a connection the caller owns and may share.
func Dial(ctx context.Context, conn net.PacketConn, remote net.Addr) (*Session, error) {
	return dialContext(ctx, conn, remote, false)
}

func dialContext(ctx context.Context, conn net.PacketConn, remote net.Addr, created bool) (*Session, error) {
	handlers, err := getMultiplexer().AddConn(conn, connIDLen)
	if err != nil {
		return nil, err
	}
	id := make([]byte, connIDLen)
	rand.Read(id)
	s := &Session{
		conn:              conn,
		remote:            remote,
		connID:            id,
		handlers:          handlers,
		createdPacketConn: created,
		received:          make(chan []byte, 16),
		done:              make(chan struct{}),
	}
	handlers.Add(id, s)
	if err := s.Send([]byte("hello")); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := s.Receive(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
