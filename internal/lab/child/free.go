package main

import (
	"maps"
	"runtime"
)

// bigN is the size of the map whose memory the freeing experiments follow:
// large enough (about 40 MB of map[int]int) that a few kilobytes of noise
// from the runtime cannot change a verdict.
const bigN = 1000000

func fillBig() map[int]int {
	m := make(map[int]int)
	for i := 0; i < bigN; i++ {
		m[i] = i
	}
	return m
}

// deleteAllFrees: heap held by the map at 1e6 entries, and after deleting
// every key.
func deleteAllFrees(string) (figures, error) {
	base := heapBytes()
	m := fillBig()
	peak := heapBytes() - base
	for k := range m {
		delete(m, k)
	}
	after := heapBytes() - base
	n := len(m)
	runtime.KeepAlive(m)
	return figures{"peak_bytes": float64(peak), "after_bytes": float64(after), "len_after": float64(n)}, nil
}

// clearFrees: the same with clear(m).
func clearFrees(string) (figures, error) {
	base := heapBytes()
	m := fillBig()
	peak := heapBytes() - base
	clear(m)
	after := heapBytes() - base
	n := len(m)
	runtime.KeepAlive(m)
	return figures{"peak_bytes": float64(peak), "after_bytes": float64(after), "len_after": float64(n)}, nil
}

// remakeFrees: the same, replacing the map by a new empty one so the old
// one becomes unreachable.
func remakeFrees(string) (figures, error) {
	base := heapBytes()
	m := fillBig()
	peak := heapBytes() - base
	runtime.KeepAlive(m) // the old map is live until it is replaced
	m = make(map[int]int)
	after := heapBytes() - base
	n := len(m)
	runtime.KeepAlive(m)
	return figures{"peak_bytes": float64(peak), "after_bytes": float64(after), "len_after": float64(n)}, nil
}

// cloneCompacts: a map filled to 1e6 and emptied down to 10 entries, then
// cloned; the clone's heap is compared with the emptied source and with a
// freshly built 10-entry map.
func cloneCompacts(string) (figures, error) {
	base := heapBytes()
	m := fillBig()
	for k := range m {
		if k >= 10 {
			delete(m, k)
		}
	}
	source := heapBytes() - base
	c := maps.Clone(m)
	withClone := heapBytes() - base
	clone := withClone - source
	runtime.KeepAlive(m)
	runtime.KeepAlive(c)

	base = heapBytes()
	fresh := make(map[int]int)
	for i := 0; i < 10; i++ {
		fresh[i] = i
	}
	freshBytes := heapBytes() - base
	runtime.KeepAlive(fresh)
	return figures{
		"source_bytes": float64(source),
		"clone_bytes":  float64(clone),
		"fresh_bytes":  float64(freshBytes),
		"len":          10,
	}, nil
}
