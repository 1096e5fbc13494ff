// Package churn holds map fields of long-lived values that are emptied
// one key at a time.
package churn

import (
	"container/list"
	"sync"
)

// A write queue: each job is indexed until it is written. A slow disk
// fills the map; it never gives the tables back.
type writeQueue struct {
	mu    sync.Mutex
	jobs  chan int
	byRef map[int][]byte
}

func (q *writeQueue) add(ref int, b []byte) {
	q.mu.Lock()
	q.byRef[ref] = b
	q.mu.Unlock()
	q.jobs <- ref
}

func (q *writeQueue) done(ref int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.byRef, ref) // want `map field writeQueue.byRef is emptied one key at a time and never re-made`
}

// A dedupe buffer over a list.
type dedupe struct {
	mu      sync.Mutex
	byKey   map[string]*list.Element
	pending list.List
}

func (d *dedupe) push(k string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.byKey[k] = d.pending.PushBack(k)
}

func (d *dedupe) pop() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := d.pending.Remove(d.pending.Front()).(string)
	delete(d.byKey, k) // want `map field dedupe.byKey is emptied one key at a time`
	return k
}

// Deletions driven by a slice queue the loop re-slices.
type tombstones struct {
	mu    sync.Mutex
	live  map[string]int
	queue []string
	// queueIndex is cleared on reset.
	queueIndex map[string]bool
}

func (t *tombstones) add(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.live[k]++
}

func (t *tombstones) expire(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range t.queue[:n] {
		delete(t.live, k) // want `map field tombstones.live is emptied one key at a time`
	}
	t.queue = t.queue[n:]
}

// clear on a field, even of a long-lived value, is the reuse idiom.
func (t *tombstones) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.queueIndex)
}

// Near misses below: none of them is reported.

// A connection table deleted from one key at a time stays near its
// usual size: no backlog.
type conns struct {
	mu   sync.Mutex
	byID map[int]string
}

func (c *conns) open(id int, addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[id] = addr
}

func (c *conns) close(id int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byID, id)
}

// A backlog that is re-made once it has drained.
type remade struct {
	mu    sync.Mutex
	jobs  chan int
	byRef map[int][]byte
}

func (q *remade) add(ref int, b []byte) {
	q.mu.Lock()
	q.byRef[ref] = b
	q.mu.Unlock()
	q.jobs <- ref
}

func (q *remade) done(ref int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.byRef, ref)
	if len(q.byRef) == 0 {
		q.byRef = map[int][]byte{}
	}
}

// An LRU: evicts while it is over capacity.
type lru struct {
	mu    sync.Mutex
	order list.List
	items map[string]*list.Element
	size  int
	max   int
}

func (c *lru) add(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[k] = c.order.PushFront(k)
	c.size++
	for c.size > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(string))
		c.size--
	}
}

// A goroutine's loop receives its commands from a channel: the map holds
// what is live, not a backlog.
type loop struct {
	control chan any
	streams map[int]bool
}

func (l *loop) run() {
	for it := range l.control {
		switch it := it.(type) {
		case int:
			l.streams[it] = true
		case string:
			delete(l.streams, len(it))
		}
	}
}

// A field passed to a helper may be replaced there.
type handedOff struct {
	mu    sync.Mutex
	jobs  chan int
	byRef map[int]bool
}

func (h *handedOff) add(ref int) {
	h.byRef[ref] = true
	h.jobs <- ref
	reset(h.byRef)
}

func (h *handedOff) done(ref int) { delete(h.byRef, ref) }

func reset(m map[int]bool) {}

// A short-lived value's map dies with it: clear is the reuse idiom.
type scratch struct {
	seen map[string]bool
}

func (s *scratch) reset() { clear(s.seen) }

// An LRU whose eviction is in a helper, away from the size check: its
// list is moved in, so it is a recency list, not a queue.
type recency struct {
	mu    sync.Mutex
	order list.List
	items map[string]*list.Element
}

func (c *recency) get(k string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if ok {
		c.order.MoveToFront(e)
	}
	return ok
}

func (c *recency) add(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[k] = c.order.PushBack(k)
}

func (c *recency) evictOldest() {
	e := c.order.Front()
	c.order.Remove(e)
	delete(c.items, e.Value.(string))
}

// Appending to a slice field is no queue: a list of handlers rebuilt
// from the map.
type handlers struct {
	mu   sync.Mutex
	set  map[int]bool
	list []int
}

func (h *handlers) register(id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.set[id] = true
	h.list = append(h.list, id)
}

func (h *handlers) deregister(id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.set, id)
}

// Suppressed: the backlog is bounded by the channel's capacity.
type boundedQueue struct {
	mu    sync.Mutex
	jobs  chan int
	byRef map[int][]byte
}

func (q *boundedQueue) add(ref int, b []byte) {
	q.mu.Lock()
	q.byRef[ref] = b
	q.mu.Unlock()
	q.jobs <- ref
}

func (q *boundedQueue) done(ref int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.byRef, ref) //nolint:mapclear // at most cap(q.jobs) entries
}

// A wake-up signal is no queue: the sender goroutine it wakes reads the
// whole table, which holds what is live (discovered targets by job).
type targets struct {
	mu      sync.Mutex
	trigger chan struct{}
	byJob   map[string][]string
}

func (t *targets) set(job string, ts []string) {
	t.mu.Lock()
	t.byJob[job] = ts
	t.mu.Unlock()
	select {
	case t.trigger <- struct{}{}:
	default:
	}
}

func (t *targets) drop(job string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byJob, job)
}

// Events relayed by goroutines into the select of the same function: the
// map mirrors the members the events describe.
type members struct {
	mu      sync.Mutex
	updates chan string
	sources map[string]bool
}

func (m *members) run(feeds []chan string) {
	for _, feed := range feeds {
		go func() {
			for ev := range feed {
				m.updates <- ev
			}
		}()
	}
	for ev := range m.updates {
		if len(ev) > 1 {
			m.sources[ev] = true
		} else {
			delete(m.sources, ev)
		}
	}
}

// Near miss: the same relay, but the events are sent on a channel this
// function does not read: a consumer elsewhere drains them.
type relay struct {
	mu      sync.Mutex
	out     chan string
	pending map[string]bool
}

func (r *relay) run(feed chan string) {
	for ev := range feed {
		r.pending[ev] = true
		r.out <- ev
	}
}

func (r *relay) ack(ev string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.pending, ev) // want `map field relay.pending is emptied one key at a time and never re-made`
}
