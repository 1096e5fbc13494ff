// Package tdlib reproduces, in its own words, the waiter leak fixed in
// go-tdlib: https://github.com/Arman92/go-tdlib/pull/74 (commit
// 061f57292f65ff3a68f4a51edd8e5c5f6e2fab9c; before/ is the code before
// the fix, after/ as fixed). Every request stores a waiter under a random
// key; only the timeout path deleted it.
package tdlib

import (
	"errors"
	"math/rand"
	"net"
	"strconv"
	"sync"
	"time"
)

var _ net.Addr

type UpdateMsg struct{ Raw []byte }

// Client is one session with the server, kept for the program's life.
type Client struct {
	waiters sync.Map
	send    chan string
	mu      sync.Mutex
}

func (c *Client) receive(extra string, msg UpdateMsg) {
	if w, ok := c.waiters.Load(extra); ok {
		w.(chan UpdateMsg) <- msg
	}
}

// SendAndCatch sends a query and waits for its answer.
func (c *Client) SendAndCatch(query string) (UpdateMsg, error) {
	extra := strconv.FormatInt(rand.Int63(), 36)
	waiter := make(chan UpdateMsg, 1)
	c.waiters.Store(extra, waiter) // want growonly "deleted on some paths but not"
	c.send <- query + extra
	select {
	case resp := <-waiter:
		return resp, nil
	case <-time.After(10 * time.Second):
		c.waiters.Delete(extra)
		return UpdateMsg{}, errors.New("timeout")
	}
}
