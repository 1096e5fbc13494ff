package wrongkey

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Waiters whose only removal is the answer: an exit of the wait that
// gets no answer leaves the entry (AgentCube's create handler,
// https://github.com/volcano-sh/agentcube/pull/90).

type result struct{ ok bool }

type reconciler struct {
	mu      sync.Mutex
	pending map[string]chan result
}

// watch registers for the answer; reconcile answers and deletes.
func (r *reconciler) watch(name string) <-chan result {
	ch := make(chan result, 1)
	r.mu.Lock()
	r.pending[name] = ch
	r.mu.Unlock()
	return ch
}

func (r *reconciler) reconcile(name string) {
	r.mu.Lock()
	ch, ok := r.pending[name]
	delete(r.pending, name)
	r.mu.Unlock()
	if ok {
		ch <- result{ok: true}
	}
}

func (r *reconciler) create(ctx context.Context, prefix string, id int) (result, error) {
	name := prefix + string(rune('a'+id%26))
	ch := r.watch(name) // want `the entry watch stores in pending \(waiter.go:25\) is deleted only by reconcile, which answers it: the return at line 47 ends the wait without an answer and leaves the entry behind \(defer the delete\)`
	select {
	case res := <-ch:
		return res, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// A direct store, a timeout.
type rpc struct {
	mu    sync.Mutex
	calls map[uint64]chan []byte
	seq   uint64
	out   chan []byte
}

func (c *rpc) call(req []byte) ([]byte, error) {
	c.mu.Lock()
	c.seq++
	id := c.seq
	ch := make(chan []byte, 1)
	c.calls[id] = ch // want `the entry stored here is deleted only by readLoop, which answers it: the return at line 71`
	c.mu.Unlock()
	c.out <- req
	select {
	case resp := <-ch:
		return resp, nil
	case <-time.After(time.Second):
		return nil, errors.New("timeout")
	}
}

// Sending the request fails before the wait.
func (c *rpc) callOrFail(req []byte, send func([]byte) error) ([]byte, error) {
	c.mu.Lock()
	c.seq++
	id := c.seq
	ch := make(chan []byte, 1)
	c.calls[id] = ch // want `the entry stored here is deleted only by readLoop, which answers it: the return at line 84 gives up before the wait and leaves the entry behind`
	c.mu.Unlock()
	if err := send(req); err != nil {
		return nil, err
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-time.After(time.Second):
		return nil, errors.New("timeout")
	}
}

func (c *rpc) readLoop(in chan struct {
	id   uint64
	body []byte
}) {
	for m := range in {
		c.mu.Lock()
		ch := c.calls[m.id]
		delete(c.calls, m.id)
		c.mu.Unlock()
		if ch != nil {
			ch <- m.body
		}
	}
}

// Near misses.

// The registration hands back its cancel, deferred.
type canceller struct {
	mu      sync.Mutex
	pending map[string]chan result
}

func (c *canceller) watch(name string) (<-chan result, func()) {
	ch := make(chan result, 1)
	c.mu.Lock()
	c.pending[name] = ch
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.pending, name)
		c.mu.Unlock()
	}
}

func (c *canceller) answer(name string) {
	c.mu.Lock()
	delete(c.pending, name)
	c.mu.Unlock()
}

func (c *canceller) wait(ctx context.Context, name string) error {
	ch, cancel := c.watch(name)
	defer cancel()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A sweep drops waiters that waited too long.
type swept struct {
	mu      sync.Mutex
	pending map[int]*waiting
}

type waiting struct {
	ch    chan result
	since time.Time
}

func (s *swept) wait(id int) error {
	w := &waiting{ch: make(chan result, 1), since: time.Now()}
	s.mu.Lock()
	s.pending[id] = w
	s.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-time.After(time.Second):
		return errors.New("timeout")
	}
}

func (s *swept) answer(id int) {
	s.mu.Lock()
	if w := s.pending[id]; w != nil {
		delete(s.pending, id)
		w.ch <- result{ok: true}
	}
	s.mu.Unlock()
}

func (s *swept) sweep() {
	s.mu.Lock()
	for id, w := range s.pending {
		if time.Since(w.since) > time.Minute {
			delete(s.pending, id)
		}
	}
	s.mu.Unlock()
}

// The timeout calls a function that removes the entry among other work.
type forgetting struct {
	mu      sync.Mutex
	pending map[int]chan result
	stats   map[string]int
}

func (f *forgetting) forget(id int) {
	f.mu.Lock()
	delete(f.pending, id)
	f.stats["timeouts"]++
	f.mu.Unlock()
}

func (f *forgetting) answer(id int) {
	f.mu.Lock()
	ch := f.pending[id]
	delete(f.pending, id)
	f.mu.Unlock()
	if ch != nil {
		ch <- result{ok: true}
	}
}

func (f *forgetting) wait(id int) error {
	ch := make(chan result, 1)
	f.mu.Lock()
	f.pending[id] = ch
	f.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-time.After(time.Second):
		f.forget(id)
		return errors.New("timeout")
	}
}

