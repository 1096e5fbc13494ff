package heaptest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

// The trend scenarios are only worth testing trend on if their
// annotations are true. These tests run each scenario and hold its
// snapshots against its annotations with the heap analysis alone (trend
// itself is tested elsewhere): the leak grows, as map storage, by enough
// to see at the default MemProfileRate; the decoys stay flat; the non-map
// leak grows and is never map storage; nothing unannotated grows.

const (
	mb = 1 << 20
	// minLeak is the growth, first to last snapshot, every leak and the
	// scenario's non-map leaks together must show.
	minLeak = 8 * mb
	// unannotated is the growth above which a line must be annotated.
	unannotated = 4 * mb
	// flatWindow snapshots at the end of a run, in which a decoy's bytes
	// must stay within flatSpread of their mean.
	flatWindow = 20
	flatSpread = 0.30
	// minDecoy is the mean size a decoy must have in that window, so that
	// it competes with the leak instead of hiding in the noise.
	minDecoy = 2 * mb
)

// scenarioToolchains are the toolchains the scenarios are checked with:
// the go command's own, and without -short the last bucket-map Go and the
// newest Go the project supports.
func scenarioToolchains() []string {
	if testing.Short() {
		return []string{""}
	}
	return []string{"", "go1.23.12", "go1.27.4"}
}

func TestScenarios(t *testing.T) {
	for _, toolchain := range scenarioToolchains() {
		for _, name := range ScenarioNames {
			t.Run(name+"/"+displayToolchain(toolchain), func(t *testing.T) {
				t.Parallel()
				s := RunScenario(t, name, toolchain)
				t.Logf("%s: %d snapshots in %s", s, len(s.Heaps), s.RunTime.Round(1e6))
				checkScenario(t, s)
			})
		}
	}
}

// A series is one evidence mode's view of a run: its snapshots
// attributed with in-use figures, and the first and last with alloc ones.
type series struct {
	mode    string
	results []*heap.Result // nil where the snapshot was not attributed
	allocs  [2]*heap.Result
}

