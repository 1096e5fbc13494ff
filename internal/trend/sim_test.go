package trend

import (
	"math"
	"math/rand/v2"
	"time"
)

// This file simulates what heap profiles at the default MemProfileRate
// report for a map site, so that the verdict rules are tested on series
// with the noise real ones have.
//
// The runtime samples an allocation of size s with probability
// 1-exp(-s/rate), and pprof scales each sampled allocation back up to
// s/(1-exp(-s/rate)) bytes (runtime/pprof's scaleHeapSample). An in-use
// profile sums the sampled allocations still live. So:
//   - a map that does not allocate keeps the same sampled tables and its
//     estimate does not move at all between snapshots;
//   - a growing map allocates new table arrays when tables split (and
//     frees the old ones), so its sampled set is renewed as it grows;
//   - maps made and dropped between snapshots (per-request maps) give a
//     fresh Poisson draw per snapshot: the ±30% jumps of busy sites.
// A full swiss table of map[int]int is 128 groups of 136 B, in the 18432 B
// size class: sampled with probability 3.5% and counted as 533 KB, so a
// site of a few MB is a handful of samples.

const (
	rate      = 512 << 10
	tableSize = 18432 // a full table's group array, map[int]int (128 groups of 136 B)
	smallMap  = 13568 // a ~400-entry map[string]int's groups (64 groups of 200 B, size class)
	perTable  = 896   // entries a 1024-slot table holds before it splits (7/8)
)

func sampleProb(size float64) float64 { return 1 - math.Exp(-size/rate) }
func simWeight(size float64) float64  { return size / sampleProb(size) }

// A component is part of a site's live storage. set brings it to the
// state of fraction f of the window (its argument is what the scenario
// says: bytes, entries or tables); estimate is what a profile now shows.
type component interface {
	set(v float64)
	estimate() (bytes, objects float64)
}

// retained is storage that is only ever added: maps kept forever (held by
// goroutines, cached documents), each one allocation of size bytes.
// Sampled allocations stay, so the estimate is a rising staircase.
type retained struct {
	rng        *rand.Rand
	size       float64
	n, sampled int
}

func (r *retained) set(bytes float64) {
	for target := int(bytes / r.size); r.n < target; r.n++ {
		if r.rng.Float64() < sampleProb(r.size) {
			r.sampled++
		}
	}
	// fewer: maps dropped at random (a shrinking site)
	for target := max(int(bytes/r.size), 0); r.n > target; r.n-- {
		if r.rng.IntN(r.n) < r.sampled {
			r.sampled--
		}
	}
}

func (r *retained) estimate() (float64, float64) {
	return float64(r.sampled) * simWeight(r.size), float64(r.sampled) / sampleProb(r.size)
}

// doubling is one map growing by inserts. Its tables fill evenly (the
// hash spreads keys), so they all split within a short time of each
// other: the map's bytes double in waves, each replacing every table by
// two new ones (a fresh sample), and stay put in between. This is what
// the real single-map leaks (gocache-leak, sessions-cache) look like.
type doubling struct {
	rng     *rand.Rand
	tables  int
	sampled int
}

func (d *doubling) set(entries float64) {
	for float64(d.tables)*perTable < entries {
		d.tables = max(1, 2*d.tables)
		d.sampled = binomial(d.rng, d.tables, sampleProb(tableSize))
	}
}

func (d *doubling) estimate() (float64, float64) {
	return float64(d.sampled) * simWeight(tableSize), float64(d.sampled) / sampleProb(tableSize)
}

// splitting is a map whose tables split one at a time: under
// insert/delete churn a table splits when live entries plus tombstones
// fill it, at its own moment (the creep of a "bounded" cache).
type splitting struct {
	rng             *rand.Rand
	tables, sampled int
}

func (s *splitting) set(tables float64) {
	for float64(s.tables) < math.Round(tables) {
		if s.tables > 0 {
			if s.rng.IntN(s.tables) < s.sampled {
				s.sampled--
			}
			s.tables--
			s.add()
		}
		s.add()
	}
}

func (s *splitting) add() {
	s.tables++
	if s.rng.Float64() < sampleProb(tableSize) {
		s.sampled++
	}
}

