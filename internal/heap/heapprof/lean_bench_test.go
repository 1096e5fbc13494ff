package heapprof

import (
	"os"
	"testing"
)

// BenchmarkParseLean reads the profile named by MAPSCOPE_BENCH_PROFILE,
// e.g. the one bench/heap-vs-pprof.sh writes (half a million samples):
//
//	MAPSCOPE_BENCH_PROFILE=/tmp/mapscope-genprofile/heap.pb.gz go test -run '^$' -bench ParseLean ./internal/heap/heapprof
func BenchmarkParseLean(b *testing.B) {
	name := os.Getenv("MAPSCOPE_BENCH_PROFILE")
	if name == "" {
		b.Skip("MAPSCOPE_BENCH_PROFILE is not set")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseLean(data); err != nil {
			b.Fatal(err)
		}
	}
}
