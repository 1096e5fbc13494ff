package mapstats_test

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/mapscope/mapscope/mapstats"
)

// The judge of this package: Stats.Bytes must agree with the heap's own
// accounting. Each shape below builds maps between two
// runtime.ReadMemStats calls taken after a GC; the growth of HeapAlloc is
// what the maps hold. Small shapes are built many times so the total is
// large enough for 2% to be meaningful (a single 192-byte map cannot be
// measured to 2%, 200 of them can), and TestSmallMapExactBytes checks the
// single small map byte for byte instead.

type (
	ptrKey struct {
		name *string
		id   int
	}
	big200 [200]byte
)

// Keys exist before the baseline so string data and pointer targets are
// not counted as map memory.
var (
	stringKeys []string
	ptrKeys    []ptrKey
	bigKeys    []big200
)

func keysFor(n int) {
	for len(stringKeys) < n {
		i := len(stringKeys)
		s := "key-" + strconv.Itoa(i)
		stringKeys = append(stringKeys, s)
		ptrKeys = append(ptrKeys, ptrKey{name: &stringKeys[i], id: i})
		var b big200
		copy(b[:], s)
		bigKeys = append(bigKeys, b)
	}
}

type shape struct {
	name    string
	copies  int                               // maps built for one measurement
	heavy   bool                              // skipped with -short (and -race)
	build   func() any                        // one map
	stats   func(any) (mapstats.Stats, error) // Of, through the typed value
	rebuild func(any) any                     // mapstats.Rebuild, typed
}

func mk[K comparable, V any](name string, copies int, heavy bool, build func() map[K]V) shape {
	return shape{
		name: name, copies: copies, heavy: heavy,
		build:   func() any { return build() },
		stats:   func(m any) (mapstats.Stats, error) { return mapstats.Of(m.(map[K]V)) },
		rebuild: func(m any) any { return mapstats.Rebuild(m.(map[K]V)) },
	}
}

func fill[K comparable, V any](m map[K]V, n int, key func(int) K, val V) map[K]V {
	for i := 0; i < n; i++ {
		m[key(i)] = val
	}
	return m
}

func intKey(i int) int      { return i }
func strKey(i int) string   { return stringKeys[i] }
func ptrKeyOf(i int) ptrKey { return ptrKeys[i] }
func bigKey(i int) big200   { return bigKeys[i] }
func int32Key(i int) int32  { return int32(i) }
func arrKey(i int) [16]byte {
	var b [16]byte
	b[0], b[1], b[2] = byte(i), byte(i>>8), byte(i>>16)
	return b
}

// deleteAllBut leaves keep entries of a map of n, through plain deletes.
func deleteAllBut[K comparable, V any](m map[K]V, n, keep int, key func(int) K) map[K]V {
	for i := keep; i < n; i++ {
		delete(m, key(i))
	}
	return m
}

// churn keeps live entries at n while inserting and deleting ops keys,
// FIFO, the pattern of a bounded cache.
func churn(n, ops int) map[int]int {
	m := make(map[int]int)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	for i := n; i < n+ops; i++ {
		delete(m, i-n)
		m[i] = i
	}
	return m
}

