// Package maptest fails a test when a function leaves map memory behind,
// in the spirit of go.uber.org/goleak:
//
//	func TestHandlerKeepsNoMaps(t *testing.T) {
//		maptest.VerifyNoGrowth(t, func() { srv.handle(newRequest()) })
//	}
//
// VerifyNoGrowth runs the function many times with every allocation
// profiled (runtime.MemProfileRate = 1), collects garbage at checkpoints
// and reads runtime.MemProfile, whose stacks keep the runtime's map frames,
// so each byte of map storage is attributed exactly to the source line
// that grew, made or cloned the map. A site whose in-use bytes keep rising
// from checkpoint to checkpoint is reported with its bytes per iteration.
//
// The checkpoints are geometric (by default after 10, 40, 160 and 640
// calls): a map that gains entries with every call quadruples its length
// between two checkpoints, which always crosses a growth threshold, while
// a map that is merely rebuilt or churned moves between sizes without
// rising twice in a row.
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

// Option configures VerifyNoGrowth and Find.
type Option func(*config)

// Warmup sets how many calls run before the first checkpoint, so that
// caches filled once do not count. The default is 10.
func Warmup(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.warmup = n
		}
	}
}

// Iterations sets how many calls are measured after the warm-up; they are
// split 1:4:16 between three rounds (values under 21 are ignored). The
// default is 630, so that the checkpoints fall after 10, 40, 160 and 640
// calls.
func Iterations(n int) Option {
	return func(c *config) {
		if n >= 21 {
			c.iterations = n
		}
	}
}

// Tolerance lets a site grow by up to this many bytes over the measured
// iterations. The default is 0.
func Tolerance(bytes int64) Option {
	return func(c *config) {
		if bytes >= 0 {
			c.tolerance = bytes
		}
	}
}

// IgnoreFunction drops sites whose function name contains s, for maps the
// code under test is expected to fill (a registry filled once per type).
func IgnoreFunction(s string) Option {
	return func(c *config) { c.ignore = append(c.ignore, s) }
}

// Growth is a map site whose in-use bytes rose at every checkpoint.
type Growth struct {
	Site mapsite.Site
	// Calls and Bytes are the checkpoints: after Calls[i] calls of the
	// function, the site held Bytes[i] bytes of map storage.
	Calls []int
	Bytes []int64
}

// PerIteration is the site's growth in bytes per call of the function.
func (g Growth) PerIteration() float64 {
	n := len(g.Calls) - 1
	return float64(g.Bytes[n]-g.Bytes[0]) / float64(g.Calls[n]-g.Calls[0])
}

func (g Growth) String() string {
	n := len(g.Calls) - 1
	return fmt.Sprintf("map memory grows with iterations at %s %s:%d (%s): %+.0f B per iteration (%d B after %d calls, %d B after %d)",
		g.Site.Function, g.Site.File, g.Site.Line, g.Site.Kind, g.PerIteration(),
		g.Bytes[0], g.Calls[0], g.Bytes[n], g.Calls[n])
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
		o(&cfg)
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
	last := snaps[len(snaps)-1]
	for site := range last {
		if ignored(site.Function, cfg.ignore) {
			continue
		}
		g := Growth{Site: site, Calls: checkpoints}
		for _, s := range snaps {
			g.Bytes = append(g.Bytes, s[site])
		}
		if growing(g.Bytes, cfg.tolerance) {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].PerIteration(), out[j].PerIteration(); a != b {
			return a > b
		}
		return out[i].Site.String() < out[j].Site.String()
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
// source line whose map memory grows with the iterations.
func VerifyNoGrowth(t TB, f func(), opts ...Option) {
	t.Helper()
	for _, g := range Find(f, opts...) {
		t.Errorf("maptest: %s", g)
	}
}
