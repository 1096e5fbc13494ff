// Package ovsdb is a client for the Open vSwitch database protocol.
//
// The fixed shape of digitalocean/go-openvswitch after
// https://github.com/digitalocean/go-openvswitch/pull/17 (commits 56cae4b
// and eacb484, "fix callback leak when RPCs receive no response", "always
// clean up callbacks in consumer"): the RPC deletes its own callback in a
// deferred function, whether it was answered, cancelled or failed to send.
package ovsdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"recall/heldout/ovsdbcallbacks/after/ovsdb/internal/jsonrpc"
)

// Client is an OVSDB client.
type Client struct {
	conn *jsonrpc.Conn

	nextID int64

	cbMu      sync.Mutex
	callbacks map[int]callback

	wg sync.WaitGroup
}

// callback hands the response of one RPC back to its caller.
type callback struct {
	ctx  context.Context
	resp chan response
}

type response struct {
	result json.RawMessage
	err    error
}

// Dial connects to an OVSDB server.
func Dial(network, addr string) (*Client, error) {
	conn, err := net.Dial(network, addr)
	if err != nil {
		return nil, err
	}
	return New(conn), nil
}

// New wraps an existing connection to an OVSDB server.
func New(conn net.Conn) *Client {
	c := &Client{
		conn:      jsonrpc.NewConn(conn),
		callbacks: make(map[int]callback),
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.receiveLoop()
	}()
	return c
}

// Close closes the connection and waits for the receive loop.
func (c *Client) Close() error {
	err := c.conn.Close()
	c.wg.Wait()
	return err
}

// Pending reports how many RPCs wait for a response.
func (c *Client) Pending() int {
	c.cbMu.Lock()
	defer c.cbMu.Unlock()
	return len(c.callbacks)
}

// ListDatabases asks the server for the names of its databases.
func (c *Client) ListDatabases(ctx context.Context) ([]string, error) {
	var names []string
	if err := c.call(ctx, "list_dbs", &names); err != nil {
		return nil, err
	}
	return names, nil
}

// Echo asks the server to send its arguments back.
func (c *Client) Echo(ctx context.Context, words ...string) ([]string, error) {
	params := make([]interface{}, len(words))
	for i, w := range words {
		params[i] = w
	}
	var back []string
	if err := c.call(ctx, "echo", &back, params...); err != nil {
		return nil, err
	}
	return back, nil
}

func (c *Client) call(ctx context.Context, method string, out interface{}, params ...interface{}) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	id := int(atomic.AddInt64(&c.nextID, 1))

	ch := make(chan response, 1)
	c.register(id, callback{ctx: ctx, resp: ch})
	// Whatever happens, the callback goes with the call; deleting it a
	// second time after deliver is harmless.
	defer func() {
		c.cbMu.Lock()
		defer c.cbMu.Unlock()
		delete(c.callbacks, id)
	}()

	if err := c.conn.Send(jsonrpc.Request{ID: id, Method: method, Params: params}); err != nil {
		return err
	}

	select {
	case <-ctx.Done():
		return ctx.Err()
	case r, ok := <-ch:
		if !ok {
			return ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		return json.Unmarshal(r.result, out)
	}
}

func (c *Client) register(id int, cb callback) {
	c.cbMu.Lock()
	defer c.cbMu.Unlock()
	if _, dup := c.callbacks[id]; dup {
		panic(fmt.Sprintf("ovsdb: callback %d registered twice", id))
	}
	c.callbacks[id] = cb
}

// deliver hands a response to the RPC waiting for it and forgets its
// callback.
func (c *Client) deliver(id int, r response) {
	c.cbMu.Lock()
	defer c.cbMu.Unlock()
	cb, ok := c.callbacks[id]
	if !ok {
		return
	}
	defer close(cb.resp)
	select {
	case <-cb.ctx.Done():
	case cb.resp <- r:
	}
	delete(c.callbacks, id)
}

func (c *Client) receiveLoop() {
	for {
		res, err := c.conn.Receive()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if res.ID == nil {
			// Notifications are not handled.
			continue
		}
		if err := res.Err(); err != nil {
			c.deliver(*res.ID, response{err: err})
			continue
		}
		c.deliver(*res.ID, response{result: res.Result})
	}
}
