// Package poolcleared pools a struct with a map: one pool re-makes the
// map before Put, the other only clears it.
package poolcleared

import "sync"

type index struct {
	pos map[string]int
}

var smallPool, bigPool sync.Pool

func small(keys []string) int {
	x, _ := smallPool.Get().(*index)
	if x == nil {
		x = &index{pos: map[string]int{}}
	}
	for i, k := range keys {
		x.pos[k] = i
	}
	n := len(x.pos)
	x.pos = make(map[string]int)
	smallPool.Put(x)
	return n
}

func big(keys []string) int {
	x, _ := bigPool.Get().(*index)
	if x == nil {
		x = &index{pos: map[string]int{}}
	}
	for i, k := range keys {
		x.pos[k] = i
	}
	n := len(x.pos)
	clear(x.pos)
	bigPool.Put(x) // want poolmap "pooled \*index keeps the peak size of its map field pos"
	return n
}