func (s *splitting) estimate() (float64, float64) {
	return float64(s.sampled) * simWeight(tableSize), float64(s.sampled) / sampleProb(tableSize)
}

// transient is maps made and dropped between snapshots (per-request
// maps) holding bytes on average: a fresh Poisson draw per snapshot, the
// ±30% jumps of a busy site.
type transient struct {
	rng   *rand.Rand
	bytes float64
}

func (t *transient) set(bytes float64) { t.bytes = bytes }

func (t *transient) estimate() (float64, float64) {
	size := float64(8<<10 + t.rng.IntN(10<<10))
	k := float64(poisson(t.rng, t.bytes/simWeight(size)))
	return k * simWeight(size), k / sampleProb(size)
}

func binomial(rng *rand.Rand, n int, p float64) int {
	if float64(n)*p > 50 {
		mu := float64(n) * p
		return min(n, max(0, int(math.Round(mu+math.Sqrt(mu*(1-p))*rng.NormFloat64()))))
	}
	k := 0
	for range n {
		if rng.Float64() < p {
			k++
		}
	}
	return k
}

func poisson(rng *rand.Rand, lambda float64) int {
	if lambda > 50 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// part is a component with the path it follows over the window.
type part struct {
	c    component
	path func(f float64) float64
}

// simulate takes n snapshots of a site made of parts.
func simulate(rng *rand.Rand, n int, parts ...part) []Point {
	ts := times(rng, n)
	span := ts[n-1].Sub(ts[0]).Seconds()
	pts := make([]Point, n)
	for i, t := range ts {
		f := t.Sub(ts[0]).Seconds() / span
		var b, o float64
		for _, p := range parts {
			p.c.set(p.path(f))
			pb, po := p.c.estimate()
			b, o = b+pb, o+po
		}
		pts[i] = Point{Time: t, Bytes: int64(b), Objects: int64(o)}
	}
	return pts
}

// scenario describes one class of series.
type scenario struct {
	name string
	want []Verdict // verdicts counted as correct
	// min is the share of seeds that must get a wanted verdict: 0.95
	// unless the comment at the scenario says why sampling forbids it.
	min float64
	// never lists verdicts that must not occur in any seed.
	never []Verdict
	gen   func(rng *rand.Rand) []Point
}

// times returns n irregular snapshot times over a span picked from
// seconds to days: the verdicts must not depend on the time unit.
func times(rng *rand.Rand, n int) []time.Time {
	spans := []time.Duration{30 * time.Second, 10 * time.Minute, 2 * time.Hour, 3 * 24 * time.Hour}
	span := spans[rng.IntN(len(spans))]
	step := float64(span) / float64(n-1)
	t := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = t
		t = t.Add(time.Duration(step * (0.5 + rng.Float64())))
	}
	return out
}

func mb(v float64) float64 { return v * 1e6 }

// tablesFor is the number of tables holding bytes.
func tablesFor(bytes, size float64) float64 { return bytes / size }

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// pickN returns a series length: most tests of trend see tens to hundreds
// of snapshots.
func pickN(rng *rand.Rand) int {
	ns := []int{20, 30, 40, 60, 100, 200}
	return ns[rng.IntN(len(ns))]
}

// curve interpolates a measured curve given at equal steps over [0, 1].
func curve(points []float64) func(f float64) float64 {
	return func(f float64) float64 {
		x := f * float64(len(points)-1)
		i := min(int(x), len(points)-2)
		return points[i] + (points[i+1]-points[i])*(x-float64(i))
	}
}

