package main

import (
	"runtime"
	"sync"
)

const syncN = 100000

// syncMapBytesPerEntry: heap per entry of 1e5 int->int entries in a
// sync.Map (stored, then loaded once each so that a pre-1.24 sync.Map has
// promoted its dirty map to the read map, its steady state), in a
// map[int]int with a sync.Mutex, and in a map[any]any with a mutex (the
// same boxed keys and values sync.Map holds).
func syncMapBytesPerEntry(string) (figures, error) {
	base := heapBytes()
	var sm sync.Map
	for i := 0; i < syncN; i++ {
		sm.Store(i, i)
	}
	for i := 0; i < syncN; i++ {
		sm.Load(i)
	}
	syncBytes := heapBytes() - base
	runtime.KeepAlive(&sm)

	base = heapBytes()
	var locked struct {
		sync.Mutex
		m map[int]int
	}
	locked.m = make(map[int]int)
	for i := 0; i < syncN; i++ {
		locked.Lock()
		locked.m[i] = i
		locked.Unlock()
	}
	plainBytes := heapBytes() - base
	runtime.KeepAlive(&locked)

	base = heapBytes()
	var boxed struct {
		sync.Mutex
		m map[any]any
	}
	boxed.m = make(map[any]any)
	for i := 0; i < syncN; i++ {
		boxed.Lock()
		boxed.m[i] = i
		boxed.Unlock()
	}
	boxedBytes := heapBytes() - base
	runtime.KeepAlive(&boxed)

	return figures{
		"entries":                  syncN,
		"syncmap_bytes_per_entry":  float64(syncBytes) / syncN,
		"mutexmap_bytes_per_entry": float64(plainBytes) / syncN,
		"anymap_bytes_per_entry":   float64(boxedBytes) / syncN,
	}, nil
}