func checkScenario(t *testing.T, s Scenario) {
	profiles := make([]heap.Profile, len(s.Heaps))
	for i, name := range s.Heaps {
		p, err := heapprof.ReadFile(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		profiles[i] = heap.Profile{Name: name, Profile: p}
		if i > 0 && p.TimeNanos <= profiles[i-1].TimeNanos {
			t.Errorf("%s: time %d is not after the previous snapshot's %d", name, p.TimeNanos, profiles[i-1].TimeNanos)
		}
	}
	if len(profiles) < 2*flatWindow {
		t.Fatalf("%d snapshots, want at least %d", len(profiles), 2*flatWindow)
	}
	// -binary attributes every snapshot (it takes milliseconds); -source
	// the first and the last, which is what the growth checks need (its
	// cost is loading the packages, once).
	last := len(profiles) - 1
	bin := attributeSeries(t, "binary", heap.Config{Binary: s.Binary}, profiles, func(int) bool { return true })
	src := attributeSeries(t, "source", heap.Config{Source: s.Source}, profiles, func(i int) bool { return i == 0 || i == last })

	var nonMapGrowth int64
	for _, w := range s.Wants {
		t.Logf("%v: %s MB", w, bin.describe(w))
		for _, ser := range []series{bin, src} {
			switch {
			case w.NonMapLeak:
				growth := checkNonMapLeak(t, ser, w, lineHasMapWant(s.Wants, w))
				if ser.mode == "binary" {
					nonMapGrowth += growth
				}
			case w.Garbage:
				checkGarbage(t, ser, w)
			case w.IsLeak():
				checkLeak(t, ser, w)
			default:
				f := ser.at(last, w)
				if f.other != 0 {
					t.Errorf("%s %v: %d bytes at the line are not map storage %v", ser.mode, w, f.other, f.kinds)
				}
				checkNamed(t, ser.mode, w, f)
			}
		}
		if w.IsMap() && !w.Garbage && !w.Allows("leak") {
			checkFlat(t, bin, w)
		}
	}
	if nonMapGrowth < minLeak {
		t.Errorf("the non-map leaks grew %.1f MB together, want at least %d MB", float64(nonMapGrowth)/mb, minLeak/mb)
	}
	checkLeakFirst(t, s, bin)
	checkAnnotated(t, s, bin)
	if s.Name == "goroutines" {
		checkGoroutines(t, s)
	}
}

// checkLeak checks that a leak's map storage grows by minLeak, and that
// the source names it.
func checkLeak(t *testing.T, ser series, w TrendWant) {
	t.Helper()
	first, last := ser.at(0, w), ser.at(len(ser.results)-1, w)
	t.Logf("%s %v: map %.1f -> %.1f MB %v", ser.mode, w, float64(first.mapBytes)/mb, float64(last.mapBytes)/mb, last.kinds)
	if growth := last.mapBytes - first.mapBytes; growth < minLeak {
		t.Errorf("%s %v: map storage grew %.1f MB, want at least %d MB", ser.mode, w, float64(growth)/mb, minLeak/mb)
	}
	checkNamed(t, ser.mode, w, last)
}

// checkNonMapLeak checks that the non-map bytes at the line grow, and,
// unless the line also allocates a map, that none is called map storage.
// It returns the growth.
func checkNonMapLeak(t *testing.T, ser series, w TrendWant, mapToo bool) int64 {
	t.Helper()
	first, last := ser.at(0, w), ser.at(len(ser.results)-1, w)
	t.Logf("%s %v: non-map %.1f -> %.1f MB", ser.mode, w, float64(first.other)/mb, float64(last.other)/mb)
	growth := last.other - first.other
	if growth <= 0 {
		t.Errorf("%s %v: non-map bytes did not grow (%d -> %d)", ser.mode, w, first.other, last.other)
	}
	if !mapToo && (first.mapBytes != 0 || last.mapBytes != 0) {
		t.Errorf("%s %v: %d bytes classified as map storage %v", ser.mode, w, last.mapBytes, last.kinds)
	}
	return growth
}

// checkGarbage checks that per-request maps allocate much and keep
// nothing.
func checkGarbage(t *testing.T, ser series, w TrendWant) {
	t.Helper()
	last := ser.at(len(ser.results)-1, w)
	a0, a1 := ser.allocAt(0, w), ser.allocAt(1, w)
	t.Logf("%s %v: in use %.1f MB at the end, allocated %.1f -> %.1f MB", ser.mode, w,
		float64(last.mapBytes)/mb, float64(a0.mapBytes)/mb, float64(a1.mapBytes)/mb)
	if last.mapBytes+last.other > unannotated {
		t.Errorf("%s %v: %.1f MB in use at the end; per-request maps should be garbage", ser.mode, w, float64(last.mapBytes+last.other)/mb)
	}
	if a1.mapBytes-a0.mapBytes < minLeak {
		t.Errorf("%s %v: only %.1f MB of map storage allocated over the run", ser.mode, w, float64(a1.mapBytes-a0.mapBytes)/mb)
	}
	if a1.other != 0 {
		t.Errorf("%s %v: %d bytes allocated at the line are not map storage %v", ser.mode, w, a1.other, a1.kinds)
	}
	checkNamed(t, ser.mode, w, a1)
}

// attributeSeries attributes the snapshots for which want returns true
// with cfg, and the first and last snapshot's alloc figures.
func attributeSeries(t *testing.T, mode string, cfg heap.Config, profiles []heap.Profile, want func(int) bool) series {
	t.Helper()
	last := len(profiles) - 1
	a, err := heap.Open(cfg, profiles[0], profiles[last])
	if err != nil {
		t.Fatalf("%s: %v", mode, err)
	}
	defer a.Close()
	ser := series{mode: mode, results: make([]*heap.Result, len(profiles))}
	attribute := func(p heap.Profile, sample string) *heap.Result {
		if err := a.MatchBinary(p); err != nil {
			t.Fatal(err)
		}
		fig, err := heapprof.Select(p.Profile, sample)
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.Attribute(p.Profile, fig)
		if err != nil {
			t.Fatalf("%s %s: %v", mode, p.Name, err)
		}
		return res
	}
	for i, p := range profiles {
		if want(i) {
			ser.results[i] = attribute(p, "inuse")
		}
	}
	ser.allocs = [2]*heap.Result{attribute(profiles[0], "alloc"), attribute(profiles[last], "alloc")}
	return ser
}

// lineFigures are a result's bytes at one annotated line.
type lineFigures struct {
	mapBytes int64 // map storage
	other    int64 // everything else (non-map and unknown)
	kinds    map[heap.Kind]int64
	sites    []*heap.Site
}

func figuresAt(res *heap.Result, file string, line int) lineFigures {
	f := lineFigures{kinds: map[heap.Kind]int64{}}
	for _, s := range res.Sites {
		if s.Line != line || !strings.HasSuffix(filepath.ToSlash(s.File), "/"+file) {
			continue
		}
		f.kinds[s.Kind] += s.Bytes
		f.sites = append(f.sites, s)
		if s.Kind.IsMap() {
			f.mapBytes += s.Bytes
		} else {
			f.other += s.Bytes
		}
	}
	return f
}

func (ser series) at(i int, w TrendWant) lineFigures {
	return figuresAt(ser.results[i], w.File, w.Line)
}

// allocAt returns the alloc figures of the first (0) or last (1) snapshot.
func (ser series) allocAt(i int, w TrendWant) lineFigures {
	return figuresAt(ser.allocs[i], w.File, w.Line)
}

// describe lists the want's bytes in each snapshot, in MB.
func (ser series) describe(w TrendWant) string {
	var b strings.Builder
	for _, res := range ser.results {
		if res == nil {
			b.WriteString(" -")
			continue
		}
		f := figuresAt(res, w.File, w.Line)
		v := f.mapBytes
		if w.NonMapLeak {
			v = f.other
		}
		fmt.Fprintf(&b, " %.1f", float64(v)/mb)
	}
	return strings.TrimSpace(b.String())
}

func lineHasMapWant(wants []TrendWant, w TrendWant) bool {
	for _, o := range wants {
		if o.File == w.File && o.Line == w.Line && o.IsMap() {
			return true
		}
	}
	return false
}

// checkNamed checks, with the source, that the line's map sites name the
// annotated map and type. (Whether there are any is the other checks'
// business: a minor leak may have no sample at all.)
func checkNamed(t *testing.T, mode string, w TrendWant, f lineFigures) {
	t.Helper()
	if mode != "source" {
		return
	}
	for _, s := range f.sites {
		if s.Kind.IsMap() && (s.Map != w.Map || s.Type != w.Type) {
			t.Errorf("%v: source names the %s site %q %q", w, s.Kind, s.Map, s.Type)
		}
	}
}

// checkFlat checks that a decoy's map bytes stay flat over the last
// flatWindow snapshots, and that it is large enough to matter.
func checkFlat(t *testing.T, bin series, w TrendWant) {
	t.Helper()
	n := len(bin.results)
	var min, max, sum int64
	for i := n - flatWindow; i < n; i++ {
		b := bin.at(i, w).mapBytes
		if i == n-flatWindow || b < min {
			min = b
		}
		if b > max {
			max = b
		}
		sum += b
	}
	mean := float64(sum) / flatWindow
	t.Logf("binary %v: last %d snapshots %.1f-%.1f MB, mean %.1f MB", w, flatWindow, float64(min)/mb, float64(max)/mb, mean/mb)
	if mean < minDecoy {
		t.Errorf("%v: decoy holds %.1f MB on average, want at least %d MB", w, mean/mb, minDecoy/mb)
	}
	if float64(max-min) > flatSpread*mean {
		t.Errorf("%v: decoy moved %.1f MB (%.1f-%.1f) in the last %d snapshots, more than %.0f%% of its mean", w,
			float64(max-min)/mb, float64(min)/mb, float64(max)/mb, flatWindow, 100*flatSpread)
	}
}

// A lineKey is a line of the scenario's module and a side of the map or
// non-map divide.
type lineKey struct {
	file  string // relative to the module root
	line  int
	isMap bool
}

// lineGrowth returns the growth of each line of the scenario's module,
// first to last snapshot, split into map storage and the rest.
func lineGrowth(s Scenario, ser series) map[lineKey]int64 {
	out := map[lineKey]int64{}
	root := filepath.ToSlash(s.Source) + "/"
	for sign, res := range map[int64]*heap.Result{-1: ser.results[0], 1: ser.results[len(ser.results)-1]} {
		for _, site := range res.Sites {
			rel, ok := strings.CutPrefix(filepath.ToSlash(site.File), root)
			if !ok {
				continue
			}
			out[lineKey{rel, site.Line, site.Kind.IsMap()}] += sign * site.Bytes
		}
	}
	return out
}

// checkLeakFirst checks that the leak, if the scenario has one, is the map
// line that grew most.
func checkLeakFirst(t *testing.T, s Scenario, bin series) {
	t.Helper()
	var leak *TrendWant
	for i, w := range s.Wants {
		if w.IsLeak() {
			leak = &s.Wants[i]
		}
	}
	if leak == nil {
		return
	}
	growth := lineGrowth(s, bin)
	top := growth[lineKey{leak.File, leak.Line, true}]
	for k, g := range growth {
		if k.isMap && g > top {
			t.Errorf("map storage at %s:%d grew %.1f MB, more than the leak %v (%.1f MB)", k.file, k.line, float64(g)/mb, leak, float64(top)/mb)
		}
	}
}

// checkAnnotated checks that every line that grows noticeably is
// annotated: the ground truth has no leak nobody wrote down.
func checkAnnotated(t *testing.T, s Scenario, bin series) {
	t.Helper()
	var top lineKey
	var topGrowth int64
	for k, g := range lineGrowth(s, bin) {
		found := false
		for _, w := range s.Wants {
			if w.File == k.file && w.Line == k.line && w.IsMap() == k.isMap {
				found = true
			}
		}
		if found {
			continue
		}
		if g >= unannotated {
			t.Errorf("%s:%d: %s grew %.1f MB but has no annotation", k.file, k.line, mapOrNot(k.isMap), float64(g)/mb)
		}
		if g > topGrowth {
			top, topGrowth = k, g
		}
	}
	if topGrowth > 0 {
		t.Logf("largest growth without an annotation: %s at %s:%d, %.1f MB", mapOrNot(top.isMap), top.file, top.line, float64(topGrowth)/mb)
	}
}

func mapOrNot(isMap bool) string {
	if isMap {
		return "map storage"
	}
	return "non-map memory"
}

// checkGoroutines checks that the goroutine profiles count the leaked
// goroutines.
func checkGoroutines(t *testing.T, s Scenario) {
	t.Helper()
	if len(s.Goroutines) != len(s.Heaps) {
		t.Fatalf("%d goroutine profiles for %d heap snapshots", len(s.Goroutines), len(s.Heaps))
	}
	count := func(name string) int64 {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		p, err := profile.Parse(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var n int64
		for _, sm := range p.Sample {
			n += sm.Value[0]
		}
		return n
	}
	first, last := count(s.Goroutines[0]), count(s.Goroutines[len(s.Goroutines)-1])
	t.Logf("goroutines: %d -> %d", first, last)
	if last-first < 1000 {
		t.Errorf("goroutines went from %d to %d; the scenario should leak thousands", first, last)
	}
}

func TestScenarioNames(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(TrendDir(), "*", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(filepath.Dir(d)))
	}
	if !slices.Equal(names, ScenarioNames) {
		t.Errorf("scenario directories %v, ScenarioNames %v", names, ScenarioNames)
	}
}
