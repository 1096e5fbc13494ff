// Command cpuload writes a large CPU profile and a large execution trace
// of map work, to measure how mapscope cpu and mapscope trace scale
// against go tool pprof and go tool trace. Workers walk a call tree of
// sixteen sites (sites.go) chosen by the bits of a counter, so that the
// profile holds tens of thousands of distinct stacks; pairs of goroutines
// passing a token over channels add the scheduling events that make most
// of a real trace.
//
// bench/cpu-trace.sh builds and runs it; its outputs are not checked in.
//
//	cpuload -cpu cpu.pb.gz -seconds 20 -hz 1000 [-seed 1]
//	cpuload -trace trace.out -trace-mb 100
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

var (
	sink   int
	shared = make(map[int]int)
	small  = map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8}
)

// countingWriter counts the bytes of the trace written so far.
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func main() {
	cpuPath := flag.String("cpu", "", "write a CPU profile to `file`")
	tracePath := flag.String("trace", "", "write an execution trace to `file` (with CPU samples when -cpu is set too)")
	seconds := flag.Float64("seconds", 20, "run for `s` seconds")
	traceMB := flag.Int("trace-mb", 0, "with -trace: stop once the trace holds `n` MB (before -seconds)")
	hz := flag.Int("hz", 100, "CPU profile sampling rate")
	depth := flag.Int("depth", 5, "levels of call sites (16^depth paths)")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines walking the call tree")
	pairs := flag.Int("pairs", 4, "pairs of goroutines passing a token")
	seed := flag.Uint("seed", 0, "where the counters start: runs with other seeds walk other paths")
	flag.Parse()

	for i := range 1 << 16 {
		shared[i] = i
	}
	if *cpuPath != "" {
		f, err := os.Create(*cpuPath)
		check(err)
		defer f.Close()
		if *hz != 100 {
			// pprof.StartCPUProfile sets 100 Hz unless a rate is set first
			// (it then prints a warning, and keeps this rate).
			runtime.SetCPUProfileRate(*hz)
		}
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	var tw *countingWriter
	if *tracePath != "" {
		f, err := os.Create(*tracePath)
		check(err)
		defer f.Close()
		tw = &countingWriter{w: f}
		check(trace.Start(tw))
		defer trace.Stop()
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	var walks atomic.Int64
	for w := range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := uint32(*seed)<<20 + uint32(w); !stop.Load(); c += uint32(*workers) {
				descend(c*2654435761, *depth) // a multiplicative hash spreads the paths
				walks.Add(1)
			}
		}()
	}
	for range *pairs {
		ping, pong := make(chan int), make(chan int)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				ping <- i
				<-pong
			}
			close(ping)
		}()
		go func() {
			defer wg.Done()
			for i := range ping {
				pong <- i
			}
		}()
	}
	start := time.Now()
	for time.Since(start).Seconds() < *seconds {
		if tw != nil && *traceMB > 0 && tw.n.Load() >= int64(*traceMB)<<20 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	fmt.Fprintf(os.Stderr, "cpuload: %d walks in %.1f s\n", walks.Load(), time.Since(start).Seconds())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "cpuload:", err)
		os.Exit(1)
	}
}