func shapes() []shape {
	keysFor(200_000)
	var big big200
	return []shape{
		// Small maps: one group, or none before the first insert.
		// The smallest maps are made by the tens of thousands: 4,000 empty
		// maps are 192 KB, whose 2% is less than the heap noise of one
		// measurement (5 KB once on Go 1.24.13).
		mk("int-int/empty-hint0", 40000, false, func() map[int]int { return make(map[int]int) }),
		mk("int-int/1", 20000, false, func() map[int]int { return fill(make(map[int]int), 1, intKey, 1) }),
		mk("int-int/8", 4000, false, func() map[int]int { return fill(make(map[int]int), 8, intKey, 1) }),
		mk("int32-bool/5", 4000, false, func() map[int32]bool { return fill(make(map[int32]bool), 5, int32Key, true) }),
		mk("string-int/8", 4000, false, func() map[string]int { return fill(make(map[string]int), 8, strKey, 1) }),
		mk("ptrstruct-string/3", 4000, false, func() map[ptrKey]string { return fill(make(map[ptrKey]string), 3, ptrKeyOf, "v") }),
		mk("[16]byte-int/7", 4000, false, func() map[[16]byte]int { return fill(make(map[[16]byte]int), 7, arrKey, 1) }),
		mk("int-struct{}/8", 4000, false, func() map[int]struct{} { return fill(make(map[int]struct{}), 8, intKey, struct{}{}) }),
		// Indirect slots: keys or elems over 128 bytes live in their own objects.
		mk("big200-int/6", 2000, false, func() map[big200]int { return fill(make(map[big200]int), 6, bigKey, 1) }),
		mk("int-big200/6", 2000, false, func() map[int]big200 { return fill(make(map[int]big200), 6, intKey, big) }),
		mk("big200-big200/1000", 20, false, func() map[big200]big200 { return fill(make(map[big200]big200), 1000, bigKey, big) }),
		mk("int-big200/20000", 1, false, func() map[int]big200 { return fill(make(map[int]big200), 20000, intKey, big) }),
		// One table, several tables, the directory.
		mk("int-int/9", 2000, false, func() map[int]int { return fill(make(map[int]int), 9, intKey, 1) }),
		mk("int-int/100", 500, false, func() map[int]int { return fill(make(map[int]int), 100, intKey, 1) }),
		mk("int-int/1000", 100, false, func() map[int]int { return fill(make(map[int]int), 1000, intKey, 1) }),
		mk("string-int/10000", 10, false, func() map[string]int { return fill(make(map[string]int), 10000, strKey, 1) }),
		mk("ptrstruct-string/10000", 10, false, func() map[ptrKey]string { return fill(make(map[ptrKey]string), 10000, ptrKeyOf, "v") }),
		mk("[16]byte-int/100000", 1, false, func() map[[16]byte]int { return fill(make(map[[16]byte]int), 100000, arrKey, 1) }),
		mk("int-int/1e6", 1, true, func() map[int]int { return fill(make(map[int]int), 1_000_000, intKey, 1) }),
		// Hinted maps.
		mk("int-int/hint10/10", 1000, false, func() map[int]int { return fill(make(map[int]int, 10), 10, intKey, 1) }),
		mk("int-int/hint1000/10", 100, false, func() map[int]int { return fill(make(map[int]int, 1000), 10, intKey, 1) }),
		mk("string-int/hint1000/1000", 50, false, func() map[string]int { return fill(make(map[string]int, 1000), 1000, strKey, 1) }),
		mk("int-int/hint1e6/10", 1, true, func() map[int]int { return fill(make(map[int]int, 1_000_000), 10, intKey, 1) }),
		// Deletes, clear, churn: the memory stays.
		mk("int-int/1e5-delete-all-but-100", 1, false, func() map[int]int {
			return deleteAllBut(fill(make(map[int]int), 100_000, intKey, 1), 100_000, 100, intKey)
		}),
		mk("string-int/5000-delete-all-but-3", 10, false, func() map[string]int {
			return deleteAllBut(fill(make(map[string]int), 5000, strKey, 1), 5000, 3, strKey)
		}),
		mk("int-int/8-delete-all-but-2", 4000, false, func() map[int]int {
			return deleteAllBut(fill(make(map[int]int), 8, intKey, 1), 8, 2, intKey)
		}),
		mk("int-int/1e5-clear", 1, false, func() map[int]int {
			m := fill(make(map[int]int), 100_000, intKey, 1)
			clear(m)
			return m
		}),
		mk("big200-int/2000-clear-refill-10", 5, false, func() map[big200]int {
			m := fill(make(map[big200]int), 2000, bigKey, 1)
			clear(m)
			return fill(m, 10, bigKey, 2)
		}),
		mk("int-int/churn-4e4-live-1e6-ops", 1, true, func() map[int]int { return churn(40_000, 1_000_000) }),
		mk("int-int/churn-500-live-20000-ops", 20, false, func() map[int]int { return churn(500, 20_000) }),
	}
}

