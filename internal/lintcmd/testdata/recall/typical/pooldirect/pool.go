// Package pooldirect pools maps themselves and clears them before Put.
package pooldirect

import "sync"

var pool = sync.Pool{New: func() any { return map[string]int{} }}

func Count(words []string) int {
	m := pool.Get().(map[string]int)
	for _, w := range words {
		m[w]++
	}
	n := len(m)
	clear(m)
	pool.Put(m) // want poolmap "pooled map m keeps its peak size"
	return n
}
