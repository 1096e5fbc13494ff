// Package maptest fails a test when a function leaves map memory behind,
// in the spirit of go.uber.org/goleak:
//
//	func TestHandlerKeepsNoMaps(t *testing.T) {
//		maptest.VerifyNoGrowth(t, func() { srv.handle(newRequest()) })
//	}
//
// A failure names the map as the code writes it, its type when the
// package declares it, the line, and the growth:
//
//	maptest: map s.sessions (map[string]int) grows with iterations at example.com/svc.(*Server).handle
//	  /src/svc/server.go:19 (grow): +43 B per iteration (456 B after 10 calls, 27304 B after 640)
//
// VerifyNoGrowth runs the function many times with every allocation
// profiled (runtime.MemProfileRate = 1), collects garbage at checkpoints
// and reads runtime.MemProfile, whose stacks keep the runtime's map frames,
// so each byte of map storage is attributed exactly to the source line
// that grew, made or cloned the map. A site whose in-use bytes keep rising
// from checkpoint to checkpoint is reported with its bytes per iteration.
// The map's name and type come from the package's source, which go test
// runs beside (go/parser, no type checking): what the syntax does not say
// is left out.
//
// The checkpoints are geometric (by default after 10, 40, 160 and 640
// calls): a map that gains entries with every call quadruples its length
// between two checkpoints, which always crosses a growth threshold, while
// a map that is merely rebuilt moves between sizes without rising twice
// in a row. A map under insert/delete churn is the exception the runtime
// makes: on Go 1.24 it keeps growing at a fixed length, and the failure
// then says so (see docs/maptest.md).
//
// Do not use it in parallel tests: it changes runtime.MemProfileRate for
// the whole process, and other goroutines' maps would be measured too.
package maptest

import (
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/mapscope/mapscope/internal/mapruntime/mapsite"
)

// TB is the part of testing.TB that VerifyNoGrowth uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

type config struct {
	warmup, iterations int
	tolerance          int64
	ignore             []string
}

// An Option configures VerifyNoGrowth and Find. An option with an
// invalid value panics where it is made, naming the option and the value.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Warmup sets how many calls run before the first checkpoint, so that
// caches filled once do not count. The default is 10; 0 measures from the
// first call. It panics if n < 0.
func Warmup(n int) Option {
	if n < 0 {
		panic(fmt.Sprintf("maptest: Warmup(%d): want 0 or more calls", n))
	}
	return optionFunc(func(c *config) { c.warmup = n })
}

// Iterations sets how many calls are measured after the warm-up; they are
// split 1:4:16 between three rounds. The default is 630, so that the
// checkpoints fall after 10, 40, 160 and 640 calls. It panics if n < 21,
// which leaves a round without a call.
func Iterations(n int) Option {
	if n < 21 {
		panic(fmt.Sprintf("maptest: Iterations(%d): want at least 21 (three rounds of 1:4:16 parts)", n))
	}
	return optionFunc(func(c *config) { c.iterations = n })
}

// Tolerance lets a site grow by up to this many bytes over the measured
// iterations. The default is 0. It panics if bytes < 0.
func Tolerance(bytes int64) Option {
	if bytes < 0 {
		panic(fmt.Sprintf("maptest: Tolerance(%d): want 0 or more bytes", bytes))
	}
	return optionFunc(func(c *config) { c.tolerance = bytes })
}

// IgnoreFunction drops sites whose function name contains s, for maps the
// code under test is expected to fill (a registry filled once per type).
// It panics if s is empty, which would ignore every site.
func IgnoreFunction(s string) Option {
	if s == "" {
		panic(`maptest: IgnoreFunction(""): an empty pattern would ignore every site`)
	}
	return optionFunc(func(c *config) { c.ignore = append(c.ignore, s) })
}

// Growth is a map site, a source line, whose in-use bytes rose at every
// checkpoint.
type Growth struct {
	Function string // the function, e.g. example.com/svc.(*Server).login
	File     string // its file as the binary records it
	Line     int
	Kind     string // grow, make, clone, reflect or syncmap
	// Map is the map's expression on the line as written ("s.sessions"),
	// and Type its type as declared ("map[string]int"), when the source
	// is at hand (see VerifyNoGrowth); "" otherwise.
	Map, Type string
	// Calls and Bytes are the checkpoints: after Calls[i] calls of the
	// function, the site held Bytes[i] bytes of map storage.
	Calls []int
	Bytes []int64

	deleted int   // a line that deletes from the same map, 0 if none or unknown
	slot    int64 // bytes of one slot of the map's type, 0 if unknown
	source  bool  // the source of the line was at hand
}

// PerIteration is the site's growth in bytes per call of the function.
func (g Growth) PerIteration() float64 {
	n := len(g.Calls) - 1
	return float64(g.Bytes[n]-g.Bytes[0]) / float64(g.Calls[n]-g.Calls[0])
}

