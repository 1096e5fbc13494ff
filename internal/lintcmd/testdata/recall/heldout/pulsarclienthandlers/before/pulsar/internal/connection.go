package internal

import (
	"bufio"
	"fmt"
	"net"
	"sync"
)

// Connection is a line-based connection to a broker.
type Connection struct {
	mu sync.Mutex
	nc net.Conn
	br *bufio.Reader
}

// Dial connects to the broker at addr.
func Dial(addr string) (*Connection, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Connection{nc: nc, br: bufio.NewReader(nc)}, nil
}

// WriteCommand sends one command line.
func (c *Connection) WriteCommand(format string, args ...any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fprintf(c.nc, format+"\n", args...)
	return err
}

// ReadLine reads the broker's next line.
func (c *Connection) ReadLine() (string, error) {
	return c.br.ReadString('\n')
}

// Close closes the connection.
func (c *Connection) Close() error { return c.nc.Close() }