// measureHeap builds copies maps with build and returns them with the
// HeapAlloc growth they caused.
func measureHeap(copies int, build func() any) ([]any, int64) {
	maps := make([]any, copies)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range maps {
		maps[i] = build()
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(maps)
	return maps, int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// tolerance is the contract: 2% of the measured growth. The test holds
// Of to a stricter bound where the measurement allows it, 0.05% plus
// 8 KiB of heap noise, so that a forgotten 32-byte table header in a map
// of 2000 tables fails the test instead of hiding inside 2%.
const tolerance = 0.02

func allowed(want int64) float64 {
	return min(tolerance*float64(want), 0.0005*float64(want)+8<<10)
}

func within(got, want int64) bool {
	d := got - want
	if d < 0 {
		d = -d
	}
	return float64(d) <= allowed(want)
}

func TestBytesMatchHeapGrowth(t *testing.T) {
	for _, sh := range shapes() {
		t.Run(sh.name, func(t *testing.T) {
			if sh.heavy && testing.Short() {
				t.Skip("heavy shape skipped with -short")
			}
			maps, growth := measureHeap(sh.copies, sh.build)
			var sum mapstats.Stats
			for _, m := range maps {
				st, err := sh.stats(m)
				if err != nil {
					t.Fatalf("Of: %v", err)
				}
				sum = add(sum, st)
			}
			t.Logf("%d maps: heap growth %d B, Of %d B (%+.3f%%); one map: %s",
				sh.copies, growth, sum.Bytes, 100*float64(sum.Bytes-growth)/float64(growth), describe(maps, sh))
			if !within(sum.Bytes, growth) {
				t.Errorf("Of(m).Bytes summed over %d maps = %d, heap grew by %d: off by more than %.0f bytes",
					sh.copies, sum.Bytes, growth, allowed(growth))
			}
			runtime.KeepAlive(maps)
		})
	}
}

// TestRebuildBytes checks RebuildBytes against the map Rebuild really
// makes, byte for byte, and that map against the heap.
func TestRebuildBytes(t *testing.T) {
	for _, sh := range shapes() {
		t.Run(sh.name, func(t *testing.T) {
			if sh.heavy && testing.Short() {
				t.Skip("heavy shape skipped with -short")
			}
			orig := sh.build()
			want, err := sh.stats(orig)
			if err != nil {
				t.Fatalf("Of: %v", err)
			}
			// Enough copies for the total to be measurable to 2%: a
			// MiB at least, against the few KiB the runtime allocates
			// meanwhile (4000 empty maps, 192 KB, were once 5 KB off).
			copies := int(min(1<<15, max(int64(sh.copies), (1<<20)/max(1, want.RebuildBytes))))
			// Copies are rebuilt from a first rebuild: same length, same
			// result, without ranging over a huge sparse map each time.
			first := sh.rebuild(orig)
			rebuilt, growth := measureHeap(copies, func() any { return sh.rebuild(first) })
			var sum int64
			for _, r := range rebuilt {
				st, err := sh.stats(r)
				if err != nil {
					t.Fatalf("Of(Rebuild(m)): %v", err)
				}
				switch {
				case st.Impl == "buckets" && st.Overflow > 0:
					// Overflow buckets depend on the hash seed, so
					// RebuildBytes counts the bucket array only.
					if st.Bytes < want.RebuildBytes {
						t.Fatalf("Of(Rebuild(m)).Bytes = %d, below Of(m).RebuildBytes = %d (rebuilt %+v)", st.Bytes, want.RebuildBytes, st)
					}
				case st.Bytes != want.RebuildBytes:
					t.Fatalf("Of(Rebuild(m)).Bytes = %d, Of(m).RebuildBytes = %d (rebuilt %+v)", st.Bytes, want.RebuildBytes, st)
				}
				if st.Len != want.Len {
					t.Fatalf("Rebuild(m) has %d entries, m has %d", st.Len, want.Len)
				}
				sum += st.Bytes
			}
			if !within(sum, growth) {
				t.Errorf("rebuilt maps: Of says %d B, heap grew by %d B", sum, growth)
			}
			if want.Reclaimable() != max(0, want.Bytes-want.RebuildBytes) {
				t.Errorf("Reclaimable() = %d with Bytes %d, RebuildBytes %d", want.Reclaimable(), want.Bytes, want.RebuildBytes)
			}
			runtime.KeepAlive(orig)
			runtime.KeepAlive(first)
		})
	}
}

func add(a, b mapstats.Stats) mapstats.Stats {
	a.Len += b.Len
	a.Capacity += b.Capacity
	a.Bytes += b.Bytes
	a.RebuildBytes += b.RebuildBytes
	a.Tables += b.Tables
	a.Groups += b.Groups
	a.Buckets += b.Buckets
	a.Overflow += b.Overflow
	a.Tombstones += b.Tombstones
	return a
}

func describe(maps []any, sh shape) string {
	st, _ := sh.stats(maps[0])
	return fmt.Sprintf("%+v", st)
}
