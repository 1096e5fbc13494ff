// Command child runs one experiment of "mapscope lab" and prints its
// figures as JSON on stdout:
//
//	{"go": "go1.26.8", "figures": {"peak_bytes": 37748736, ...}}
//
// Usage: child EXPERIMENT DIR, where DIR is a directory the experiment may
// write files to (the heap profile of heap-profile-shows-mapassign).
//
// The lab embeds this source and builds it with every toolchain it runs,
// in a module that says "go 1.21", so it must compile with Go 1.21 and
// later: no range over integers, no iterators, standard library only.
// A failure prints one line on stderr and exits 1.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
)

// figures are what an experiment measured, by name. Booleans are 0 or 1.
type figures map[string]float64

var experiments = map[string]func(dir string) (figures, error){
	"delete-all-frees":                  deleteAllFrees,
	"clear-frees":                       clearFrees,
	"remake-frees":                      remakeFrees,
	"clone-compacts":                    cloneCompacts,
	"hint-avoids-growth":                hintAvoidsGrowth,
	"recover-catches-concurrent-writes": recoverCatchesConcurrentWrites,
	"heap-profile-shows-mapassign":      heapProfileShowsMapassign,
	"churn-steady-bytes":                churnSteadyBytes,
	"hash-method-collides":              hashMethodCollides,
	"small-map-in-handler":              smallMapInHandler,
	"pool-clear-keeps-peak":             poolClearKeepsPeak,
	"reflect-zero-hint-pollutes":        reflectZeroHintPollutes,
	"syncmap-bytes-per-entry":           syncMapBytesPerEntry,
	"freeosmemory-after-rebuild":        freeOSMemoryAfterRebuild,

	// Not experiments: they let the lab's tests check how a child that
	// dies or hangs is reported.
	"selftest-panic": func(string) (figures, error) { panic("selftest-panic: dying on purpose") },
	"selftest-hang":  func(string) (figures, error) { time.Sleep(time.Hour); return nil, nil },
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: child EXPERIMENT DIR")
		os.Exit(2)
	}
	run, ok := experiments[os.Args[1]]
	if !ok {
		names := make([]string, 0, len(experiments))
		for n := range experiments {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "child: unknown experiment %q (known: %v)\n", os.Args[1], names)
		os.Exit(2)
	}
	fig, err := run(os.Args[2])
	if err != nil {
		fmt.Fprintf(os.Stderr, "child: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	out, err := json.Marshal(struct {
		Go      string  `json:"go"`
		Figures figures `json:"figures"`
	}{runtime.Version(), fig})
	if err != nil {
		fmt.Fprintf(os.Stderr, "child: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	fmt.Printf("%s\n", out)
}

// heapBytes returns the live heap after a full collection. Two cycles make
// sure that memory freed by finalizers or swept late is gone too.
func heapBytes() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// allocStats returns the process's cumulative allocation count and bytes.
func allocStats() (mallocs, bytes int64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.Mallocs), int64(ms.TotalAlloc)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
