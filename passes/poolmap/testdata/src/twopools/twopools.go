// Package twopools pools one type in two pools: each Put is judged by the
// resets on its own pool's path.
package twopools

import "sync"

type scratch struct{ seen map[string]bool }

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
	s.seen = map[string]bool{} // re-made for encPool only
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
	decPool.Put(s) // want `pooled \*scratch keeps the entries of its map field seen: nothing clears or re-makes it before Put`
	return n
}

type index struct{ pos map[string]int }

var smallPool, bigPool sync.Pool

func small(keys []string) {
	x := smallPool.Get().(*index)
	for i, k := range keys {
		x.pos[k] = i
	}
	x.pos = make(map[string]int)
	smallPool.Put(x)
}

func big(keys []string) {
	x := bigPool.Get().(*index)
	for i, k := range keys {
		x.pos[k] = i
	}
	clear(x.pos)
	bigPool.Put(x) // want `pooled \*index keeps the peak size of its map field pos`
}

// Near miss: a reset in a helper that no pool's function owns counts for
// every pool.
type shared struct{ m map[int]bool }

var aPool, bPool sync.Pool

func (s *shared) reset() { s.m = map[int]bool{} }

func useA(k int) {
	s := aPool.Get().(*shared)
	s.m[k] = true
	s.reset()
	aPool.Put(s)
}

func useB(k int) {
	s := bPool.Get().(*shared)
	s.m[k] = true
	s.reset()
	bPool.Put(s)
}

// Entry is exported, and so is its map: importers fill it.
type Entry struct {
	Data    map[string]any
	private map[string]any
}

var entries sync.Pool

func Release(e *Entry) {
	entries.Put(e) // want `pooled \*Entry keeps the entries of its map field Data`
}

// Near miss: the exported type's map is re-made before Put.
type Record struct{ Fields map[string]any }

var records sync.Pool

func ReleaseRecord(r *Record) {
	r.Fields = map[string]any{}
	records.Put(r)
}

// Suppressed: the keys are a fixed set.
type fixedKeys struct{ m map[int]bool }

var fixedPool sync.Pool

func useFixed(k int) {
	f := fixedPool.Get().(*fixedKeys)
	f.m[k%4] = true
	//mapscope:ignore poolmap four keys at most
	fixedPool.Put(f)
}
