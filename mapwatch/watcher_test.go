package mapwatch

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/mapscope/mapscope/mapstats"
)

func TestCollectorExportsRegisteredMaps(t *testing.T) {
	w := New(WithTopSites(0))
	users := map[int]string{}
	for i := 0; i < 5000; i++ {
		users[i] = "u"
	}
	var mu sync.Mutex
	if err := w.Register("users", &users, WithLock(&mu)); err != nil {
		t.Fatal(err)
	}
	if err := w.Poll(); err != nil { // sees the peak of 5000
		t.Fatal(err)
	}
	for i := 1000; i < 5000; i++ {
		delete(users, i)
	}
	st, err := mapstats.Of(users)
	if err != nil {
		t.Fatalf("mapstats.Of: %v", err)
	}
	if st.Len != 1000 || st.Reclaimable() <= 0 {
		t.Fatalf("after deleting 4000 of 5000 entries: len %d, reclaimable %d", st.Len, st.Reclaimable())
	}
	want := fmt.Sprintf(`
# HELP mapscope_map_bytes Heap bytes the map holds, indirect keys and elems included.
# TYPE mapscope_map_bytes gauge
mapscope_map_bytes{map="users"} %d
# HELP mapscope_map_capacity_slots Slots the map's tables (or buckets) hold; a map never shrinks them.
# TYPE mapscope_map_capacity_slots gauge
mapscope_map_capacity_slots{map="users"} %d
# HELP mapscope_map_entries Entries in the map (len).
# TYPE mapscope_map_entries gauge
mapscope_map_entries{map="users"} 1000
# HELP mapscope_map_peak_entries Largest length of the map seen by the watcher.
# TYPE mapscope_map_peak_entries gauge
mapscope_map_peak_entries{map="users"} 5000
# HELP mapscope_map_reclaimable_bytes Bytes a right-sized rebuild of the map would release.
# TYPE mapscope_map_reclaimable_bytes gauge
mapscope_map_reclaimable_bytes{map="users"} %d
`, st.Bytes, st.Capacity, st.Reclaimable())
	names := []string{"mapscope_map_bytes", "mapscope_map_capacity_slots", "mapscope_map_entries",
		"mapscope_map_peak_entries", "mapscope_map_reclaimable_bytes"}
	if err := testutil.CollectAndCompare(w.Collector(), strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

func TestCollectorLintClean(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	fillProfiledMap()
	runtime.GC()

	w := New()
	m := map[string]int{"a": 1}
	if err := w.Register("m", m); err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.CollectAndLint(w.Collector())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	if n := testutil.CollectAndCount(w.Collector(), "mapscope_map_site_inuse_bytes"); n == 0 {
		t.Error("no mapscope_map_site_inuse_bytes series at MemProfileRate=1 after filling a map")
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(w.Collector()); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Gather(); err != nil {
		t.Errorf("pedantic registry: %v", err)
	}
}

// Sites past the top N are folded into site="other", so the number of
// series stays bounded however many map sites the program has.
var manySites [6]map[int]int

//go:noinline
func site0() { manySites[0] = fillN(100) }

//go:noinline
func site1() { manySites[1] = fillN(200) }

//go:noinline
func site2() { manySites[2] = fillN(400) }

//go:noinline
func site3() { manySites[3] = fillN(800) }

//go:noinline
func site4() { manySites[4] = fillN(1600) }

//go:noinline
func site5() { manySites[5] = fillN(3200) }

//go:noinline
func fillN(n int) map[int]int {
	m := make(map[int]int, n)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}

func TestSiteCardinalityBounded(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	site0()
	site1()
	site2()
	site3()
	site4()
	site5()
	runtime.GC()

	w := New(WithTopSites(2))
	if got := len(w.MapSites()); got != 2 {
		t.Errorf("MapSites() returned %d sites, want 2", got)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(w.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var named, other int
	for _, mf := range mfs {
		if mf.GetName() != "mapscope_map_site_inuse_bytes" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "site" && l.GetValue() == "other" {
					other++
				} else if l.GetName() == "site" {
					named++
				}
			}
		}
	}
	if named != 2 || other == 0 || other > 5 {
		t.Errorf("site series: %d named, %d other; want 2 named and 1-5 other", named, other)
	}
	runtime.KeepAlive(manySites)
}

func TestRegisterRejectsBadInput(t *testing.T) {
	w := New()
	var nilPtr *map[int]int
	m := map[int]int{}
	cases := []struct {
		name string
		reg  func() error
		want string
	}{
		{"not a map", func() error { return w.Register("x", 42) }, "int is not a map"},
		{"nil", func() error { return w.Register("x", nil) }, "nil is not a map"},
		{"nil pointer", func() error { return w.Register("x", nilPtr) }, "nil *map[int]int"},
		{"empty name", func() error { return w.Register("", m) }, "empty name"},
		{"generic rebuild without Watch", func() error { return w.Register("x", &m, WithRebuild(1)) }, "WithRebuild needs Watch"},
		{"negative threshold", func() error { return Watch(w, "x", &m, WithRebuild(-1)) }, "negative rebuild threshold"},
		{"nil Watch pointer", func() error { return Watch[map[int]int](w, "x", nil) }, "nil map pointer"},
	}
	for _, c := range cases {
		err := c.reg()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if err := w.Register("dup", m); err != nil {
		t.Fatal(err)
	}
	if err := w.Register("dup", m); !errors.Is(err, errNameTaken) {
		t.Errorf("second registration of a name: err = %v, want errNameTaken", err)
	}
	w.Unregister("dup")
	if err := w.Register("dup", m); err != nil {
		t.Errorf("registering after Unregister: %v", err)
	}
}

// TestConcurrentWritesUnderLock runs scrapes and polls while writers
// change the maps under the registered locks; go test -race checks it.
func TestConcurrentWritesUnderLock(t *testing.T) {
	defer goleak.VerifyNone(t)
	w := New(WithInterval(time.Millisecond), WithErrorHandler(func(err error) { t.Error(err) }))
	var mu sync.Mutex
	var rw sync.RWMutex
	a := map[int]int{}
	b := map[string][]byte{}
	if err := Watch(w, "a", &a, WithLock(&mu), WithRebuild(1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Register("b", &b, WithRWMutex(&rw)); err != nil {
		t.Fatal(err)
	}
	w.Start()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			a[i] = i
			if i%3 == 0 {
				delete(a, i/2)
			}
			mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			rw.Lock()
			b[fmt.Sprint(i%5000)] = make([]byte, 8)
			rw.Unlock()
		}
	}()
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		if n := testutil.CollectAndCount(w.Collector(), "mapscope_map_entries"); n != 2 {
			t.Errorf("scrape has %d entries series, want 2", n)
		}
	}
	close(stop)
	wg.Wait()
	w.Close()
}

// TestRebuildReleasesMemory checks that the policy really gives memory
// back to the heap, measured by runtime.ReadMemStats, not only by mapstats.
func TestRebuildReleasesMemory(t *testing.T) {
	var mu sync.Mutex
	cache := map[int]int{}
	for i := 0; i < 200000; i++ {
		cache[i] = i
	}
	for i := 100; i < 200000; i++ {
		delete(cache, i)
	}
	w := New(WithTopSites(0))
	if err := Watch(w, "cache", &cache, WithLock(&mu), WithRebuild(1<<20)); err != nil {
		t.Fatal(err)
	}
	before, err := mapstats.Of(cache)
	if err != nil {
		t.Fatal(err)
	}
	heapBefore := heapAlloc()
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	heapAfter := heapAlloc()
	after, err := mapstats.Of(cache)
	if err != nil {
		t.Fatal(err)
	}
	if len(cache) != 100 || cache[42] != 42 {
		t.Fatalf("rebuild lost entries: len %d, cache[42] = %d", len(cache), cache[42])
	}
	if after.Bytes >= before.Bytes/10 {
		t.Errorf("mapstats bytes %d -> %d after rebuild, want a 10x drop", before.Bytes, after.Bytes)
	}
	released := int64(heapBefore) - int64(heapAfter)
	if released < before.Reclaimable()*9/10 {
		t.Errorf("heap released %d bytes, want >= 90%% of the %d reclaimable", released, before.Reclaimable())
	}
	ms := w.Maps()
	if len(ms) != 1 || ms[0].Rebuilds != 1 {
		t.Errorf("Maps() = %+v, want one map rebuilt once", ms)
	}
	// Below the threshold now: a second poll must not rebuild again.
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	if ms := w.Maps(); ms[0].Rebuilds != 1 {
		t.Errorf("rebuilt again below the threshold: %d rebuilds", ms[0].Rebuilds)
	}
}

func TestRebuildFunc(t *testing.T) {
	var mu sync.Mutex
	m := map[int]bool{}
	for i := 0; i < 10000; i++ {
		m[i] = true
	}
	clear(m)
	calls := 0
	w := New(WithTopSites(0))
	err := w.Register("m", &m, WithLock(&mu), WithRebuildFunc(1, func() {
		if mu.TryLock() {
			t.Error("rebuild func called without the map's lock held")
			mu.Unlock()
		}
		calls++
		m = make(map[int]bool)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("rebuild func called %d times, want 1", calls)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestStartCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	w := New(WithInterval(time.Millisecond))
	w.Start()
	w.Start() // idempotent
	time.Sleep(5 * time.Millisecond)
	w.Close()
	w.Close()
}