// Measured creep (heap held by a 40,000-entry map[int]int under 8 million
// random insert+delete pairs, in MB per 250,000 pairs from the fresh map;
// amd64, GC before each reading). The shapes are scaled to the sizes of
// docs/map-runtime-facts.md's table (fresh 2.6 MB).
var (
	// Go 1.26.8, evicting the first key a range yields: a jump when
	// tombstones first force splits, then a slow climb in steps (the doc's
	// 1.25+ row: 2.6 -> 6.1 MB "still rising").
	creep126 = []float64{1.18, 1.85, 1.89, 1.92, 1.98, 2.00, 2.07, 2.11, 2.14, 2.16, 2.20, 2.33, 2.37, 2.40, 2.50, 2.51, 2.55, 2.55, 2.55, 2.57, 2.59, 2.59, 2.61, 2.66, 2.66, 2.68, 2.68, 2.72, 2.76, 2.79, 2.81, 2.81, 2.87}
	// Go 1.24.13, same eviction: faster, doubling in waves
	// (2.6 -> 13.6 MB in the doc).
	creep124 = []float64{1.18, 2.33, 2.37, 2.37, 2.63, 3.05, 3.46, 3.76, 4.00, 4.16, 4.20, 4.27, 4.35, 4.35, 4.44, 4.52, 4.61, 4.70, 4.81, 5.00, 5.16, 5.29, 5.40, 5.55, 5.57, 5.70, 5.81, 5.88, 5.96, 6.05, 6.10, 6.21, 6.25}
	// Go 1.24.13, FIFO eviction: one doubling, then flat (10.5 MB in the
	// doc, "flat after 6M ops").
	creep124FIFO = []float64{1.18, 2.36, 2.36, 2.37, 2.37, 2.37, 2.37, 2.37, 2.37, 2.37, 2.37, 2.39, 2.39, 2.41, 2.48, 2.67, 3.07, 3.68, 4.16, 4.51, 4.62, 4.68, 4.70, 4.72, 4.74, 4.74, 4.74, 4.74, 4.74, 4.74, 4.74, 4.74, 4.74}
	// Go 1.26.8, FIFO eviction: a slow creep (3.4 MB in the doc).
	creep126FIFO = []float64{1.18, 1.22, 1.24, 1.24, 1.26, 1.26, 1.26, 1.26, 1.26, 1.29, 1.35, 1.39, 1.42, 1.42, 1.44, 1.44, 1.46, 1.48, 1.48, 1.48, 1.48, 1.50, 1.50, 1.50, 1.50, 1.50, 1.53, 1.57, 1.59, 1.59, 1.59, 1.59, 1.63}
)

// creepSeries scales a measured creep so that the fresh map holds fresh
// bytes; its tables split one at a time along the curve.
func creepSeries(rng *rand.Rand, shape []float64, fresh float64) []Point {
	c := curve(shape)
	scale := fresh / shape[0] / tableSize
	return simulate(rng, pickN(rng), part{&splitting{rng: rng}, func(f float64) float64 { return c(f) * scale }})
}

// singleMap is one map growing at a steady rate of inserts over the
// window, which ends when the map holds past times the entries of its
// last doubling.
func singleMap(rng *rand.Rand, past float64) []Point {
	k := 10 + rng.IntN(4) // 2^k tables after the last doubling: 19 to 151 MB
	end := float64(int(1)<<(k-1)) * perTable * past
	start := end * uniform(rng, 0, 0.15)
	return simulate(rng, pickN(rng), part{&doubling{rng: rng}, func(f float64) float64 { return start + (end-start)*f }})
}

func entriesFor(bytes float64) float64 { return bytes / tableSize * perTable }

