package mapwatch

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/mapscope/mapscope/mapstats"
)

// quiet is a logger for tests that expect no log, or do not care.
var quiet = slog.New(slog.DiscardHandler)

func TestCollectorExportsWatchedMaps(t *testing.T) {
	w := New(WithTopSites(0), WithLogger(quiet))
	users := map[int]string{}
	for i := 0; i < 5000; i++ {
		users[i] = "u"
	}
	var mu sync.Mutex
	if err := Watch(w, "users", &users, &mu); err != nil {
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
# HELP mapscope_map_capacity_slots Slots the map's tables (or buckets) hold; a map never shrinks them. Absent for a sync.Map.
# TYPE mapscope_map_capacity_slots gauge
mapscope_map_capacity_slots{map="users"} %d
# HELP mapscope_map_entries Entries in the map (len).
# TYPE mapscope_map_entries gauge
mapscope_map_entries{map="users"} 1000
# HELP mapscope_map_peak_entries Largest length of the map seen by the watcher.
# TYPE mapscope_map_peak_entries gauge
mapscope_map_peak_entries{map="users"} 5000
# HELP mapscope_map_read_errors_total Reads of the map that failed (its other series are then absent); the service log says why.
# TYPE mapscope_map_read_errors_total counter
mapscope_map_read_errors_total{map="users"} 0
# HELP mapscope_map_reclaimable_bytes Bytes a right-sized rebuild of the map would release.
# TYPE mapscope_map_reclaimable_bytes gauge
mapscope_map_reclaimable_bytes{map="users"} %d
# HELP mapscope_map_rebuilds_total Rebuilds done by the mapwatch WithRebuild policy.
# TYPE mapscope_map_rebuilds_total counter
mapscope_map_rebuilds_total{map="users"} 0
`, st.Bytes, st.Capacity, st.Reclaimable())
	if err := testutil.CollectAndCompare(w.Collector(), strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	ms := w.Maps()
	if len(ms) != 1 || ms[0].Name != "users" || ms[0].Stats != st || ms[0].Peak != 5000 || ms[0].Err != nil {
		t.Errorf("Maps() = %+v, want users with %+v and peak 5000", ms, st)
	}
}

func TestCollectorLintClean(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	fillProfiledMap()
	runtime.GC()

	w := New(WithLogger(quiet))
	m := map[string]int{"a": 1}
	if err := Watch(w, "m", &m, nil); err != nil {
		t.Fatal(err)
	}
	var sm sync.Map
	sm.Store("k", 1)
	if err := WatchSyncMap(w, "sm", &sm); err != nil {
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

// fillN is one function with two map lines: both are one site series.
//
//go:noinline
func fillN(n int) map[int]int {
	m := make(map[int]int, n/2)
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}

var twoLines [2]map[int]int

//go:noinline
func growTwoMaps() {
	twoLines[0] = map[int]int{}
	for i := 0; i < 3000; i++ {
		twoLines[0][i] = i
	}
	twoLines[1] = map[int]int{}
	for i := 0; i < 9000; i++ {
		twoLines[1][i] = i // the line with the most bytes
	}
}

func siteSeriesOf(t *testing.T, w *Watcher) (inUse, info map[string]map[string]string) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(w.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	inUse, info = map[string]map[string]string{}, map[string]map[string]string{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			key := labels["site"] + "/" + labels["kind"]
			switch mf.GetName() {
			case "mapscope_map_site_inuse_bytes":
				inUse[key] = labels
			case "mapscope_map_site_info":
				info[key] = labels
			}
		}
	}
	return inUse, info
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

	w := New(WithTopSites(2), WithLogger(quiet))
	inUse, info := siteSeriesOf(t, w)
	var named, other int
	for key := range inUse {
		if strings.HasPrefix(key, "other/") {
			other++
		} else {
			named++
			if info[key] == nil {
				t.Errorf("site %s has no mapscope_map_site_info series", key)
			}
		}
	}
	if named != 2 || other == 0 || other > 5 || len(info) != 2 {
		t.Errorf("site series: %d named, %d other, %d info; want 2 named, 1-5 other, 2 info", named, other, len(info))
	}
	runtime.KeepAlive(manySites)
}

// TestSiteLabelIsTheFunction: the site label names the function, so that
// an edit above a line keeps the series; the line is in the info metric.
func TestSiteLabelIsTheFunction(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	growTwoMaps()
	runtime.GC()

	w := New(WithLogger(quiet))
	inUse, info := siteSeriesOf(t, w)
	const site = "mapwatch.growTwoMaps"
	if inUse[site+"/grow"] == nil {
		t.Fatalf("no site series %s/grow; have %v", site, keys(inUse))
	}
	for key := range inUse {
		if strings.Contains(key, ".go:") {
			t.Errorf("site label %q holds a file:line", key)
		}
	}
	got := info[site+"/grow"]
	if got["file"] != "watcher_test.go" || got["line"] == "" {
		t.Errorf("mapscope_map_site_info for %s = %v, want file watcher_test.go and a line", site, got)
	}
	if line := lineOf(t, "// the line with the most bytes"); got["line"] != fmt.Sprint(line) {
		t.Errorf("info line = %s, want %d (the line that grew the bigger map)", got["line"], line)
	}
	runtime.KeepAlive(twoLines)
}

// lineOf returns the line of this file that ends with marker.
func lineOf(t *testing.T, marker string) int {
	t.Helper()
	data, err := os.ReadFile("watcher_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("no line ends with %q", marker)
	return 0
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestWatchRejectsBadInput(t *testing.T) {
	w := New(WithLogger(quiet))
	var nilPtr *map[int]int
	var nilMutex *sync.Mutex
	m := map[int]int{}
	cases := []struct {
		name string
		reg  func() error
		want string
	}{
		{"nil map pointer", func() error { return Watch(w, "x", nilPtr, nil) }, "nil map pointer"},
		{"nil lock pointer", func() error { return Watch(w, "x", &m, nilMutex) }, "nil *sync.Mutex as the lock"},
		{"empty name", func() error { return Watch(w, "", &m, nil) }, "empty name"},
		{"invalid UTF-8", func() error { return Watch(w, "\xff", &m, nil) }, "not valid UTF-8"},
		{"nil sync.Map", func() error { return WatchSyncMap(w, "x", nil) }, "nil *sync.Map"},
	}
	for _, c := range cases {
		err := c.reg()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if err := Watch(w, "dup", &m, nil); err != nil {
		t.Fatal(err)
	}
	var sm sync.Map
	if err := WatchSyncMap(w, "dup", &sm); !errors.Is(err, errNameTaken) {
		t.Errorf("second map under one name: err = %v, want errNameTaken", err)
	}
	w.Unwatch("dup")
	if err := Watch(w, "dup", &m, nil); err != nil {
		t.Errorf("watching after Unwatch: %v", err)
	}
}

// TestInvalidOptionsPanic: every invalid option value, and every option
// given to the function it does not configure, panics with a message
// naming it.
func TestInvalidOptionsPanic(t *testing.T) {
	m := map[int]int{}
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"zero interval", func() { WithInterval(0) }, "WithInterval(0s): the interval must be positive"},
		{"negative interval", func() { WithInterval(-time.Second) }, "WithInterval(-1s)"},
		{"negative top sites", func() { WithTopSites(-1) }, "WithTopSites(-1): want 0 (sampler off) or more sites"},
		{"nil logger", func() { WithLogger(nil) }, "WithLogger(nil)"},
		{"zero rebuild threshold", func() { WithRebuild(0) }, "WithRebuild(0): the threshold must be a positive number of bytes"},
		{"negative rebuild threshold", func() { WithRebuild(-5) }, "WithRebuild(-5)"},
		{"dump without dir", func() { WithDump(DumpRule{AboveBytes: 1}) }, "Dir is empty"},
		{"dump that never fires", func() { WithDump(DumpRule{Dir: "d"}) }, "neither AboveBytes nor Growth"},
		{"dump growth of 1", func() { WithDump(DumpRule{Dir: "d", Growth: 1}) }, "Growth must be above 1"},
		{"dump negative field", func() { WithDump(DumpRule{Dir: "d", AboveBytes: 1, Cooldown: -time.Second}) }, "a field is negative"},
		{"rebuild given to New", func() { New(WithRebuild(1)) }, "mapwatch: New: WithRebuild(1) is an option of Watch"},
		{"interval given to Watch", func() { Watch(New(), "m", &m, nil, WithInterval(time.Second)) }, "mapwatch: Watch: WithInterval(1s) is an option of New"},
		{"nil option", func() { New(nil) }, "mapwatch: New: nil Option"},
	}
	for _, c := range cases {
		got := panicOf(c.f)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: panic %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return "no panic"
}

// TestConcurrentWritesUnderLock runs scrapes and polls while writers
// change the maps under the locks given to Watch; go test -race checks it.
func TestConcurrentWritesUnderLock(t *testing.T) {
	defer checkNoLoop(t)
	w := New(WithInterval(time.Millisecond), WithLogger(quiet))
	var mu sync.Mutex
	var rw sync.RWMutex
	a := map[int]int{}
	b := map[string][]byte{}
	var c sync.Map
	if err := Watch(w, "a", &a, &mu, WithRebuild(1)); err != nil {
		t.Fatal(err)
	}
	if err := Watch(w, "b", &b, &rw); err != nil {
		t.Fatal(err)
	}
	if err := WatchSyncMap(w, "c", &c); err != nil {
		t.Fatal(err)
	}
	w.Start()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(3)
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
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c.Store(i%5000, i)
			if i%2 == 0 {
				c.Delete((i / 2) % 5000)
			}
		}
	}()
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		if n := testutil.CollectAndCount(w.Collector(), "mapscope_map_entries"); n != 3 {
			t.Errorf("scrape has %d entries series, want 3", n)
		}
	}
	close(stop)
	wg.Wait()
	w.Close()
	for _, m := range w.Maps() {
		if m.Err != nil {
			t.Errorf("map %s: %v", m.Name, m.Err)
		}
	}
}

// countingLock records how the watcher takes it.
type countingLock struct {
	sync.RWMutex
	ops []string
}

func (l *countingLock) Lock()    { l.RWMutex.Lock(); l.ops = append(l.ops, "W") }
func (l *countingLock) RLock()   { l.RWMutex.RLock(); l.ops = append(l.ops, "R") }
func (l *countingLock) Unlock()  { l.RWMutex.Unlock() }
func (l *countingLock) RUnlock() { l.RWMutex.RUnlock() }

// TestRebuildReleasesMemory checks that the policy really gives memory
// back to the heap, measured by runtime.ReadMemStats, not only by
// mapstats, that it rebuilds under the write lock and reads under the
// read lock.
func TestRebuildReleasesMemory(t *testing.T) {
	var lock countingLock
	cache := map[int]int{}
	for i := 0; i < 200000; i++ {
		cache[i] = i
	}
	for i := 100; i < 200000; i++ {
		delete(cache, i)
	}
	w := New(WithTopSites(0), WithLogger(quiet))
	if err := Watch(w, "cache", &cache, &lock, WithRebuild(1<<20)); err != nil {
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
	if got := strings.Join(lock.ops, ""); got != "WR" {
		t.Errorf("lock taken as %q, want W (decide and rebuild) then R (read)", got)
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

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// syncLog is a slog destination that tests can read while the watcher
// writes.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestReadErrorsCountedAndLoggedOnce: a map that cannot be read is counted
// at every read, logged once when it starts failing and once when it
// recovers, not at every poll.
func TestReadErrorsCountedAndLoggedOnce(t *testing.T) {
	var log syncLog
	w := New(WithTopSites(0), WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	failing := true
	e := &watched{name: "broken", read: func() (mapstats.Stats, error) {
		if failing {
			return mapstats.Stats{}, mapstats.ErrUnsupported
		}
		return mapstats.Stats{Len: 3, Impl: "swiss"}, nil
	}}
	e.setLock(nil)
	if err := w.add(e); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := w.Poll(); !errors.Is(err, mapstats.ErrUnsupported) || !strings.Contains(err.Error(), `reading map "broken"`) {
			t.Fatalf("Poll: err = %v, want the map's ErrUnsupported", err)
		}
	}
	want := `
# HELP mapscope_map_read_errors_total Reads of the map that failed (its other series are then absent); the service log says why.
# TYPE mapscope_map_read_errors_total counter
mapscope_map_read_errors_total{map="broken"} 4
`
	if err := testutil.CollectAndCompare(w.Collector(), strings.NewReader(want)); err != nil {
		t.Error(err) // 3 polls and this scrape, and no other series of the map
	}
	failing = false
	w.Poll()
	w.Poll()
	out := log.String()
	if n := strings.Count(out, "cannot read map"); n != 1 {
		t.Errorf("logged the failure %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "map readable again"); n != 1 || !strings.Contains(out, "level=WARN") || !strings.Contains(out, "map=broken") {
		t.Errorf("want one WARN naming the map and one recovery, got:\n%s", out)
	}
}

// TestSyncMap: a sync.Map exports entries, bytes and peak, no capacity,
// and scrapes reuse the last poll's reading within an interval.
func TestSyncMap(t *testing.T) {
	clock := &fakeClock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w := New(WithTopSites(0), WithLogger(quiet), WithInterval(time.Minute))
	w.cfg.now = clock.now
	var tokens sync.Map
	for i := 0; i < 1000; i++ {
		tokens.Store(i, nil)
	}
	if err := WatchSyncMap(w, "tokens", &tokens); err != nil {
		t.Fatal(err)
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	for i := 1000; i < 1500; i++ {
		tokens.Store(i, nil)
	}
	entries := func() float64 {
		return testutil.ToFloat64(onlyMetric(w.Collector(), "mapscope_map_entries"))
	}
	if got := entries(); got != 1000 {
		t.Errorf("scrape within the interval: %v entries, want the poll's 1000", got)
	}
	clock.t = clock.t.Add(2 * time.Minute)
	if got := entries(); got != 1500 {
		t.Errorf("scrape after the interval: %v entries, want 1500", got)
	}
	if n := testutil.CollectAndCount(w.Collector(), "mapscope_map_capacity_slots"); n != 0 {
		t.Errorf("a sync.Map has %d capacity series, want none", n)
	}
	bytes := testutil.CollectAndCount(w.Collector(), "mapscope_map_bytes")
	if _, err := mapstats.Of(new(sync.Map)); errors.Is(err, mapstats.ErrUnsupported) {
		if bytes != 0 {
			t.Errorf("a sync.Map mapstats cannot read has %d bytes series, want none", bytes)
		}
		return
	}
	if bytes != 1 {
		t.Errorf("sync.Map: %d bytes series, want 1", bytes)
	}
	if m := w.Maps()[0]; m.Stats.Impl != "hashtrie" || m.Stats.Bytes <= 0 || m.Peak != 1500 {
		t.Errorf("Maps() = %+v, want the hash-trie's bytes and a peak of 1500", m)
	}
}

// onlyMetric narrows a collector to one metric name, for testutil.ToFloat64.
func onlyMetric(c prometheus.Collector, name string) prometheus.Collector {
	return filtered{c, name}
}

type filtered struct {
	c    prometheus.Collector
	name string
}

func (f filtered) Describe(ch chan<- *prometheus.Desc) { f.c.Describe(ch) }
func (f filtered) Collect(ch chan<- prometheus.Metric) {
	all := make(chan prometheus.Metric)
	go func() { f.c.Collect(all); close(all) }()
	for m := range all {
		if strings.Contains(m.Desc().String(), `fqName: "`+f.name+`"`) {
			ch <- m
		}
	}
}

func TestStartCloseLeavesNoGoroutine(t *testing.T) {
	w := New(WithInterval(time.Millisecond), WithLogger(quiet))
	w.Start()
	w.Start() // idempotent
	time.Sleep(5 * time.Millisecond)
	w.Close()
	w.Close()
	checkNoLoop(t)
}

// checkNoLoop fails when a watcher's polling goroutine is still running:
// the check goleak would make, narrowed to this package's goroutine.
func checkNoLoop(t *testing.T) {
	t.Helper()
	var stacks string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "mapwatch.(*Watcher).loop") {
			return
		}
	}
	t.Errorf("a Watcher's polling goroutine is still running after Close:\n%s", stacks)
}
