// Command corpus allocates map and non-map memory in known ways and writes
// a heap and an allocs profile of it. Every allocating line carries a
// "// want:" comment saying what a correct classifier must call the bytes
// allocated there; mapscope's internal/heap/heaptest package parses them and its
// tests check them against the profiles this program writes.
//
// Usage:
//
//	corpus -heap heap.pb.gz -allocs allocs.pb.gz
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

// memProfileRate is the first package-level variable of the first file, and
// the variables declared after it (in this file and the files that sort
// after it) do not feed into it, so it is initialised before any of them:
// the package-level map literals are sampled too.
var memProfileRate = setMemProfileRate()

func setMemProfileRate() int {
	runtime.MemProfileRate = 1
	return runtime.MemProfileRate
}

func main() {
	runScenarios()
	// The heap profile reports allocations as of the last completed GC:
	// this one publishes every scenario's allocations, and stopping the
	// collector keeps the flag parsing and profile writing below out of
	// both profiles.
	runtime.GC()
	debug.SetGCPercent(-1)

	heapPath := flag.String("heap", "heap.pb.gz", "write the heap profile to `file`")
	allocsPath := flag.String("allocs", "allocs.pb.gz", "write the allocs profile to `file`")
	flag.Parse()
	if err := writeProfile("heap", *heapPath); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	if err := writeProfile("allocs", *allocsPath); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	if memProfileRate != 1 {
		fmt.Fprintln(os.Stderr, "corpus: MemProfileRate was not set")
		os.Exit(1)
	}
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing %s profile to %s: %w", name, path, err)
	}
	return f.Close()
}
