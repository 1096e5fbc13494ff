// Package wrongkey deletes under a key other than the one its map is
// indexed by.
package wrongkey

import (
	"net"
	"sync"
)

var _ net.Addr

type notify struct {
	mu     sync.Mutex
	remove map[string][]chan bool
}

func keyOf(subject, queue string) string { return subject + " " + queue }

func (n *notify) fire(subject, queue string) {
	key := keyOf(subject, queue)
	if chs := n.remove[key]; len(chs) > 0 {
		delete(n.remove, subject) // want `delete\(n.remove, subject\) deletes subject, but the map is indexed here by key, built from it: the entry under key stays`
	}
}

// Near misses.

// The right key.
func (n *notify) fireRight(subject, queue string) {
	key := keyOf(subject, queue)
	if chs := n.remove[key]; len(chs) > 0 {
		delete(n.remove, key)
	}
}

// The map is indexed by both: both forms are keys.
func (n *notify) both(subject, queue string) {
	key := keyOf(subject, queue)
	n.remove[key] = nil
	n.remove[subject] = nil
	delete(n.remove, subject)
}

// A rename: the entry moves from the old key to the one built from it.
func normalize(m map[string]struct{}, upper func(string) string) {
	for k := range m {
		if uk := upper(k); uk != k {
			delete(m, k)
			m[uk] = struct{}{}
		}
	}
}

// Another map indexed by the derived key.
func (n *notify) other(byKey map[string]int, subject, queue string) {
	key := keyOf(subject, queue)
	byKey[key]++
	delete(n.remove, subject)
}

// Keys read from another field of the same type than the insertions'.
type Entry struct{ Data []byte }

type Message struct {
	Context []byte
	Entries []Entry
}

type status struct{ req Message }

type readOnly struct {
	pending map[string]*status
}

func (ro *readOnly) add(m Message) {
	ctx := string(m.Entries[0].Data)
	ro.pending[ctx] = &status{req: m}
}

func (ro *readOnly) done(rs *status) {
	delete(ro.pending, string(rs.req.Context)) // want `delete\(ro.pending, string\(rs.req.Context\)\) deletes a key read from Message.Context, but every insertion keys by Message.Entries\[0\].Data: the entries stay`
}

// Near misses: a delete by the insertions' path handles the map; keys
// inserted from two paths are both keys.
type handled struct{ pending map[string]*status }

func (h *handled) add(m Message) { h.pending[string(m.Entries[0].Data)] = &status{req: m} }

func (h *handled) done(rs *status) {
	delete(h.pending, string(rs.req.Entries[0].Data))
	delete(h.pending, string(rs.req.Context))
}

type twoKeys struct{ byAny map[string]Message }

func (t *twoKeys) add(m Message) {
	t.byAny[string(m.Context)] = m
	t.byAny[string(m.Entries[0].Data)] = m
}

func (t *twoKeys) done(m Message) { delete(t.byAny, string(m.Context)) }
