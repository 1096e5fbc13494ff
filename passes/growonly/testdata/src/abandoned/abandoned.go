// Package abandoned is library code registering entries under keys it
// generates and handing the caller a handle to remove them.
package abandoned

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

var _ net.Addr

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type sub struct {
	c     *conn
	inbox string
	topic string
}

type conn struct {
	mu   sync.Mutex
	next uint64
	subs map[string]*sub
	reqs sync.Map
	send func(string) error
}

// The error return after the store leaves the new entry behind.
func (c *conn) Subscribe(topic string) (*sub, error) {
	s := &sub{c: c, inbox: newID(), topic: topic}
	c.mu.Lock()
	c.subs[s.inbox] = s // want `the entry stored here under a key this call generated is left behind by the error return at line 43: the caller gets no handle to remove it, and nothing deletes it there`
	c.mu.Unlock()
	if err := c.send(s.inbox); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *sub) Unsubscribe() {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	delete(s.c.subs, s.inbox)
}

// A counter key, a sync.Map: the same.
func (c *conn) Request(body string) (uint64, error) {
	id := atomic.AddUint64(&c.next, 1)
	c.reqs.Store(id, body) // want `left behind by the error return at line 59`
	if body == "" {
		return 0, errors.New("empty body")
	}
	return id, nil
}

func (c *conn) Done(id uint64) { c.reqs.Delete(id) }

// Deleted on the error return, through a helper: nothing left behind.
func (c *conn) Subscribe2(topic string) (*sub, error) {
	s := &sub{c: c, inbox: newID(), topic: topic}
	c.mu.Lock()
	c.subs[s.inbox] = s
	c.mu.Unlock()
	if err := c.send(s.inbox); err != nil {
		s.Unsubscribe()
		return nil, err
	}
	return s, nil
}

// Deferred cleanup on failure: nothing left behind.
func (c *conn) Subscribe3(topic string) (_ *sub, err error) {
	s := &sub{c: c, inbox: newID(), topic: topic}
	c.mu.Lock()
	c.subs[s.inbox] = s
	c.mu.Unlock()
	defer func() {
		if err != nil {
			s.Unsubscribe()
		}
	}()
	if err := c.send(s.inbox); err != nil {
		return nil, err
	}
	return s, nil
}

// The caller's key: the caller still knows it and may remove it.
func (c *conn) SubscribeAs(inbox string) (*sub, error) {
	s := &sub{c: c, inbox: inbox}
	c.mu.Lock()
	c.subs[s.inbox] = s
	c.mu.Unlock()
	if err := c.send(s.inbox); err != nil {
		return nil, err
	}
	return s, nil
}

// A goroutine gets the entry: it may remove it when it ends.
func (c *conn) Serve(topic string) (*sub, error) {
	s := &sub{c: c, inbox: newID(), topic: topic}
	c.mu.Lock()
	c.subs[s.inbox] = s
	c.mu.Unlock()
	go s.run()
	if err := c.send(s.inbox); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *sub) run() {}

// The store's own failure: nothing was stored.
func (c *conn) Store(topic string) (*sub, error) {
	s := &sub{c: c, inbox: newID(), topic: topic}
	if err := c.storeOrFail(s); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *conn) storeOrFail(s *sub) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.subs) > 1000 {
		return errors.New("full")
	}
	c.subs[s.inbox] = s
	return nil
}

// The key is the caller's, copied through a local value: not generated.
func (c *conn) SubscribeSID(bsid []byte) (*sub, error) {
	s := &sub{c: c, inbox: string(bsid)}
	sid := toString([]byte(s.inbox))
	c.mu.Lock()
	c.subs[sid] = s
	c.mu.Unlock()
	if err := c.send(sid); err != nil {
		return nil, err
	}
	return s, nil
}

func toString(b []byte) string { return string(b) }

// Deleted under the failure's own condition before the error return.
func (c *conn) Subscribe4(topic string) (*sub, error) {
	s := &sub{c: c, inbox: newID(), topic: topic}
	c.mu.Lock()
	c.subs[s.inbox] = s
	err := c.send(s.inbox)
	if err != nil {
		delete(c.subs, s.inbox)
	}
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s, nil
}

// A request whose constructor draws its ID: the key is generated whatever
// the parameters the constructor is given. The closure set on the stored
// value is a handle for whoever gets the value, which the error return
// drops.
type request struct {
	id     string
	params []string
}

func newRequest(params []string) *request { return &request{id: newID(), params: params} }

type call struct {
	req   *request
	close func()
}

type rpc struct {
	mu      sync.Mutex
	pending map[string]*call
	send    func(*request) error
}

func (r *rpc) Call(params []string) (*call, error) {
	req := newRequest(params)
	cl := &call{req: req}
	cl.close = func() { r.forget(req.id) }
	r.mu.Lock()
	r.pending[req.id] = cl // want `left behind by the error return at line \d+`
	r.mu.Unlock()
	if err := r.send(req); err != nil {
		return nil, err
	}
	return cl, nil
}

func (r *rpc) forget(id string) {
	r.mu.Lock()
	delete(r.pending, id)
	r.mu.Unlock()
}

// Near misses: a constructor that copies the caller's ID, and a closure
// handed to a timer, which removes the entry later.
func newRequestWithID(id string, params []string) *request {
	return &request{id: id, params: params}
}

func (r *rpc) CallID(id string, params []string) (*call, error) {
	req := newRequestWithID(id, params)
	cl := &call{req: req}
	r.mu.Lock()
	r.pending[req.id] = cl
	r.mu.Unlock()
	if err := r.send(req); err != nil {
		return nil, err
	}
	return cl, nil
}

func (r *rpc) CallTimed(params []string, after func(func())) (*call, error) {
	req := newRequest(params)
	cl := &call{req: req}
	after(func() { r.forget(req.id) })
	r.mu.Lock()
	r.pending[req.id] = cl
	r.mu.Unlock()
	if err := r.send(req); err != nil {
		return nil, err
	}
	return cl, nil
}