func scenarios() []scenario {
	notLeak := []Verdict{Leak}
	return []scenario{
		{name: "leak/retained-large", want: []Verdict{Leak}, gen: func(rng *rand.Rand) []Point {
			// maps held forever (goroutine-held, json-cache)
			from, to := mb(uniform(rng, 0, 10)), mb(uniform(rng, 40, 200))
			return simulate(rng, pickN(rng), part{&retained{rng: rng, size: smallMap}, func(f float64) float64 { return from + (to-from)*f }})
		}},
		{name: "leak/map-of-maps", want: []Verdict{Leak}, gen: func(rng *rand.Rand) []Point {
			// 24 inner maps (tenants) of different sizes, each doubling
			// in its own waves (tenant-metrics)
			to := entriesFor(mb(uniform(rng, 20, 200)))
			var parts []part
			var weights []float64
			total := 0.0
			for range 24 {
				w := rng.ExpFloat64()
				weights = append(weights, w)
				total += w
			}
			for _, w := range weights {
				share := w / total
				parts = append(parts, part{&doubling{rng: rng}, func(f float64) float64 { return to * share * f }})
			}
			return simulate(rng, pickN(rng), parts...)
		}},
		{name: "leak/single-map", want: []Verdict{Leak}, gen: func(rng *rand.Rand) []Point {
			// one map (gocache-leak, sessions-cache): the window covers
			// a few doublings and ends soon after one, as in the real
			// series
			return singleMap(rng, uniform(rng, 1.01, 1.1))
		}},
		{name: "leak/single-map-mid-cycle", want: []Verdict{Leak, Growing, Plateau}, never: []Verdict{Shrinking}, gen: func(rng *rand.Rand) []Point {
			// the same, ending anywhere between two doublings: the last
			// stretch is flat, as a cache's that filled up would be
			return singleMap(rng, uniform(rng, 1.01, 2))
		}},
		{name: "leak/small", want: []Verdict{Leak}, min: 0.85, never: []Verdict{Shrinking}, gen: func(rng *rand.Rand) []Point {
			// 3 to 6 MB is 6 to 11 samples at the end: the ~3% of runs
			// that end with 2 or fewer cannot be told from a site that
			// was sampled twice, and a few per cent show a flat stretch
			// long enough to read as a plateau. 88% to 95% depending on
			// the seeds.
			from, to := mb(uniform(rng, 0.2, 0.6)), mb(uniform(rng, 3, 6))
			return simulate(rng, pickN(rng), part{&retained{rng: rng, size: smallMap}, func(f float64) float64 { return from + (to-from)*f }})
		}},
		{name: "leak/3MB-from-nothing", want: []Verdict{Leak}, min: 0.8, never: []Verdict{Shrinking}, gen: func(rng *rand.Rand) []Point {
			// 3 MB is 5.6 samples on average at the end; Poisson(5.6)
			// is 2 or less in 7.6% of runs, which the evidence rule
			// (more than a couple of samples) must call stable: no rule
			// gets 95% here without calling "a couple of samples" leaks.
			return simulate(rng, pickN(rng), part{&retained{rng: rng, size: smallMap}, func(f float64) float64 { return mb(3) * f }})
		}},
		{name: "leak/churn-noise", want: []Verdict{Leak}, gen: func(rng *rand.Rand) []Point {
			// a leak beside per-request maps at the same line, whose
			// estimate jumps by about ±30% per snapshot (a Poisson draw
			// of ~11 samples)
			to := mb(uniform(rng, 20, 60))
			busy := mb(uniform(rng, 4, 8))
			return simulate(rng, pickN(rng),
				part{&retained{rng: rng, size: smallMap}, func(f float64) float64 { return to * f }},
				part{&transient{rng: rng}, func(float64) float64 { return busy }})
		}},
		{name: "plateau/one-jump", want: []Verdict{Plateau}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			// maps built in one go (a reload) and kept; half the time
			// beside per-request maps at the same line
			from := mb(uniform(rng, 0, 20))
			to := from + mb(uniform(rng, 3, 60))
			at := uniform(rng, 0.25, 0.6)
			parts := []part{{&retained{rng: rng, size: tableSize}, func(f float64) float64 {
				if f < at {
					return from
				}
				return to
			}}}
			if rng.IntN(2) == 0 {
				busy := mb(uniform(rng, 1, 10))
				parts = append(parts, part{&transient{rng: rng}, func(float64) float64 { return busy }})
			}
			return simulate(rng, pickN(rng), parts...)
		}},
		{name: "plateau/one-doubling", want: []Verdict{Plateau}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			// one map that doubled once (or twice) at one time
			from := float64(int(1)<<(8+rng.IntN(4))) * perTable * 0.9
			to := from * uniform(rng, 1.2, 3.5)
			at := uniform(rng, 0.25, 0.6)
			return simulate(rng, pickN(rng), part{&doubling{rng: rng}, func(f float64) float64 {
				if f < at {
					return from
				}
				return to
			}})
		}},
		{name: "plateau/spike-then-deletes", want: []Verdict{Plateau}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			// 1e6 entries (37.8 MB) built fast, then deleted: the tables stay.
			at, dur := uniform(rng, 0.1, 0.3), uniform(rng, 0.02, 0.1)
			return simulate(rng, pickN(rng), part{&doubling{rng: rng}, func(f float64) float64 {
				return 1e6 * min(max((f-at)/dur, 0), 1)
			}})
		}},
		{name: "plateau/bounded-cache-fill", want: []Verdict{Plateau}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			capacity := entriesFor(mb(uniform(rng, 5, 40)))
			full := uniform(rng, 0.2, 0.5)
			return simulate(rng, pickN(rng), part{&doubling{rng: rng}, func(f float64) float64 {
				// fills fast at first (every request a new key), slower
				// as hits take over
				return capacity * (1 - math.Pow(1-min(f/full, 1), 2))
			}})
		}},
		{name: "growing/creep-go1.25+", want: []Verdict{Growing}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			// a 4,000,000-entry cache: the doc's 40,000-entry figures x100
			return creepSeries(rng, creep126, mb(260))
		}},
		{name: "creep/go1.25+-x10", want: []Verdict{Growing, Plateau}, gen: func(rng *rand.Rand) []Point {
			// 400,000 entries: the last third's creep is a few samples
			// and often reads flat. When the window starts on the fresh
			// map (before the first wave of tombstone splits) the cache
			// more than doubles, and a lucky last sample can make it a
			// leak: 1 run in 200.
			return creepSeries(rng, creep126, mb(26))
		}},
		{name: "creep/go1.24", want: []Verdict{Leak, Growing}, gen: func(rng *rand.Rand) []Point {
			// Go 1.24 keeps doubling under churn (golang/go#70886): 5x
			// within the window and still climbing at two thirds of its
			// average pace at the end, which is a leak's pace by the
			// scale-free rule. It slows against its first third, so
			// either verdict is right.
			return creepSeries(rng, creep124, mb(26))
		}},
		{name: "creep/go1.24-fifo", want: []Verdict{Growing, Plateau}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			// one doubling in the middle, then flat: bounded after all
			return creepSeries(rng, creep124FIFO, mb(26))
		}},
		{name: "creep/go1.25+-doc-size", want: []Verdict{Growing, Plateau, Stable}, min: 0.7, gen: func(rng *rand.Rand) []Point {
			// the doc's own 40,000 entries, 2.6 MB fresh: 5 to 11
			// samples, about as many as a small leak's, and the share
			// that arrived in the window is as noisy: a fifth of the
			// runs read as leaks. The profile cannot tell; the test keeps
			// the rate from getting worse.
			return creepSeries(rng, creep126, mb(2.6))
		}},
		{name: "flat/noisy", want: []Verdict{Stable}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			level := mb(uniform(rng, 1, 100))
			busy := level * uniform(rng, 0.2, 1)
			return simulate(rng, pickN(rng),
				part{&retained{rng: rng, size: tableSize}, func(float64) float64 { return level - busy }},
				part{&transient{rng: rng}, func(float64) float64 { return busy }})
		}},
		{name: "flat/quiet", want: []Verdict{Stable}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			level := mb(uniform(rng, 1, 100))
			return simulate(rng, pickN(rng), part{&retained{rng: rng, size: tableSize}, func(float64) float64 { return level }})
		}},
		{name: "shrinking", want: []Verdict{Shrinking}, gen: func(rng *rand.Rand) []Point {
			from := mb(uniform(rng, 30, 200))
			to := from * uniform(rng, 0, 0.5)
			return simulate(rng, pickN(rng), part{&retained{rng: rng, size: smallMap}, func(f float64) float64 { return from + (to-from)*f }})
		}},
		{name: "stable/mostly-zero", want: []Verdict{Stable}, never: notLeak, gen: func(rng *rand.Rand) []Point {
			// a small site: short-lived maps a snapshot rarely catches,
			// or one or two allocations sampled late and kept
			if rng.IntN(2) == 0 {
				live := mb(uniform(rng, 0.02, 0.1))
				return simulate(rng, pickN(rng), part{&transient{rng: rng}, func(float64) float64 { return live }})
			}
			pts := simulate(rng, pickN(rng), part{&retained{rng: rng, size: smallMap}, func(float64) float64 { return 0 }})
			for range 1 + rng.IntN(2) {
				for i := len(pts)/2 + rng.IntN(len(pts)/2); i < len(pts); i++ {
					pts[i].Bytes += int64(simWeight(smallMap))
					pts[i].Objects += int64(1 / sampleProb(smallMap))
				}
			}
			return pts
		}},
	}
}
