package mapstats_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/mapscope/mapscope/mapstats"
)

// A single small map cannot be measured to 2% through HeapAlloc (2% of
// 192 bytes is less than one size class and less than the heap's noise),
// so its figure is checked byte for byte against the layout instead; the
// heap test measures thousands of them together.
func TestSmallMapExactBytes(t *testing.T) {
	cases := map[string]any{
		"map[int]int":      map[int]int{1: 1, 2: 2, 3: 3},
		"map[int32]bool":   map[int32]bool{1: true},
		"map[string]int":   map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8},
		"map[int]struct{}": map[int]struct{}{7: {}},
	}
	for name, m := range cases {
		st, err := mapstats.Of(m)
		if err != nil {
			t.Fatalf("Of(%s): %v", name, err)
		}
		if st.Bytes != smallMapBytes[name] {
			t.Errorf("Of(%s).Bytes = %d, want header %d + one group = %d", name, st.Bytes, headerSize, smallMapBytes[name])
		}
		if st.Impl != wantImpl || st.Capacity != 8 || st.Tables != 0 {
			t.Errorf("Of(%s) = %+v, want a %s map of one group", name, st, wantImpl)
		}
	}
}

func TestNilAndPointers(t *testing.T) {
	var nilMap map[string]int
	got, err := mapstats.Of(nilMap)
	if err != nil || got != (mapstats.Stats{}) {
		t.Errorf("Of(nil map) = %+v, %v; want zero Stats, nil", got, err)
	}
	got, err = mapstats.Of(&nilMap)
	if err != nil || got != (mapstats.Stats{}) {
		t.Errorf("Of(&nil map) = %+v, %v; want zero Stats, nil", got, err)
	}

	type named map[string][]byte
	m := named{}
	for i := 0; i < 100; i++ {
		m[strings.Repeat("k", i)] = nil
	}
	direct, err := mapstats.Of(m)
	if err != nil {
		t.Fatal(err)
	}
	viaPtr, err := mapstats.Of(&m)
	if err != nil {
		t.Fatal(err)
	}
	if direct != viaPtr || direct.Len != 100 {
		t.Errorf("Of(m) = %+v, Of(&m) = %+v; want equal with Len 100", direct, viaPtr)
	}
}

