package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
)

// profileN is the size of the map filled while every allocation is
// profiled: enough for many growth steps.
const profileN = 100000

var profiled map[int]int

//go:noinline
func fillProfiled() {
	m := make(map[int]int)
	for i := 0; i < profileN; i++ {
		m[i] = i
	}
	profiled = m
}

// heapProfileShowsMapassign: with MemProfileRate=1, fill a map and write
// the heap profile as /debug/pprof/heap would serve it (the lab parses it).
// For contrast, count the raw runtime.MemProfile records whose stack holds
// a runtime.mapassign frame: the frames exist before runtime/pprof writes
// the profile.
func heapProfileShowsMapassign(dir string) (figures, error) {
	runtime.MemProfileRate = 1
	fillProfiled()
	runtime.GC()

	f, err := os.Create(filepath.Join(dir, "heap.pb.gz"))
	if err != nil {
		return nil, err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}

	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+50)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	raw := 0
	for i := range recs {
		frames := runtime.CallersFrames(recs[i].Stack())
		for {
			fr, more := frames.Next()
			if strings.HasPrefix(fr.Function, "runtime.mapassign") {
				raw++
				break
			}
			if !more {
				break
			}
		}
	}
	runtime.KeepAlive(profiled)
	return figures{"entries": profileN, "raw_mapassign_records": float64(raw)}, nil
}
