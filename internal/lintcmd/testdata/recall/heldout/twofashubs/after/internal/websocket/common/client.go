package common

import (
	"bufio"
	"bytes"
	"log"
	"net"
	"time"
)

const (
	writeWait      = 10 * time.Second
	pongWait       = 60 * time.Second
	pingPeriod     = pongWait * 9 / 10
	maxMessageSize = 4 * 1024
)

// Client is one connection of a hub.
type Client struct {
	hub  *Hub
	conn net.Conn
	in   *bufio.Reader
	send chan []byte
}

// readLoop passes each line the peer sends to the hub, until the peer
// goes quiet or closes.
func (c *Client) readLoop() {
	defer func() {
		c.hub.unregisterClient(c)
		c.conn.Close()
	}()
	for {
		c.conn.SetReadDeadline(time.Now().Add(pongWait))
		line, err := c.in.ReadSlice('\n')
		if err != nil {
			log.Printf("connection closed: %v", err)
			return
		}
		if len(line) > maxMessageSize {
			return
		}
		msg := bytes.TrimSpace(line)
		if string(msg) == "PONG" {
			continue
		}
		go c.hub.broadcastMsg(append([]byte(nil), msg...))
	}
}

// writeLoop writes the hub's lines to the peer and pings it.
func (c *Client) writeLoop() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case msg, ok := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				c.conn.Write([]byte("CLOSE\n"))
				return
			}
			if _, err := c.conn.Write(append(msg, '\n')); err != nil {
				return
			}
		case <-ticker.C:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if _, err := c.conn.Write([]byte("PING\n")); err != nil {
				return
			}
		}
	}
}
