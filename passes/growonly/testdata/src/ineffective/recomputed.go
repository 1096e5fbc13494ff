package main

import "sync"

// Objects are indexed under every key of the full object, and forgotten
// under the keys of the delete event's object, which may lack its address.

type object struct {
	uid  string
	addr string
}

func keysOf(o *object) []string {
	keys := []string{"uid:" + o.uid}
	if o.addr != "" {
		keys = append(keys, "addr:"+o.addr)
	}
	return keys
}

type index struct {
	mu   sync.Mutex
	objs map[string]*object
}

func (x *index) add(o *object) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range keysOf(o) {
		x.objs[k] = o // want `map field index.objs is deleted from only under the keys keysOf recomputes from the value the delete receives, and keysOf adds some keys only under a condition: a key the inserted value had and that value lacks is never removed`
	}
}

func (x *index) forget(tombstone *object) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range keysOf(tombstone) {
		delete(x.objs, k)
	}
}

// Recomputing the keys from the stored value finds them all.

type index2 struct {
	mu   sync.Mutex
	objs map[string]*object
	byID map[string]*object
}

func (x *index2) add(o *object) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byID[o.uid] = o
	for _, k := range keysOf(o) {
		x.objs[k] = o
	}
}

func (x *index2) forget(uid string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	stored := x.byID[uid]
	delete(x.byID, uid)
	if stored == nil {
		return
	}
	for _, k := range keysOf(stored) {
		delete(x.objs, k)
	}
}

// A key function without a condition gives the same keys for the same
// object.

func fixedKeysOf(o *object) []string { return []string{"uid:" + o.uid, "addr:" + o.addr} }

type index3 struct {
	mu   sync.Mutex
	objs map[string]*object
}

func (x *index3) add(o *object) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range fixedKeysOf(o) {
		x.objs[k] = o
	}
}

func (x *index3) forget(o *object) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range fixedKeysOf(o) {
		delete(x.objs, k)
	}
}
