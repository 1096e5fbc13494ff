package mapstats_test

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/mapscope/mapscope/mapstats"
)

// boxedKeys are interface values made before any measurement, so that
// storing them in a sync.Map allocates trie nodes and nothing else.
var boxedKeys []any

func boxed(n int) []any {
	for len(boxedKeys) < n {
		boxedKeys = append(boxedKeys, new(int))
	}
	return boxedKeys[:n]
}

func syncMapOf(n int) *sync.Map {
	var m sync.Map
	for _, k := range boxed(n) {
		m.Store(k, nil)
	}
	return &m
}

func needTrie(t *testing.T) {
	t.Helper()
	if !syncMapReadable {
		var m sync.Map
		m.Store(1, 1)
		if _, err := mapstats.Of(&m); !errors.Is(err, mapstats.ErrUnsupported) {
			t.Fatalf("Of(*sync.Map) without the hash-trie: err = %v, want ErrUnsupported", err)
		}
		t.Skip("sync.Map is not a hash-trie in this build (GOEXPERIMENT=nosynchashtriemap)")
	}
}

func TestSyncMapCounts(t *testing.T) {
	needTrie(t)
	var unused sync.Map
	st, err := mapstats.Of(&unused)
	if err != nil || st.Len != 0 || st.Bytes != 0 || st.Impl != "hashtrie" {
		t.Errorf("Of(unused sync.Map) = %+v, %v; want no entries, no bytes, hashtrie", st, err)
	}
	for _, n := range []int{1, 16, 17, 1000, 50_000} {
		m := syncMapOf(n)
		st, err := mapstats.Of(m)
		if err != nil {
			t.Fatalf("Of(sync.Map of %d): %v", n, err)
		}
		if st.Len != n || st.Bytes <= 0 || st.RebuildBytes != st.Bytes || st.Reclaimable() != 0 || st.Capacity != 0 {
			t.Errorf("Of(sync.Map of %d) = %+v; want Len %d, a fresh trie holding what a rebuild would", n, st, n)
		}
		var ranged int
		m.Range(func(any, any) bool { ranged++; return true })
		if ranged != st.Len {
			t.Errorf("Range counts %d entries, Of %d", ranged, st.Len)
		}
	}
	if _, err := mapstats.Of((*sync.Map)(nil)); err == nil {
		t.Error("Of((*sync.Map)(nil)): no error")
	}
}

// A trie that lost most of its keys keeps the indirect nodes above each
// survivor; RebuildBytes is what a trie of the survivors alone holds.
// A new sync.Map draws a new hash seed, so its shape differs a little,
// and so does the shape RebuildBytes is computed from: with 1,000
// survivors one fresh trie was within ±5.7% of it (300 runs), more than
// the 5% allowed; with 10,000, against the mean of freshTries fresh
// tries, within ±1.8% (300 runs).
func TestSyncMapAfterDeletes(t *testing.T) {
	needTrie(t)
	const freshTries, survivors = 4, 10_000
	keys := boxed(100_000)
	m := syncMapOf(len(keys))
	for _, k := range keys[survivors:] {
		m.Delete(k)
	}
	st, err := mapstats.Of(m)
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for range freshTries {
		var fresh sync.Map
		m.Range(func(k, v any) bool { fresh.Store(k, v); return true })
		got, err := mapstats.Of(&fresh)
		if err != nil {
			t.Fatal(err)
		}
		want += got.Bytes
	}
	want /= freshTries
	if st.Len != survivors || st.Reclaimable() <= 0 {
		t.Errorf("after deleting 90%%: %+v, want %d entries and something reclaimable", st, survivors)
	}
	if d := float64(st.RebuildBytes-want) / float64(want); d > 0.05 || d < -0.05 {
		t.Errorf("RebuildBytes %d, fresh tries of the same keys hold %d on average (%+.1f%%)", st.RebuildBytes, want, 100*d)
	}
}

// TestSyncMapBytesMatchHeapGrowth is TestBytesMatchHeapGrowth for sync.Map.
func TestSyncMapBytesMatchHeapGrowth(t *testing.T) {
	needTrie(t)
	boxed(200_000)
	for _, c := range []struct {
		name      string
		copies, n int
		keep      int // deletes all entries but keep, when > 0
	}{
		{"syncmap/1", 2000, 1, 0},
		{"syncmap/16", 500, 16, 0},
		{"syncmap/1000", 20, 1000, 0},
		{"syncmap/200000", 1, 200_000, 0},
		{"syncmap/100000-delete-all-but-100", 1, 100_000, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			maps, growth := measureHeap(c.copies, func() any {
				m := syncMapOf(c.n)
				if c.keep > 0 {
					for _, k := range boxedKeys[c.keep:c.n] {
						m.Delete(k)
					}
				}
				return m
			})
			var sum int64
			for _, m := range maps {
				st, err := mapstats.Of(m.(*sync.Map))
				if err != nil {
					t.Fatal(err)
				}
				sum += st.Bytes
			}
			// The sync.Map structs are heap objects here (48 bytes, a
			// size class); in a program they sit inside their owner.
			growth -= int64(c.copies) * int64(unsafe.Sizeof(sync.Map{}))
			t.Logf("%d maps: heap growth %d B, Of %d B (%+.3f%%)", c.copies, growth, sum, 100*float64(sum-growth)/float64(growth))
			if !within(sum, growth) {
				t.Errorf("Of(m).Bytes summed over %d sync.Maps = %d, heap grew by %d", c.copies, sum, growth)
			}
			runtime.KeepAlive(maps)
		})
	}
}

// TestSyncMapConcurrentWriters reads a sync.Map while goroutines store
// and delete, without a lock: go test -race checks that the reads are
// atomic where they must be.
func TestSyncMapConcurrentWriters(t *testing.T) {
	needTrie(t)
	keys := boxed(20_000)
	var m sync.Map
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := keys[(i*7+w*13)%len(keys)]
				if i%3 == 0 {
					m.Delete(k)
				} else {
					m.Store(k, i)
				}
			}
		}(w)
	}
	reads := 0
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline) || reads < 20; reads++ {
		st, err := mapstats.Of(&m)
		if err != nil {
			t.Fatalf("Of during writes: %v", err)
		}
		if st.Len < 0 || st.Len > len(keys) {
			t.Fatalf("Of during writes: Len %d of at most %d keys", st.Len, len(keys))
		}
	}
	close(stop)
	wg.Wait()
}
