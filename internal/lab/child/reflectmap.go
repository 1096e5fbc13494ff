package main

import (
	"reflect"
	"runtime"
)

const (
	reflectMaps    = 1000
	reflectEntries = 100
)

// reflectZeroHintPollutes: make 1000 maps with reflect.MakeMapWithSize(t, 0),
// fill each with 100 entries through reflect, hold them all (live), drop
// them and collect (retained). A shared pool of buckets would keep a part
// of the live bytes after the maps are gone.
func reflectZeroHintPollutes(string) (figures, error) {
	t := reflect.TypeOf(map[int]int(nil))
	base := heapBytes()
	maps := make([]reflect.Value, 0, reflectMaps)
	for i := 0; i < reflectMaps; i++ {
		m := reflect.MakeMapWithSize(t, 0)
		for j := 0; j < reflectEntries; j++ {
			m.SetMapIndex(reflect.ValueOf(j), reflect.ValueOf(i))
		}
		maps = append(maps, m)
	}
	live := heapBytes() - base
	runtime.KeepAlive(maps)
	maps = nil
	retained := heapBytes() - base
	runtime.KeepAlive(maps)

	// A fresh map made the ordinary way after the reflect maps are gone:
	// if reflect had left buckets behind for reuse, it would not need to
	// allocate.
	m0, _ := allocStats()
	fresh := make(map[int]int)
	for j := 0; j < reflectEntries; j++ {
		fresh[j] = j
	}
	m1, _ := allocStats()
	runtime.KeepAlive(fresh)
	return figures{
		"maps":             float64(reflectMaps),
		"live_bytes":       float64(live),
		"retained_bytes":   float64(retained),
		"fresh_map_allocs": float64(m1 - m0),
	}, nil
}
