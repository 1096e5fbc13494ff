package sizeclass

import (
	"runtime"
	"testing"
)

var (
	sinkPtrs  [][]*byte
	sinkBytes [][]byte
)

// allocated returns MemStats.TotalAlloc growth per object when n objects
// of size bytes are allocated. Stray runtime allocations only add, so the
// least of three tries is the allocator's figure.
func allocated(size uintptr, ptrs bool, want int64) int64 {
	const n = 64
	best := int64(-1)
	for try := 0; try < 3; try++ {
		sinkPtrs, sinkBytes = make([][]*byte, 0, n), make([][]byte, 0, n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < n; i++ {
			if ptrs {
				sinkPtrs = append(sinkPtrs, make([]*byte, size/8))
			} else {
				sinkBytes = append(sinkBytes, make([]byte, size))
			}
		}
		runtime.ReadMemStats(&after)
		got := (int64(after.TotalAlloc-before.TotalAlloc) + n/2) / n
		if best < 0 || got < best {
			best = got
		}
		if best == want {
			break
		}
	}
	sinkPtrs, sinkBytes = nil, nil
	return best
}

// TestSizeClassesMatchRuntime checks the embedded size-class table and
// HeapBytes against the allocator of the Go running the test: every class,
// the malloc header of pointerful objects over 512 bytes, large objects.
func TestSizeClassesMatchRuntime(t *testing.T) {
	sizes := []uintptr{16, 24, 504, 512, 520, 1000, 4096, 18432, 18440, 32760, 32768, 32776, 100000, 1 << 20}
	for _, c := range Classes {
		sizes = append(sizes, uintptr(c), uintptr(c)+8)
	}
	for _, size := range sizes {
		for _, ptrs := range []bool{false, true} {
			if !ptrs && size < 16 {
				continue // the tiny allocator packs these; maps never allocate one
			}
			want := HeapBytes(size, ptrs)
			got := allocated(size, ptrs, want)
			// A stray runtime allocation in every try can still add a
			// few bytes per object; neighbouring classes are 8 bytes
			// or more apart.
			if d := got - want; d < 0 || d > 4 {
				t.Errorf("object of %d bytes (pointers %v): runtime allocates %d, HeapBytes says %d", size, ptrs, got, want)
			}
		}
	}
}

func TestBlock(t *testing.T) {
	for n, want := range map[uintptr]int64{0: 0, 1: 8, 136: 144, 17408: 18432, 32768: 32768, 32769: 40960, 200: 208} {
		if got := Block(n); got != want {
			t.Errorf("Block(%d) = %d, want %d", n, got, want)
		}
	}
}
