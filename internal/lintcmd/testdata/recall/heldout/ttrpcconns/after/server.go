// Package ttrpc reproduces, in its own words, the connection leak fixed in
// containerd's ttrpc: https://github.com/containerd/ttrpc/pull/61 (commit
// 9ece5ae787377199802deacb7f174f4c9ee09f8c; before/ is the code before the
// fix, after/ as fixed). The server keeps every accepted connection in a
// set so that Shutdown can close the idle ones and Close all of them; a
// connection that ended on its own (the client hung up or sent garbage)
// was never taken out of the set, so a server that lives as long as its
// process kept one entry, and the connection's buffers, per connection it
// ever served.
package ttrpc

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

var ErrServerClosed = errors.New("ttrpc: server closed")

// Method handles one unary call.
type Method func(ctx context.Context, payload []byte) ([]byte, error)

type Server struct {
	mu          sync.Mutex
	methods     map[string]Method
	listeners   map[net.Listener]struct{}
	connections map[*serverConn]struct{} // every connection, for Shutdown and Close
	done        chan struct{}
}

func NewServer() *Server {
	return &Server{
		methods:     make(map[string]Method),
		listeners:   make(map[net.Listener]struct{}),
		connections: make(map[*serverConn]struct{}),
		done:        make(chan struct{}),
	}
}

// Register adds a method before Serve is called.
func (s *Server) Register(name string, m Method) {
	s.mu.Lock()
	s.methods[name] = m
	s.mu.Unlock()
}

// Serve accepts connections on l until the server is shut down.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	s.mu.Lock()
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer s.closeListener(l)

	var backoff time.Duration
	for {
		conn, err := l.Accept()
		if err != nil {
			select {
			case <-s.done:
				return ErrServerClosed
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if backoff == 0 {
					backoff = time.Millisecond
				} else if backoff *= 2; backoff > time.Second {
					backoff = time.Second
				}
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		sc := s.newConn(conn)
		go sc.run(ctx)
	}
}

// Shutdown stops accepting and closes connections as they become idle.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closeDone()
	err := s.closeListeners()
	s.mu.Unlock()

	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	for {
		if s.closeIdleConns() {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

// Close stops the server without waiting for calls in progress.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeDone()
	err := s.closeListeners()
	for c := range s.connections {
		c.close()
		delete(s.connections, c)
	}
	return err
}

func (s *Server) closeDone() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

func (s *Server) closeListener(l net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, l)
	l.Close()
}

// closeListeners is called with s.mu held.
func (s *Server) closeListeners() error {
	var first error
	for l := range s.listeners {
		if err := l.Close(); err != nil && first == nil {
			first = err
		}
		delete(s.listeners, l)
	}
	return first
}

func (s *Server) addConnection(c *serverConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connections[c] = struct{}{}
}

func (s *Server) delConnection(c *serverConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.connections, c)
}

// closeIdleConns closes the connections with no call in progress and
// reports whether none is left busy.
func (s *Server) closeIdleConns() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	quiet := true
	for c := range s.connections {
		if c.state.Load() != stateIdle {
			quiet = false
			continue
		}
		c.close()
		delete(s.connections, c)
	}
	return quiet
}

func (s *Server) method(name string) (Method, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.methods[name]
	return m, ok
}

const (
	stateIdle int32 = iota + 1
	stateActive
)

type serverConn struct {
	server *Server
	conn   net.Conn
	state  atomic.Int32

	shutdownOnce sync.Once
	shutdown     chan struct{}
}

func (s *Server) newConn(conn net.Conn) *serverConn {
	c := &serverConn{server: s, conn: conn, shutdown: make(chan struct{})}
	c.state.Store(stateIdle)
	s.addConnection(c)
	return c
}

func (c *serverConn) close() {
	c.shutdownOnce.Do(func() { close(c.shutdown) })
}

// run serves calls on the connection until it fails or is shut down. A
// call is a frame holding the method name and the payload; the reply is
// a frame holding an error text and the result.
func (c *serverConn) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer c.conn.Close()
	defer c.server.delConnection(c)

	go func() {
		select {
		case <-c.shutdown:
			c.conn.Close()
		case <-ctx.Done():
		}
	}()

	r := bufio.NewReader(c.conn)
	for {
		name, err := readFrame(r)
		if err != nil {
			return
		}
		payload, err := readFrame(r)
		if err != nil {
			return
		}
		c.state.Store(stateActive)
		var result []byte
		var errText string
		if m, ok := c.server.method(string(name)); ok {
			if result, err = m(ctx, payload); err != nil {
				errText = err.Error()
			}
		} else {
			errText = "method not found"
		}
		if writeFrame(c.conn, []byte(errText)) != nil || writeFrame(c.conn, result) != nil {
			return
		}
		c.state.Store(stateIdle)
	}
}

const maxFrame = 4 << 20

func readFrame(r *bufio.Reader) ([]byte, error) {
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return nil, err
	}
	if n > maxFrame {
		return nil, errors.New("frame too large")
	}
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return b, err
}

func writeFrame(w io.Writer, b []byte) error {
	if err := binary.Write(w, binary.BigEndian, uint32(len(b))); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}
