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

// Another map indexed by the derived key.
func (n *notify) other(byKey map[string]int, subject, queue string) {
	key := keyOf(subject, queue)
	byKey[key]++
	delete(n.remove, subject)
}
