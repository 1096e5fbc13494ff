package mapstats_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mapscope/mapscope/mapstats"
)

var benchSink mapstats.Stats

func benchOf(b *testing.B, m any) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		st, err := mapstats.Of(m)
		if err != nil {
			b.Fatal(err)
		}
		benchSink = st
	}
	reportCPU(b, cpu)
}

// reportCPU adds cpu-ns/op: process CPU time per op since start.
func reportCPU(b *testing.B, start time.Duration) {
	if cpu := processCPU() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// Targets (issue 4): under 50 ns on a small map, under 20 µs on a
// 1M-entry map, no allocation.
func BenchmarkOfSmall(b *testing.B) {
	benchOf(b, map[int]int{1: 1, 2: 2, 3: 3})
}

func BenchmarkOfSmallPointer(b *testing.B) {
	m := map[string]int{"a": 1}
	benchOf(b, &m)
}

func BenchmarkOf1K(b *testing.B) {
	m := make(map[int]int)
	for i := 0; i < 1000; i++ {
		m[i] = i
	}
	benchOf(b, m)
}

func BenchmarkOf1M(b *testing.B) {
	m := make(map[int]int)
	for i := 0; i < 1_000_000; i++ {
		m[i] = i
	}
	benchOf(b, m)
}

func BenchmarkRebuild10KOf1M(b *testing.B) {
	m := make(map[int]int)
	for i := 0; i < 1_000_000; i++ {
		m[i] = i
	}
	for i := 10_000; i < 1_000_000; i++ {
		delete(m, i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = mapstats.Rebuild(m)
	}
}

// BenchmarkOf1MCold reads the 1M-entry map after evicting it from the CPU
// caches, as a scrape every few seconds would find it: one cache miss per
// table. Only the Of call is timed.
func BenchmarkOf1MCold(b *testing.B) {
	m := make(map[int]int)
	for i := 0; i < 1_000_000; i++ {
		m[i] = i
	}
	evict := make([]byte, 64<<20)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < len(evict); j += 64 {
			evict[j]++
		}
		b.StartTimer()
		st, err := mapstats.Of(m)
		if err != nil {
			b.Fatal(err)
		}
		benchSink = st
	}
}

// A sync.Map is read entry by entry (a trie has no tables to sum), so
// Of's cost grows with its length, like Range's.
func BenchmarkOfSyncMap1M(b *testing.B) {
	var m sync.Map
	for i := 0; i < 1_000_000; i++ {
		m.Store(i, nil)
	}
	benchOf(b, &m)
}

func BenchmarkRangeSyncMap1M(b *testing.B) {
	var m sync.Map
	for i := 0; i < 1_000_000; i++ {
		m.Store(i, nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		m.Range(func(any, any) bool { n++; return true })
		benchSink.Len = n
	}
}