// The wait hands the channel to the caller when it gives up: whoever
// holds it may still read the answer.
func (f *forgetting) waitOrHandOff(id int) (chan result, error) {
	ch := make(chan result, 1)
	f.mu.Lock()
	f.pending[id] = ch
	f.mu.Unlock()
	select {
	case <-ch:
		return nil, nil
	case <-time.After(time.Second):
		return ch, errors.New("still waiting")
	}
}

// A helper draws the key, stores, and returns the channel the select
// receives from (Boulder's DispatchSync,
// https://github.com/letsencrypt/boulder/issues/1045).
type dispatcher struct {
	mu      sync.Mutex
	pending map[string]chan []byte
	seq     int
}

func (d *dispatcher) dispatch(body []byte) chan []byte {
	ch := make(chan []byte, 1)
	d.mu.Lock()
	d.seq++
	id := string(rune(d.seq)) + "-token"
	d.pending[id] = ch
	d.mu.Unlock()
	return ch
}

func (d *dispatcher) reply(id string, body []byte) {
	d.mu.Lock()
	ch := d.pending[id]
	delete(d.pending, id)
	d.mu.Unlock()
	if ch != nil {
		ch <- body
	}
}

func (d *dispatcher) dispatchSync(body []byte) ([]byte, error) {
	select {
	case r := <-d.dispatch(body): // want `the entry dispatch stores in pending \(waiter.go:\d+\) is deleted only by reply, which answers it: the return at line \d+ ends the wait`
		return r, nil
	case <-time.After(time.Second):
		return nil, errors.New("timeout")
	}
}

// Near miss: the helper stores under the caller's name, one entry per
// name however many calls wait for it.
type named struct {
	mu      sync.Mutex
	pending map[string]chan []byte
}

func (n *named) watch(name string) chan []byte {
	ch := make(chan []byte, 1)
	key := name + "/"
	n.mu.Lock()
	n.pending[key] = ch
	n.mu.Unlock()
	return ch
}

func (n *named) reply(key string) {
	n.mu.Lock()
	delete(n.pending, key)
	n.mu.Unlock()
}

func (n *named) waitFor() error {
	select {
	case <-n.watch("leader"):
		return nil
	case <-time.After(time.Second):
		return errors.New("timeout")
	}
}

// The same with a sync.Map and a counter.
type syncDispatcher struct {
	pending sync.Map
	seq     atomicCounter
}

type atomicCounter struct {
	mu sync.Mutex
	n  int
}

func (c *atomicCounter) next() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

func (d *syncDispatcher) dispatch() chan []byte {
	ch := make(chan []byte, 1)
	id := d.seq.next()
	d.pending.Store(id, ch)
	return ch
}

func (d *syncDispatcher) reply(id int, body []byte) {
	if v, ok := d.pending.LoadAndDelete(id); ok {
		v.(chan []byte) <- body
	}
}

func (d *syncDispatcher) call(ctx context.Context) ([]byte, error) {
	select {
	case r := <-d.dispatch(): // want `the entry dispatch stores in pending \(waiter.go:\d+\) is deleted only by reply, which answers it: the return at line \d+ ends the wait`
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A tunnel whose dial fails to be sent gives up before the wait; the
// select itself returns nowhere, and the deferred function literal only
// logs (the konnectivity proxy server,
// https://github.com/kubernetes-sigs/apiserver-network-proxy/pull/790).
type dials struct {
	mu      sync.Mutex
	pending map[int64]chan struct{}
}

func (d *dials) add(id int64, ch chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending[id] = ch
}

func (d *dials) remove(id int64) chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	ch := d.pending[id]
	delete(d.pending, id)
	return ch
}

func (d *dials) tunnel(id int64, send func(int64) error, closed chan struct{}) {
	connected := make(chan struct{})
	d.add(id, connected) // want `the entry add stores in pending \(waiter.go:\d+\) is deleted only by remove, which answers it: the return at line \d+ gives up before the wait`
	defer func() {
		println("tunnel done", id)
	}()
	if err := send(id); err != nil {
		return
	}
	select {
	case <-connected:
	case <-closed:
	}
}

// Near miss: the deferred literal calls the cancel the caller holds.
func (d *dials) tunnelCancelled(id int64, send func(int64) error, closed chan struct{}, cancel func()) {
	connected := make(chan struct{})
	d.add(id, connected)
	defer func() {
		cancel()
	}()
	if err := send(id); err != nil {
		return
	}
	select {
	case <-connected:
	case <-closed:
	}
}

// Near miss: the delete of the last exit is in a deferred function
// literal, which runs on that return (go-libp2p's QUIC hole punching).
type punches struct {
	mu      sync.Mutex
	pending map[string]chan struct{}
}

func (d *punches) punch(peer string, timeout <-chan struct{}) error {
	key := peer + "/quic"
	ch := make(chan struct{}, 1)
	d.mu.Lock()
	d.pending[key] = ch
	d.mu.Unlock()
	select {
	case <-ch:
		d.mu.Lock()
		delete(d.pending, key)
		d.mu.Unlock()
		return nil
	case <-timeout:
	}
	d.mu.Lock()
	defer func() {
		delete(d.pending, key)
		d.mu.Unlock()
	}()
	return errors.New("timeout")
}
