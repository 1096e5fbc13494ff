package main

import (
	"runtime"
	"sync"
)

// A pooled request state holding a map, cleared before it goes back.
type state struct {
	id int
	m  map[int]int
}

var (
	stateCount int
	statePool  = sync.Pool{New: func() any {
		stateCount++
		return &state{id: stateCount, m: make(map[int]int)}
	}}
)

const (
	poolPeak     = 100000 // entries of the one large request
	poolRequests = 1000   // small requests after it
	poolSmall    = 10     // entries of a small request
)

// poolClearKeepsPeak: one request fills the pooled map to 1e5 entries,
// then 1000 requests use 10 entries each; every request clears the map
// before Put. Measured: the heap the pooled value holds at its peak and
// after the small requests (while it is checked out, so the pool's GC
// clean-up cannot drop it), and whether the same value was reused.
func poolClearKeepsPeak(string) (figures, error) {
	base := heapBytes()
	s := statePool.Get().(*state)
	first := s.id
	for i := 0; i < poolPeak; i++ {
		s.m[i] = i
	}
	peak := heapBytes() - base
	clear(s.m)
	statePool.Put(s)

	reused := 0
	for r := 0; r < poolRequests; r++ {
		s = statePool.Get().(*state)
		if s.id == first {
			reused++
		}
		for i := 0; i < poolSmall; i++ {
			s.m[i] = i
		}
		clear(s.m)
		statePool.Put(s)
	}
	s = statePool.Get().(*state)
	same := s.id == first
	held := heapBytes() - base
	runtime.KeepAlive(s)
	return figures{
		"peak_bytes":      float64(peak),
		"held_bytes":      float64(held),
		"small_requests":  poolRequests,
		"reused_requests": float64(reused),
		"same_value":      b2f(same),
	}, nil
}
