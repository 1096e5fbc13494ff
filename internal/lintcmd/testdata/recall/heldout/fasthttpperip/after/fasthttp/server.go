// Package fasthttp reproduces, in its own words, the per-address
// connection limit of valyala/fasthttp's Server as it was before
// https://github.com/valyala/fasthttp/pull/2337 (commit
// e55e5557b4f94878dbeb7efe5b6242bc3006f58e; before/ is the code before the
// change, after/ as changed). With MaxConnsPerIP set, the server counts
// the open connections of each client IPv4 address in a map; closing a
// connection stored the lowered count back, down to 0, instead of
// deleting the address, so the map kept a key for every client address
// the server had ever seen.
package fasthttp

import (
	"bufio"
	"encoding/binary"
	"net"
	"sync"
)

// Handler answers one request line.
type Handler func(line string) string

// Server serves a line protocol, one request per line.
type Server struct {
	Handler Handler

	// MaxConnsPerIP limits the open connections of one client address;
	// 0 means no limit.
	MaxConnsPerIP int

	perIP ipCounter
	wg    sync.WaitGroup
}

// Serve accepts connections on ln until it fails.
func (s *Server) Serve(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			s.wg.Wait()
			return err
		}
		if s.MaxConnsPerIP > 0 {
			c = s.limit(c)
			if c == nil {
				continue
			}
		}
		s.wg.Add(1)
		go s.serveConn(c)
	}
}

// limit counts c against its address and refuses it when the address has
// too many connections open.
func (s *Server) limit(c net.Conn) net.Conn {
	ip := ipv4Of(c)
	if ip == 0 {
		return c
	}
	if n := s.perIP.add(ip); n > s.MaxConnsPerIP {
		s.perIP.done(ip)
		c.Write([]byte("too many connections from your address\n"))
		c.Close()
		return nil
	}
	return wrapCounted(c, ip, &s.perIP)
}

func (s *Server) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	r := bufio.NewScanner(c)
	for r.Scan() {
		if _, err := c.Write([]byte(s.Handler(r.Text()) + "\n")); err != nil {
			return
		}
	}
}

func ipv4Of(c net.Conn) uint32 {
	addr, ok := c.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return 0
	}
	ip := addr.IP.To4()
	if ip == nil {
		return 0
	}
	return binary.BigEndian.Uint32(ip)
}
