// Package graphql reproduces, in its own words, the per-connection
// operation table of samsarahq/thunder's GraphQL socket server fixed in
// https://github.com/samsarahq/thunder/pull/359 (commit
// 3e1d9f629402ef68f7e3b431defa5fb34bbcccf2; before/ is the code before
// the fix, after/ as fixed). Subscriptions and mutations both register a
// runner under the client's message ID. A subscription lives until the
// client unsubscribes; a mutation runs once, but only its error path
// removed it, so every successful mutation (with its variables, such as
// an uploaded image) stayed in the connection's table until the socket
// closed. The upstream server speaks WebSocket; this one reads JSON
// envelopes from a net.Conn.
package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
)

// Resolver runs a query or a mutation.
type Resolver func(ctx context.Context, query string, vars map[string]interface{}) (interface{}, error)

var errStop = errors.New("stop")

// runner runs f now and again on every rerun, until f returns errStop or
// the runner is stopped.
type runner struct {
	cancel context.CancelFunc
	rerun  chan struct{}
}

func newRunner(ctx context.Context, f func(context.Context) error) *runner {
	ctx, cancel := context.WithCancel(ctx)
	r := &runner{cancel: cancel, rerun: make(chan struct{}, 1)}
	go func() {
		for {
			if err := f(ctx); err != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-r.rerun:
			}
		}
	}()
	return r
}

func (r *runner) Rerun() {
	select {
	case r.rerun <- struct{}{}:
	default:
	}
}

func (r *runner) Stop() { r.cancel() }

type inEnvelope struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Message json.RawMessage `json:"message"`
}

type outEnvelope struct {
	ID      string      `json:"id,omitempty"`
	Type    string      `json:"type"`
	Message interface{} `json:"message,omitempty"`
}

type operation struct {
	Query     string                 `json:"query"`
	Variables map[string]interface{} `json:"variables"`
}

// Conn is one client socket.
type Conn struct {
	ctx    context.Context
	socket net.Conn
	enc    *json.Encoder

	query, mutation  Resolver
	maxSubscriptions int

	writeMu  sync.Mutex
	mutateMu sync.Mutex

	mu            sync.Mutex
	subscriptions map[string]*runner
}

func NewConn(ctx context.Context, socket net.Conn, query, mutation Resolver, maxSubscriptions int) *Conn {
	return &Conn{
		ctx: ctx, socket: socket, enc: json.NewEncoder(socket),
		query: query, mutation: mutation, maxSubscriptions: maxSubscriptions,
		subscriptions: make(map[string]*runner),
	}
}

func (c *Conn) write(out outEnvelope) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.enc.Encode(out); err != nil {
		c.socket.Close()
	}
}

func (c *Conn) handleMutate(in *inEnvelope) error {
	id := in.ID
	var m operation
	if err := json.Unmarshal(in.Message, &m); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subscriptions[id] = newRunner(c.ctx, func(ctx context.Context) error { // want growonly "."
		c.mutateMu.Lock()
		defer c.mutateMu.Unlock()
		res, err := c.mutation(ctx, m.Query, m.Variables)
		if err != nil {
			c.write(outEnvelope{ID: id, Type: "error", Message: err.Error()})
			go c.closeSubscription(id)
			return err
		}
		c.write(outEnvelope{ID: id, Type: "result", Message: res})
		go c.rerunSubscriptions()
		return errStop
	})
	return nil
}

func (c *Conn) handleSubscribe(in *inEnvelope) error {
	id := in.ID
	var s operation
	if err := json.Unmarshal(in.Message, &s); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.subscriptions[id]; ok {
		return errors.New("duplicate subscription")
	}
	if len(c.subscriptions)+1 > c.maxSubscriptions {
		return errors.New("too many subscriptions")
	}
	c.subscriptions[id] = newRunner(c.ctx, func(ctx context.Context) error {
		res, err := c.query(ctx, s.Query, s.Variables)
		if err != nil {
			c.write(outEnvelope{ID: id, Type: "error", Message: err.Error()})
			go c.closeSubscription(id)
			return err
		}
		c.write(outEnvelope{ID: id, Type: "update", Message: res})
		return nil
	})
	return nil
}

func (c *Conn) rerunSubscriptions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.subscriptions {
		r.Rerun()
	}
}

func (c *Conn) closeSubscription(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.subscriptions[id]; ok {
		r.Stop()
		delete(c.subscriptions, id)
	}
}

func (c *Conn) closeSubscriptions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, r := range c.subscriptions {
		r.Stop()
		delete(c.subscriptions, id)
	}
}

// Serve reads envelopes until the socket fails, then stops every operation.
func (c *Conn) Serve() {
	defer c.closeSubscriptions()
	dec := json.NewDecoder(c.socket)
	for {
		var in inEnvelope
		if err := dec.Decode(&in); err != nil {
			return
		}
		var err error
		switch in.Type {
		case "subscribe":
			err = c.handleSubscribe(&in)
		case "unsubscribe":
			c.closeSubscription(in.ID)
		case "mutate":
			err = c.handleMutate(&in)
		case "echo":
			c.write(outEnvelope{Type: "echo"})
		}
		if err != nil {
			c.write(outEnvelope{ID: in.ID, Type: "error", Message: err.Error()})
		}
	}
}
