// Package poolnoreset pools a struct with a map: one pool re-makes the
// map before Put, the other never resets it.
package poolnoreset

import "sync"

type scratch struct {
	seen map[string]bool
}

var encPool, decPool sync.Pool

func encode(keys []string) int {
	s, _ := encPool.Get().(*scratch)
	if s == nil {
		s = &scratch{seen: map[string]bool{}}
	}
	for _, k := range keys {
		s.seen[k] = true
	}
	n := len(s.seen)
	s.seen = map[string]bool{}
	encPool.Put(s)
	return n
}

func decode(keys []string) int {
	s, _ := decPool.Get().(*scratch)
	if s == nil {
		s = &scratch{seen: map[string]bool{}}
	}
	for _, k := range keys {
		s.seen[k] = true
	}
	n := len(s.seen)
	decPool.Put(s) // want poolmap "pooled \*scratch keeps the entries of its map field seen"
	return n
}
