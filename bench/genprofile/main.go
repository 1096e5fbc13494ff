// Command genprofile writes a real heap profile with tens of thousands of
// distinct stacks, to measure how mapscope (and go tool pprof) scale with
// profile size. It walks -n counter values down -depth levels of sixteen
// call sites chosen by the counter's bits; every site makes and grows a
// small map and allocates a plain object, with runtime.MemProfileRate = 1.
// It keeps every -keep'th map reachable, so the profile has in-use bytes.
//
// bench/genprofile.sh builds and runs it; the profile is not checked in.
//
//	genprofile -heap heap.pb.gz -allocs allocs.pb.gz -n 16384 -depth 4
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/google/pprof/profile"
)

type record struct {
	site    int
	counter uint32
	payload [6]int64
}

var (
	keepEvery int
	calls     int
	keptMaps  []map[int]int
	keptRecs  []*record
)

// keep retains one in keepEvery of the maps and records.
func keep(m map[int]int, r *record) {
	calls++
	if calls%keepEvery == 0 {
		keptMaps = append(keptMaps, m)
		keptRecs = append(keptRecs, r)
	}
}

func main() {
	heapPath := flag.String("heap", "heap.pb.gz", "write the heap profile to `file`")
	allocsPath := flag.String("allocs", "", "also write the allocs profile to `file`")
	n := flag.Int("n", 16384, "number of counter values walked down the call tree")
	depth := flag.Int("depth", 4, "levels of call sites (16^depth paths at most)")
	flag.IntVar(&keepEvery, "keep", 8, "keep every `k`th map and record reachable")
	flag.Parse()
	if *n < 1 || *depth < 1 || *depth > 8 || keepEvery < 1 {
		fmt.Fprintln(os.Stderr, "genprofile: -n and -keep must be positive, -depth 1..8")
		os.Exit(2)
	}

	runtime.MemProfileRate = 1
	start := time.Now()
	for c := 0; c < *n; c++ {
		descend(uint32(c), *depth)
	}
	elapsed := time.Since(start)
	runtime.GC()
	debug.SetGCPercent(-1)

	if err := write("heap", *heapPath); err != nil {
		fmt.Fprintln(os.Stderr, "genprofile:", err)
		os.Exit(1)
	}
	if *allocsPath != "" {
		if err := write("allocs", *allocsPath); err != nil {
			fmt.Fprintln(os.Stderr, "genprofile:", err)
			os.Exit(1)
		}
	}
	runtime.MemProfileRate = 0
	if err := describe(*heapPath, elapsed); err != nil {
		fmt.Fprintln(os.Stderr, "genprofile:", err)
		os.Exit(1)
	}
}

func write(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// describe prints what the profile holds: samples, distinct stacks,
// locations and bytes on disk.
func describe(path string, elapsed time.Duration) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	p, err := profile.Parse(f)
	if err != nil {
		return fmt.Errorf("reading back %s: %w", path, err)
	}
	stacks := map[string]bool{}
	nonzero := 0
	for _, s := range p.Sample {
		key := fmt.Sprint(s.Location)
		if len(s.Location) > 0 {
			ids := make([]uint64, len(s.Location))
			for i, l := range s.Location {
				ids[i] = l.ID
			}
			key = fmt.Sprint(ids)
		}
		stacks[key] = true
		if s.Value[0] != 0 {
			nonzero++
		}
	}
	fmt.Printf("%s: %d bytes, %d samples (%d with allocations), %d distinct stacks, %d locations, %d functions; allocation phase %v\n",
		path, fi.Size(), len(p.Sample), nonzero, len(stacks), len(p.Location), len(p.Function), elapsed.Round(time.Millisecond))
	return nil
}
