package fasthttp

import (
	"net"
	"sync"
)

// ipCounter counts the open connections of each client address.
type ipCounter struct {
	mu     sync.Mutex
	counts map[uint32]int
	wraps  sync.Pool
}

// add counts one more connection from ip and returns how many it has now.
func (c *ipCounter) add(ip uint32) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = make(map[uint32]int)
	}
	n := c.counts[ip] + 1
	c.counts[ip] = n // want growonly "."
	return n
}

// done counts one connection from ip fewer. It keeps the address with a
// count of zero: every client address ever seen stays in the map.
func (c *ipCounter) done(ip uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		panic("ipCounter.done without add")
	}
	c.counts[ip] = max(c.counts[ip]-1, 0)
}

// countedConn gives its address's count back when it is closed.
type countedConn struct {
	net.Conn
	counter *ipCounter
	ip      uint32
	mu      sync.Mutex
}

func wrapCounted(conn net.Conn, ip uint32, counter *ipCounter) net.Conn {
	if v := counter.wraps.Get(); v != nil {
		cc := v.(*countedConn)
		cc.Conn, cc.ip = conn, ip
		return cc
	}
	return &countedConn{Conn: conn, counter: counter, ip: ip}
}

func (cc *countedConn) Close() error {
	cc.mu.Lock()
	conn := cc.Conn
	if conn == nil {
		cc.mu.Unlock()
		return nil
	}
	cc.Conn = nil
	cc.mu.Unlock()
	err := conn.Close()
	cc.counter.done(cc.ip)
	cc.counter.wraps.Put(cc)
	return err
}
