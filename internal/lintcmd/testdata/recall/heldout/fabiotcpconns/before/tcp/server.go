// Package tcp reproduces, in its own words, the connection-table leak of
// fabio's TCP proxy fixed in https://github.com/fabiolb/fabio/pull/321
// (commit 327c81a0907e35bff3c6310bf820bd7e4551777e; before/ is the code
// before the fix, after/ as fixed). The server records every accepted
// connection so that Close and Shutdown can close them all, but nothing
// took a connection out of the table when its handler returned: a
// long-running load balancer kept every client connection it had ever
// proxied (and the buffers behind it) until it was stopped.
package tcp

import (
	"context"
	"io"
	"net"
	"sync"
	"time"
)

// Handler serves one accepted connection and closes it on return.
type Handler interface {
	ServeTCP(in net.Conn) error
}

type HandlerFunc func(in net.Conn) error

func (f HandlerFunc) ServeTCP(in net.Conn) error { return f(in) }

// Server is a TCP server that can close all its connections.
type Server struct {
	Addr         string
	Handler      Handler
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	mu        sync.Mutex
	listeners []net.Listener
	conns     map[net.Conn]bool
}

func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

func (s *Server) Serve(l net.Listener) error {
	defer l.Close()
	s.mu.Lock()
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	for {
		raw, err := l.Accept()
		if err != nil {
			return err
		}
		c := &deadlineConn{Conn: raw, read: s.ReadTimeout, write: s.WriteTimeout}
		s.mu.Lock()
		if s.conns == nil {
			s.conns = make(map[net.Conn]bool)
		}
		s.conns[c] = true // want growonly "."
		s.mu.Unlock()
		go s.Handler.ServeTCP(c)
	}
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	for _, l := range s.listeners {
		l.Close()
	}
	s.listeners = nil
	s.mu.Unlock()
}

func (s *Server) closeConns() error {
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
	return nil
}

func (s *Server) Close() error {
	s.closeListeners()
	return s.closeConns()
}

// Shutdown stops accepting, waits for ctx, then closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	if ctx != nil {
		<-ctx.Done()
	}
	return s.closeConns()
}

// deadlineConn renews its deadlines on every read and write.
type deadlineConn struct {
	net.Conn
	read, write time.Duration
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	if c.read > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(c.read))
	}
	return c.Conn.Read(b)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	if c.write > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(c.write))
	}
	return c.Conn.Write(b)
}

// Proxy forwards every connection to the address Lookup picks for it.
type Proxy struct {
	Lookup func(in net.Conn) string
	Dial   func(network, addr string) (net.Conn, error)
}

func (p *Proxy) ServeTCP(in net.Conn) error {
	defer in.Close()
	addr := p.Lookup(in)
	if addr == "" {
		return nil
	}
	dial := p.Dial
	if dial == nil {
		dial = net.Dial
	}
	out, err := dial("tcp", addr)
	if err != nil {
		return err
	}
	defer out.Close()
	errc := make(chan error, 2)
	cp := func(dst io.Writer, src io.Reader) {
		_, err := io.Copy(dst, src)
		errc <- err
	}
	go cp(in, out)
	go cp(out, in)
	return <-errc
}
