package mapwatch

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// mapHeavy is a map-heavy request: it builds a small request-scoped map,
// and inserts into and evicts from a long-lived cache under a lock, so
// tables are grown, split and dropped all the time.
type mapHeavy struct {
	mu    sync.Mutex
	cache map[string][]int
	next  int
}

func (h *mapHeavy) request() int {
	attrs := make(map[int]int)
	for i := 0; i < 32; i++ {
		attrs[i*7] = i
	}
	h.mu.Lock()
	h.next++
	key := strconv.Itoa(h.next)
	h.cache[key] = []int{len(attrs)}
	if len(h.cache) > 20000 {
		delete(h.cache, strconv.Itoa(h.next-20000))
	}
	n := len(h.cache)
	h.mu.Unlock()
	return n
}

// BenchmarkMapHeavy measures the workload's throughput with the watcher
// off and polling (map reads, MemProfile sample, classification, ranking)
// at several intervals, and reports the share of the run spent polling,
// "poll-cpu-%": the CPU time the polling thread used (getrusage of that
// thread) over the run's wall time, i.e. the share of one core the sampler
// takes from the workload. It is measured directly rather than as a
// difference of two throughputs, which a shared machine makes too noisy.
// "poll-wall-%" is the wall time spent inside Poll, which also counts
// waiting for the map's lock and for a CPU.
func BenchmarkMapHeavy(b *testing.B) {
	for _, bc := range []struct {
		name     string
		interval time.Duration // 0: no watcher
	}{
		{"watcher=off", 0},
		{"watcher=10s", 10 * time.Second},
		{"watcher=1s", time.Second},
		{"watcher=100ms", 100 * time.Millisecond},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := &mapHeavy{cache: map[string][]int{}}
			var busy, busyCPU time.Duration
			stop, done := make(chan struct{}), make(chan struct{})
			if bc.interval > 0 {
				w := New(WithInterval(bc.interval))
				if err := Watch(w, "cache", &h.cache, &h.mu); err != nil {
					b.Fatal(err)
				}
				// The same loop as Start, timed.
				go func() {
					defer close(done)
					runtime.LockOSThread() // so that thread CPU time is this loop's
					defer runtime.UnlockOSThread()
					t := time.NewTicker(bc.interval)
					defer t.Stop()
					for {
						start, startCPU := time.Now(), threadCPU()
						if err := w.Poll(); err != nil {
							b.Error(err)
						}
						busy += time.Since(start)
						busyCPU += threadCPU() - startCPU
						select {
						case <-stop:
							return
						case <-t.C:
						}
					}
				}()
			} else {
				close(done)
			}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				h.request()
			}
			elapsed := time.Since(start)
			b.StopTimer()
			close(stop)
			<-done
			b.ReportMetric(100*float64(busy)/float64(elapsed), "poll-wall-%")
			b.ReportMetric(100*float64(busyCPU)/float64(elapsed), "poll-cpu-%")
		})
	}
}

// BenchmarkPoll measures one round of the background work (read the
// registered map, sample runtime.MemProfile, classify, rank the sites) in
// a process that has run the map-heavy workload, and again after adding
// about 4000 distinct allocation stacks, the profile of a large service.
// Its cost divided by the interval is the sampler's share of one core.
func BenchmarkPoll(b *testing.B) {
	h := &mapHeavy{cache: map[string][]int{}}
	for i := 0; i < 200000; i++ {
		h.request()
	}
	w := New()
	if err := Watch(w, "cache", &h.cache, &h.mu); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B) {
		if err := w.Poll(); err != nil { // warm the classification cache
			b.Fatal(err)
		}
		n, _ := runtime.MemProfile(nil, true)
		b.ResetTimer()
		b.ReportMetric(float64(n), "records")
		for i := 0; i < b.N; i++ {
			if err := w.Poll(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("profile=small", run)
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	for path := 0; path < 1<<12; path++ {
		allocVia(path, 12)
	}
	runtime.MemProfileRate = old
	b.Run("profile=large", run)
}

var stackSink []byte

// allocVia allocates under one of 2^depth distinct call stacks.
//
//go:noinline
func allocVia(path, depth int) {
	if depth == 0 {
		stackSink = make([]byte, 64)
		return
	}
	if path&1 == 1 {
		allocLeft(path>>1, depth-1)
	} else {
		allocRight(path>>1, depth-1)
	}
}

//go:noinline
func allocLeft(path, depth int) { allocVia(path, depth) }

//go:noinline
func allocRight(path, depth int) { allocVia(path, depth) }
