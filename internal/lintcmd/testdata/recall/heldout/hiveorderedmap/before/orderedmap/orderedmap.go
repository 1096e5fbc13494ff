// Package orderedmap reproduces, in its own words, the OrderedMap leak
// fixed in hive.go: https://github.com/iotaledger/hive.go/pull/616 (commit
// 9ec596cfd9ff5cd2b36236e6be0416d8415a7dc7; before/ is the code before the
// fix, after/ as fixed). The ordered map indexes its linked elements by
// key in a plain map; entries were deleted one at a time, so a map that
// was once large kept its size while it was used with few keys.
package orderedmap

import "sync"

type Element[K comparable, V any] struct {
	key   K
	value V
	prev  *Element[K, V]
	next  *Element[K, V]
}

// OrderedMap is a map that remembers the order keys were added in.
type OrderedMap[K comparable, V any] struct {
	head       *Element[K, V]
	tail       *Element[K, V]
	dictionary map[K]*Element[K, V]
	size       int
	mutex      sync.RWMutex
}

func New[K comparable, V any]() *OrderedMap[K, V] {
	return &OrderedMap[K, V]{dictionary: make(map[K]*Element[K, V])}
}

// Get returns the value under key.
func (o *OrderedMap[K, V]) Get(key K) (V, bool) {
	o.mutex.RLock()
	defer o.mutex.RUnlock()
	e, ok := o.dictionary[key]
	if !ok {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Set stores value under key, at the end of the order if key is new.
func (o *OrderedMap[K, V]) Set(key K, value V) (previous V, existed bool) {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	if e, ok := o.dictionary[key]; ok {
		previous = e.value
		e.value = value
		return previous, true
	}
	e := &Element[K, V]{key: key, value: value, prev: o.tail}
	if o.tail != nil {
		o.tail.next = e
	} else {
		o.head = e
	}
	o.tail = e
	o.size++
	o.dictionary[key] = e
	return previous, false
}

// ForEach calls f in order until it returns false.
func (o *OrderedMap[K, V]) ForEach(f func(K, V) bool) {
	o.mutex.RLock()
	defer o.mutex.RUnlock()
	for e := o.head; e != nil; e = e.next {
		if !f(e.key, e.value) {
			return
		}
	}
}

// Clear removes every key.
func (o *OrderedMap[K, V]) Clear() {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	o.head, o.tail, o.size = nil, nil, 0
	o.dictionary = make(map[K]*Element[K, V])
}

// Delete removes key and reports whether it was there.
func (o *OrderedMap[K, V]) Delete(key K) bool {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	e, ok := o.dictionary[key]
	if !ok {
		return false
	}
	delete(o.dictionary, key) // want mapclear "."
	o.size--
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		o.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		o.tail = e.prev
	}
	return true
}

// Size returns the number of keys.
func (o *OrderedMap[K, V]) Size() int {
	o.mutex.RLock()
	defer o.mutex.RUnlock()
	return o.size
}