func TestNotAMap(t *testing.T) {
	var (
		m       = map[int]int{1: 1}
		pm      = &m
		nilPtr  *map[int]int
		i           = 3
		mapsIn      = struct{ M map[int]int }{m}
		ifaceIn any = m
	)
	cases := []struct {
		in   any
		want string
	}{
		{nil, "Of(nil)"},
		{42, "Of(int)"},
		{"map", "Of(string)"},
		{&i, "Of(*int)"},
		{nilPtr, "Of(*map[int]int): nil pointer"},
		{&pm, "Of(**map[int]int)"},
		{mapsIn, "Of(struct { M map[int]int })"},
		{&ifaceIn, "Of(*interface {})"},
		{[]map[int]int{m}, "Of([]map[int]int)"},
		{reflect.ValueOf(m), "Of(reflect.Value)"},
		{func() {}, "Of(func())"},
		{make(chan int), "Of(chan int)"},
	}
	for _, c := range cases {
		st, err := mapstats.Of(c.in)
		if err == nil {
			t.Errorf("Of(%#v) = %+v, nil; want an error", c.in, st)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || errors.Is(err, mapstats.ErrUnsupported) {
			t.Errorf("Of(%T) error %q, want it to name %q", c.in, err, c.want)
		}
	}
}

// TestUnusualTypes runs Of over key and elem types with special cases in
// the runtime: zero-size, exactly 128 bytes (still inline), 129 bytes
// (indirect), interfaces, NaN keys.
func TestUnusualTypes(t *testing.T) {
	check := func(name string, m any, wantLen int) {
		t.Helper()
		st, err := mapstats.Of(m)
		if err != nil {
			t.Fatalf("Of(%s): %v", name, err)
		}
		if st.Len != wantLen || st.Capacity < st.Len || st.Bytes <= 0 || st.RebuildBytes <= 0 || st.Tombstones < 0 {
			t.Errorf("Of(%s) = %+v, want Len %d and sane figures", name, st, wantLen)
		}
	}
	zero := map[struct{}]struct{}{{}: {}}
	check("map[struct{}]struct{}", zero, 1)

	inline := map[[128]byte]int{}
	indirect := map[[129]byte][129]byte{}
	anyKeys := map[any]any{}
	nan := map[float64]int{}
	for i := 0; i < 50; i++ {
		inline[[128]byte{byte(i)}] = i
		indirect[[129]byte{byte(i)}] = [129]byte{}
		anyKeys[i] = i
		anyKeys[string(rune('a'+i))] = nil
		nan[math.NaN()] = i
	}
	check("map[[128]byte]int", inline, 50)
	check("map[[129]byte][129]byte", indirect, 50)
	check("map[any]any", anyKeys, 100)
	check("map[float64]int with NaN keys", nan, 50)
	if r := mapstats.Rebuild(nan); len(r) != 50 {
		t.Errorf("Rebuild of 50 NaN keys has %d entries", len(r))
	}

	// Indirect slots hold one object per entry: deleting the 50 entries
	// (deletes keep tables and overflow buckets; clear would not) frees
	// 50 keys and 50 elems of 129 bytes, class 144 each.
	full, _ := mapstats.Of(indirect)
	for i := 0; i < 50; i++ {
		delete(indirect, [129]byte{byte(i)})
	}
	emptied, _ := mapstats.Of(indirect)
	if d := full.Bytes - emptied.Bytes; d != 50*2*144 {
		t.Errorf("indirect keys and elems of 50 entries count %d bytes, want %d", d, 50*2*144)
	}
}

func TestRebuild(t *testing.T) {
	if got := mapstats.Rebuild[map[int]int](nil); got != nil {
		t.Errorf("Rebuild(nil) = %v, want nil", got)
	}
	m := make(map[int]string)
	for i := 0; i < 10000; i++ {
		m[i] = "v"
	}
	for i := 10; i < 10000; i++ {
		delete(m, i)
	}
	r := mapstats.Rebuild(m)
	if !reflect.DeepEqual(r, m) {
		t.Fatalf("Rebuild changed the contents")
	}
	before, _ := mapstats.Of(m)
	after, _ := mapstats.Of(r)
	if after.Bytes >= before.Bytes/10 || before.Reclaimable() != before.Bytes-after.RebuildBytes {
		t.Errorf("Rebuild of 10 entries left from 10000: %d -> %d bytes (rebuilt estimate %d), Reclaimable %d", before.Bytes, after.Bytes, after.RebuildBytes, before.Reclaimable())
	}
	// The rebuilt map holds what RebuildBytes estimates, unless (bucket
	// implementation) its hash seed put more than eight of its entries in
	// one bucket: an overflow bucket the estimate cannot foresee.
	if after.Bytes != after.RebuildBytes && after.Overflow == 0 {
		t.Errorf("rebuilt map holds %d bytes, RebuildBytes estimates %d (%+v)", after.Bytes, after.RebuildBytes, after)
	}
	r[1] = "changed"
	if m[1] != "v" {
		t.Errorf("Rebuild shares storage with its input")
	}
}

// TestTombstones checks the swiss tombstone figure: deleting from full
// groups leaves tombstones, and growth clears them.
func TestTombstones(t *testing.T) {
	if wantImpl != "swiss" {
		t.Skip("tombstones are a Swiss-table figure")
	}
	m := make(map[int]int)
	for i := 0; i < 896; i++ { // fills one 1024-slot table to 7/8
		m[i] = i
	}
	for i := 0; i < 800; i++ {
		delete(m, i)
	}
	st, err := mapstats.Of(m)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tombstones == 0 || st.Tombstones > 800 || st.Len != 96 {
		t.Errorf("after 800 deletes from a full table: %+v, want some tombstones", st)
	}
	clear(m)
	st, _ = mapstats.Of(m)
	if st.Tombstones != 0 || st.Len != 0 {
		t.Errorf("after clear: %+v, want no tombstones", st)
	}
}

func TestNoAllocations(t *testing.T) {
	small := map[int]int{1: 1}
	large := make(map[string]int)
	for i := 0; i < 100000; i++ {
		large[string(rune(i))] = i
	}
	for name, m := range map[string]any{"small": small, "large": large, "pointer": &large} {
		if n := testing.AllocsPerRun(100, func() { _, _ = mapstats.Of(m) }); n != 0 {
			t.Errorf("Of(%s map) allocates %v times per call", name, n)
		}
	}
}

// TestConcurrentUnderLock is the pattern mapwatch relies on: writers and
// Of share one lock. Run with -race.
func TestConcurrentUnderLock(t *testing.T) {
	var mu sync.Mutex
	m := make(map[int]int)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 20000; i++ {
				mu.Lock()
				m[i*2+w] = i
				if i%3 == 0 {
					delete(m, i)
				}
				mu.Unlock()
			}
		}(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for reads := 0; ; reads++ {
		mu.Lock()
		st, err := mapstats.Of(m)
		n := len(m)
		mu.Unlock()
		if err != nil || st.Len != n {
			t.Fatalf("Of under lock = %+v, %v; len %d", st, err, n)
		}
		select {
		case <-done:
			return
		default:
		}
	}
}

// FuzzOf drives a map through inserts, deletes and clears and checks that
// Of stays consistent with len and with itself.
func FuzzOf(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 200, 201, 255})
	f.Add([]byte(strings.Repeat("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 40)))
	f.Fuzz(func(t *testing.T, ops []byte) {
		m := make(map[uint16][]byte)
		for i, op := range ops {
			k := uint16(op) | uint16(i)<<8
			switch {
			case op == 255:
				clear(m)
			case op >= 200:
				for j := 0; j < int(op-199)*64; j++ {
					m[uint16(j)] = nil
				}
			case op%4 == 0:
				delete(m, k)
			default:
				m[k] = ops[:i]
			}
			st, err := mapstats.Of(m)
			if err != nil {
				t.Fatalf("Of: %v", err)
			}
			if st.Len != len(m) || st.Capacity < st.Len || st.Tombstones < 0 || (len(m) > 0 && st.Bytes <= 0) {
				t.Fatalf("after op %d: %+v with len %d", i, st, len(m))
			}
		}
	})
}
