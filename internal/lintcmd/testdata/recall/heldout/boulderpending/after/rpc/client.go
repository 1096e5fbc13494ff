// Package rpc reproduces, in its own words, the pending-reply leak fixed
// in Boulder: https://github.com/letsencrypt/boulder/issues/1045 (commit
// 09520058e11848b3f8067d627d658ecabd09fca1; before/ is the code before
// the fix, after/ as fixed). Each call registers its reply channel under a
// fresh correlation token; the reply loop removed it when the reply came,
// but a call that timed out left its channel in the map for the life of
// the process.
package rpc

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

type message struct {
	CorrID string          `json:"corr_id"`
	Method string          `json:"method,omitempty"`
	Body   json.RawMessage `json:"body"`
}

// Client sends calls to a server queue over a broker connection and reads
// the replies on its own queue.
type Client struct {
	conn    net.Conn
	sendMu  sync.Mutex
	enc     *json.Encoder
	timeout time.Duration

	mu      sync.RWMutex
	pending map[string]chan []byte

	// lateReplies counts replies that came after their call timed out.
	lateReplies atomic.Int64
}

func NewClient(conn net.Conn) *Client {
	c := &Client{
		conn:    conn,
		enc:     json.NewEncoder(conn),
		timeout: 10 * time.Second,
		pending: make(map[string]chan []byte),
	}
	go c.replies()
	return c
}

// replies hands each reply to the call waiting for it.
func (c *Client) replies() {
	dec := json.NewDecoder(c.conn)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			log.Printf("reply queue closed: %v", err)
			return
		}
		c.mu.RLock()
		ch, ok := c.pending[m.CorrID]
		c.mu.RUnlock()
		if !ok {
			// the call timed out before its reply arrived
			c.lateReplies.Add(1)
			continue
		}
		ch <- m.Body
		c.mu.Lock()
		delete(c.pending, m.CorrID)
		c.mu.Unlock()
	}
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// dispatch sends a call and returns its token and the channel its reply
// will arrive on.
func (c *Client) dispatch(method string, body []byte) (string, chan []byte) {
	ch := make(chan []byte, 1)
	id := newToken()
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()

	c.sendMu.Lock()
	err := c.enc.Encode(message{CorrID: id, Method: method, Body: body})
	c.sendMu.Unlock()
	if err != nil {
		log.Printf("send %s: %v", method, err)
	}
	return id, ch
}

// DispatchSync sends a call and waits for its reply or the timeout.
func (c *Client) DispatchSync(method string, body []byte) ([]byte, error) {
	id, ch := c.dispatch(method, body)
	select {
	case reply := <-ch:
		return reply, nil
	case <-time.After(c.timeout):
		log.Printf("rpc timeout: %s", method)
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return nil, errors.New("rpc timeout")
	}
}