// String is the failure message of VerifyNoGrowth.
func (g Growth) String() string {
	n := len(g.Calls) - 1
	what := "map memory"
	switch {
	case g.Map != "" && g.Type != "":
		what = fmt.Sprintf("map %s (%s)", g.Map, g.Type)
	case g.Map != "":
		what = "map " + g.Map
	}
	msg := fmt.Sprintf("%s grows with iterations at %s %s:%d (%s): %+.0f B per iteration (%d B after %d calls, %d B after %d)",
		what, g.Function, g.File, g.Line, g.Kind, g.PerIteration(),
		g.Bytes[0], g.Calls[0], g.Bytes[n], g.Calls[n])
	if note := g.note(); note != "" {
		msg += "\n\t" + note
	}
	return msg
}

// smallGrowth is what one more entry per call costs a map at least, when
// the map's slot size is not known: a leak of an entry per call grows by
// at least a slot per call (a table is at most 7/8 full), and slots of
// 8 bytes or more are the common case.
const smallGrowth = 8

// note explains growth that may be the runtime's, not a leak: a map that
// is also deleted from, growing by less than one slot per call, so fewer
// than one entry per call stays in it. What such a map does depends on
// the Go version and map implementation (churnNote, per build): on Go
// 1.24 it keeps growing at a fixed length (tombstones are pruned only
// from Go 1.25, golang/go#70886), a bucket map piles up overflow buckets
// for a while, on later versions it creeps slowly.
func (g Growth) note() string {
	small := float64(smallGrowth)
	if g.slot > 0 {
		small = float64(g.slot)
	}
	if g.Kind != "grow" || g.PerIteration() >= small || (g.source && g.deleted == 0) {
		return ""
	}
	why := fmt.Sprintf("less than one slot (%.0f B) per call", small)
	switch {
	case g.deleted != 0:
		why += fmt.Sprintf(" and %s is also deleted from (line %d): its length may be bounded", g.Map, g.deleted)
	default:
		why += ": if entries are also deleted, its length may be bounded"
	}
	return why + ", and " + churnNote
}

// ownPackages are excluded from the measurement: their bookkeeping maps
// are not the code under test.
var ownPackages = []string{
	"github.com/mapscope/mapscope/maptest",
	"github.com/mapscope/mapscope/internal/mapruntime/mapsite",
}

// Find runs f as VerifyNoGrowth does and returns the growing sites,
// largest growth per iteration first.
func Find(f func(), opts ...Option) []Growth {
	cfg := config{warmup: 10, iterations: 630}
	for _, o := range opts {
		if o == nil {
			panic("maptest: nil Option")
		}
		o.apply(&cfg)
	}
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()

	c := mapsite.NewClassifier(ownPackages...)
	var buf []runtime.MemProfileRecord
	calls := 0
	run := func(n int) {
		for i := 0; i < n; i++ {
			f()
		}
		calls += n
	}
	var checkpoints []int
	var snaps []map[mapsite.Site]int64
	measure := func() {
		runtime.GC()
		buf = mapsite.ReadMemProfile(buf)
		snap := map[mapsite.Site]int64{}
		for _, u := range c.Sites(buf, 1) {
			snap[u.Site] = u.InUseBytes
		}
		checkpoints = append(checkpoints, calls)
		snaps = append(snaps, snap)
	}

	run(cfg.warmup)
	measure()
	first := cfg.iterations / 21
	for _, n := range []int{first, 4 * first, cfg.iterations - 5*first} {
		run(n)
		measure()
	}

	var out []Growth
	src := sources{}
	last := snaps[len(snaps)-1]
	for site := range last {
		if ignored(site.Function, cfg.ignore) {
			continue
		}
		g := Growth{Function: site.Function, File: site.File, Line: site.Line, Kind: string(site.Kind), Calls: checkpoints}
		for _, s := range snaps {
			g.Bytes = append(g.Bytes, s[site])
		}
		if !growing(g.Bytes, cfg.tolerance) {
			continue
		}
		if ms := src.lookup(site.File, site.Line, g.Kind); ms != nil {
			g.Map, g.Type, g.slot, g.deleted, g.source = ms.expr, ms.typ, ms.slot, ms.deleted, true
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].PerIteration(), out[j].PerIteration(); a != b {
			return a > b
		}
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// growing reports a site that rose over the run by more than tolerance and
// at each of the last two checkpoints: one rise alone is what a map that
// was rebuilt or re-grown once looks like.
func growing(b []int64, tolerance int64) bool {
	n := len(b) - 1
	return b[n]-b[0] > tolerance && b[n] > b[n-1] && b[n-1] > b[n-2]
}

func ignored(fn string, patterns []string) bool {
	for _, p := range patterns {
		if strings.Contains(fn, p) {
			return true
		}
	}
	return false
}

// VerifyNoGrowth runs f many times and reports through t.Errorf every
// source line whose map memory grows with the iterations. When the
// package's source is in the working directory, as it is under go test,
// the report names the map as the line writes it and its type when a
// declaration in the package says it.
func VerifyNoGrowth(t TB, f func(), opts ...Option) {
	t.Helper()
	for _, g := range Find(f, opts...) {
		t.Errorf("maptest: %s", g)
	}
}
