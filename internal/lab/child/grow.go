package main

import (
	"runtime"
	"strconv"
	"testing"
)

// hintN is how many entries the size-hint experiment inserts.
const hintN = 100000

//go:noinline
func fillInto(m map[int]int, n int) {
	for i := 0; i < n; i++ {
		m[i] = i
	}
}

// hintAvoidsGrowth: allocations made while inserting 1e5 entries into a map
// made without a hint and into one made with make(map[int]int, 1e5). The
// make itself is outside the measured window.
func hintAvoidsGrowth(string) (figures, error) {
	runtime.GC()
	plain := make(map[int]int)
	m0, b0 := allocStats()
	fillInto(plain, hintN)
	m1, b1 := allocStats()
	runtime.KeepAlive(plain)

	hinted := make(map[int]int, hintN)
	m2, b2 := allocStats()
	fillInto(hinted, hintN)
	m3, b3 := allocStats()
	runtime.KeepAlive(hinted)
	return figures{
		"entries":          hintN,
		"nohint_allocs":    float64(m1 - m0),
		"nohint_bytes":     float64(b1 - b0),
		"hint_fill_allocs": float64(m3 - m2),
		"hint_fill_bytes":  float64(b3 - b2),
	}, nil
}

// sink makes a map escape to the heap.
var sink map[string]int

// handle is a request handler that builds a small map of request fields,
// uses it and drops it: the map does not escape.
//
//go:noinline
func handle(id int) int {
	fields := make(map[string]int)
	fields["user"] = id
	fields["page"] = id + 1
	fields["size"] = 20
	fields["sort"] = 1
	fields["lang"] = 2
	total := 0
	for _, v := range fields {
		total += v
	}
	return total + len(fields)
}

// handleEscaping is the same handler keeping its map beyond the call.
//
//go:noinline
func handleEscaping(id int) int {
	fields := make(map[string]int)
	fields["user"] = id
	fields["page"] = id + 1
	fields["size"] = 20
	fields["sort"] = 1
	fields["lang"] = 2
	sink = fields
	return len(fields)
}

// handleLarge builds a map of 20 entries: more than a small map holds.
//
//go:noinline
func handleLarge(id int) int {
	fields := make(map[string]int)
	for i := 0; i < 20; i++ {
		fields[keys20[i]] = id + i
	}
	return len(fields)
}

var keys20 = func() []string {
	k := make([]string, 20)
	for i := range k {
		k[i] = "k" + strconv.Itoa(i)
	}
	return k
}()

// smallMapInHandler: heap allocations per call of a handler that makes a
// 5-entry map per request, measured by testing.AllocsPerRun.
func smallMapInHandler(string) (figures, error) {
	id := 0
	local := testing.AllocsPerRun(1000, func() { id += handle(id) & 1 })
	escaping := testing.AllocsPerRun(1000, func() { id += handleEscaping(id) & 1 })
	large := testing.AllocsPerRun(1000, func() { id += handleLarge(id) & 1 })
	return figures{
		"entries":                  5,
		"allocs_per_call":          local,
		"escaping_allocs_per_call": escaping,
		"large_allocs_per_call":    large,
	}, nil
}
