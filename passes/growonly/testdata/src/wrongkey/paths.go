package wrongkey

import (
	"errors"
	"sync"
	"time"
)

// A call waits for its answer under a key of its own; some exits forget
// the entry.
type client struct {
	waiters sync.Map
	send    chan string
	nextID  int
}

func (c *client) call(q string) (string, error) {
	c.nextID++
	id := c.nextID
	w := make(chan string, 1)
	c.waiters.Store(id, w) // want `the entry stored here is deleted on some paths but not on the return at line 25: it is left behind`
	c.send <- q
	select {
	case r := <-w:
		return r, nil
	case <-time.After(time.Second):
		c.waiters.Delete(id)
		return "", errors.New("timeout")
	}
}

// Through helpers, with an error path before the wait.
type pending struct {
	seq  int
	done chan struct{}
}

var pendings = map[int]*pending{}

func addPending(p *pending) { pendings[p.seq] = p }

func removePending(seq int) { delete(pendings, seq) }

// onResponse removes the entry of the call it answers.
func onResponse(seq int) {
	if p := pendings[seq]; p != nil {
		close(p.done)
	}
	removePending(seq)
}

func request(seq int, send func(int) error) error {
	p := &pending{seq: seq, done: make(chan struct{})}
	addPending(p) // want `the entry stored here is deleted on some paths but not on the return at line 56: it is left behind`
	if err := send(seq); err != nil {
		return err
	}
	select {
	case <-p.done:
		return nil // onResponse removed it
	case <-time.After(time.Second):
		removePending(p.seq)
		return errors.New("timeout")
	}
}

// Near misses.

// Every exit deletes, one by defer.
func (c *client) callDeferred(q string) string {
	c.nextID++
	id := c.nextID
	w := make(chan string, 1)
	c.waiters.Store(id, w)
	defer c.waiters.Delete(id)
	c.send <- q
	return <-w
}

// The handle is the caller's to close.
func (c *client) open(q string) (int, error) {
	c.nextID++
	id := c.nextID
	w := make(chan string, 1)
	c.waiters.Store(id, w)
	select {
	case <-w:
		return id, nil
	case <-time.After(time.Second):
		c.waiters.Delete(id)
		return 0, errors.New("timeout")
	}
}

// Near miss: the delete before the return is guarded by a flag set right
// after the store, so it runs whenever there is an entry (syncthing's
// relay server, whose joined flag says the device's outbox was stored).
type relay struct {
	mu       sync.Mutex
	outboxes map[string]chan string
}

func (r *relay) serve(cert []byte, msgs <-chan string, errs <-chan error, replies chan string) {
	id := string(cert[:8])
	joined := false
	for {
		select {
		case m := <-msgs:
			if m != "join" {
				continue
			}
			out := make(chan string, 1)
			r.mu.Lock()
			r.outboxes[id] = out
			r.mu.Unlock()
			joined = true
			go func() {
				for s := range out {
					replies <- s
				}
			}()
			_ = <-out
		case <-errs:
			if joined {
				r.mu.Lock()
				delete(r.outboxes, id)
				r.mu.Unlock()
			}
			return
		}
	}
}
