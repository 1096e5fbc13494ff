package trend

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Options tune Assess. The zero value is the default.
type Options struct {
	// SampleRate is the heap profile's sampling rate in bytes (the
	// runtime.MemProfileRate the profiles were taken with, which pprof
	// records as the profile's period); 0 means the default, 512 KiB.
	// Assess uses it to tell how many sampled allocations a change rests
	// on.
	SampleRate int64
}

const defaultSampleRate = 512 << 10

// series is one site's series prepared for the statistics: sorted by time,
// with times in hours since the first point.
type series struct {
	pts  []Point
	x, y []float64
	span float64 // hours
}

func prepare(points []Point) series {
	pts := slices.Clone(points)
	slices.SortStableFunc(pts, func(a, b Point) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.Bytes, b.Bytes)
	})
	s := series{pts: pts, x: make([]float64, len(pts)), y: make([]float64, len(pts))}
	if len(pts) == 0 {
		return s
	}
	sec0 := float64(pts[0].Time.Unix())
	ns0 := float64(pts[0].Time.Nanosecond())
	for i, p := range pts {
		// Seconds as floats, not a Duration, which saturates 292 years
		// out. Far apart, times may round to the same x.
		s.x[i] = ((float64(p.Time.Unix()) - sec0) + (float64(p.Time.Nanosecond())-ns0)/1e9) / 3600
		// In-use bytes cannot be negative; a negative value (a difference
		// of profiles) counts as none.
		s.y[i] = float64(max(p.Bytes, 0))
	}
	// The statistics want equal x by ascending y; rounding may have made
	// equal x of times that sorted otherwise. Both keys are already
	// ascending almost everywhere, so an insertion sort is linear.
	for i := 1; i < len(s.x); i++ {
		for j := i; j > 0 && (s.x[j] < s.x[j-1] || s.x[j] == s.x[j-1] && s.y[j] < s.y[j-1]); j-- {
			s.x[j], s.x[j-1] = s.x[j-1], s.x[j]
			s.y[j], s.y[j-1] = s.y[j-1], s.y[j]
		}
	}
	s.span = s.x[len(s.x)-1]
	return s
}

// fit is a Theil-Sen line with its Mann-Kendall test.
type fit struct {
	slope, icept float64 // bytes per hour; bytes at x = 0
	r2           float64
	mk           kendall
}

func fitLine(x, y []float64, s *scratch) fit {
	var f fit
	f.mk = mannKendall(x, y, s)
	slope, ok := theilSen(x, y, s)
	if !ok {
		slope = 0
	}
	f.slope = slope
	r := s.floats(&s.resid, len(x))
	for i := range x {
		r[i] = y[i] - slope*x[i]
	}
	f.icept = median(r)
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	var ssr, sst float64
	for i := range x {
		d := y[i] - (f.icept + slope*x[i])
		ssr += d * d
		e := y[i] - mean
		sst += e * e
	}
	switch {
	case ssr == 0:
		f.r2 = 1
	case sst > 0:
		f.r2 = min(max(1-ssr/sst, 0), 1)
	}
	return f
}

// median returns the median of a, reordering it.
func median(a []float64) float64 {
	n := len(a)
	if n == 0 {
		return 0
	}
	m := selectK(a, (n-1)/2)
	if n%2 == 1 {
		return m
	}
	return (m + minOf(a[n/2:])) / 2
}

// level is the series' level around fraction f of the span: the median of
// the points within a twelfth of the span of it, or of the three points
// nearest in time when fewer fall there.
func (s *series) level(f float64, sc *scratch) float64 {
	n := len(s.x)
	c := f * s.span
	w := s.span / 12
	lo, _ := slices.BinarySearch(s.x, c-w)
	hi, _ := slices.BinarySearch(s.x, math.Nextafter(c+w, math.Inf(1)))
	if hi-lo < 3 {
		// the three nearest points by time
		i, _ := slices.BinarySearch(s.x, c)
		lo, hi = i, i
		for hi-lo < min(3, n) {
			switch {
			case lo == 0:
				hi++
			case hi == n:
				lo--
			case c-s.x[lo-1] <= s.x[hi]-c:
				lo--
			default:
				hi++
			}
		}
	}
	buf := sc.floats(&sc.level, hi-lo)
	copy(buf, s.y[lo:hi])
	return median(buf)
}

// from returns the index of the first point at or after fraction f of the
// span.
func (s *series) from(f float64) int {
	i, _ := slices.BinarySearch(s.x, f*s.span)
	return i
}

// The verdict rules' thresholds; docs/trend-method.md says why each is
// where it is.
const (
	minPoints = 4 // fewer snapshots say nothing

	// alpha is the Mann-Kendall significance a trend needs. Sites are
	// many (thousands per report), so it is stricter than the usual 0.05.
	alpha = 0.01

	// minSamples is how many sampled allocations a change must rest on.
	// At the default rate one sample of a map table stands for ~512 KiB,
	// so a site can appear or vanish by a sample or two without any
	// change in the program.
	minSamples = 2.5

	// flatSamples: a flat stretch counts as the end of a climb only if
	// the climb, had it gone on, would have added this many sampled
	// allocations there: Poisson(4.6) is 0 with probability 1%.
	flatSamples = 4.6

	// leakShare: a leak added at least this share of its final level
	// within the series (it at least doubled). A cache that creeps
	// after filling adds less.
	leakShare = 0.5

	// minRise: a rise of less than this share of the site's level is
	// not worth a verdict of its own.
	minRise = 0.1

	// flatAlpha is the significance of a flat stretch falling behind
	// the climb before it; the other conditions of a flat stretch already
	// keep steady climbs out.
	flatAlpha = 0.05

	// concentration: a leak's rise is spread over the series; when one
	// third of the span holds more than this share of it, it was a jump.
	concentration = 0.85
)

// Assess decides what one site's series of snapshots says. Points may come
// in any order; Assess sorts a copy by time (then bytes), and snapshots at
// the same time are kept (they add no slope, only level). Negative bytes
// count as 0. It never panics and gives the same answer for the same
// points in any order. docs/trend-method.md describes the statistics and
// the rules.
func Assess(points []Point, opt Options) Assessment {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	return assess(points, opt, sc)
}

// scratchPool keeps the buffers of the statistics between calls: trend
// assesses thousands of sites in a row.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func assess(points []Point, opt Options, sc *scratch) Assessment {
	rate := float64(opt.SampleRate)
	if rate <= 0 {
		rate = defaultSampleRate
	}
	s := prepare(points)
	n := len(s.pts)
	var a Assessment
	if n == 0 {
		a.Verdict, a.Reason = Stable, "no snapshots"
		a.P = 1
		return a
	}
	a.First, a.Last = s.pts[0].Bytes, s.pts[n-1].Bytes
	a.Min, a.Max = a.First, a.First
	for _, p := range s.pts {
		a.Min, a.Max = min(a.Min, p.Bytes), max(a.Max, p.Bytes)
	}
	a.P = 1
	snaps := plural(n, "snapshot")
	if n < minPoints {
		a.Verdict, a.Score = Stable, 5
		a.Reason = fmt.Sprintf("too few snapshots to tell: %d (need %d)", n, minPoints)
		return a
	}
	if a.Max <= 0 {
		a.Verdict, a.Score = Stable, 20
		a.Reason = fmt.Sprintf("never sampled: 0 B in all %s", snaps)
		return a
	}
	f := fitLine(s.x, s.y, sc)
	a.SlopePerHour, a.Tau, a.P, a.Fit = f.slope, f.mk.Tau, f.mk.P, f.r2

	q := sampleWeight(s.pts, rate, sc)
	noise := scatter(s.y, sc)
	l0, l1 := s.level(0, sc), s.level(1, sc)
	// A single map grows in doublings; one may land in the last few
	// snapshots, after a flat stretch, where the median of the end misses
	// it.
	l1 = max(l1, s.finalHigh(q, noise))
	// The fitted line's ends: steadier than the levels, which rest on a
	// few snapshots each.
	start, end := f.icept, f.icept+f.slope*s.span
	rise := f.slope * s.span
	change := l1 - l0
	// The evidence is the larger of the two measures of the change (the
	// levels jitter, the line misses a step late in the series), but no
	// more than the range the snapshots span: the line through a single
	// step overshoots it.
	samples := min(max(math.Abs(rise), math.Abs(change)), slices.Max(s.y)-slices.Min(s.y)) / q
	stats := fmt.Sprintf("Mann-Kendall %s, %s", pValue(f.mk.P), snaps)
	up := f.mk.S > 0

	// A trend needs Mann-Kendall, and the line or the levels agreeing on
	// its direction.
	if f.mk.P >= alpha || f.mk.S == 0 || up && max(rise, change) <= 0 || !up && min(rise, change) >= 0 {
		a.Verdict = Stable
		a.Score = stableScore(f.mk.P, n)
		a.Reason = fmt.Sprintf("no trend: %s at the start, %s at the end (%s)", bytesStr(l0), bytesStr(l1), stats)
		return a
	}
	if samples < minSamples {
		a.Verdict = Stable
		a.Score = int(math.Round(30 * samples / minSamples))
		verb := "rose"
		if !up {
			verb = "fell"
		}
		a.Reason = fmt.Sprintf("%s by only %s, about %s: too few to tell (%s)", verb, bytesStr(samples*q),
			plural(int(math.Round(samples)), "sampled allocation"), stats)
		return a
	}
	conf := confidence(f.mk.P) * evidence(samples)
	// Too little to matter next to what the site holds?
	if up {
		rel := max(rise, change) / max(l1, end, q)
		if rel < minRise {
			a.Verdict = Stable
			a.Score = score(0.5 * (1 - rel/minRise))
			a.Reason = fmt.Sprintf("rose by only %.0f%%, from %s to %s (%s)", 100*rel, bytesStr(l0), bytesStr(l1), stats)
			return a
		}
	} else if rel := -min(rise, change) / max(l0, start, q); rel < minRise {
		a.Verdict = Stable
		a.Score = score(0.5 * (1 - rel/minRise))
		a.Reason = fmt.Sprintf("fell by only %.0f%%, from %s to %s (%s)", 100*rel, bytesStr(l0), bytesStr(l1), stats)
		return a
	}
	if !up {
		a.Verdict = Shrinking
		a.Score = score(conf)
		a.Reason = fmt.Sprintf("fell from %s to %s in %s at %s (%s)", bytesStr(max(l0, start)), bytesStr(min(l1, end)),
			hoursStr(s.span), rateStr(-f.slope, s.span), stats)
		return a
	}
	// Rose. A map that doubles in waves may be flat at the end, or have
	// grown mostly at one time, and still be gaining entries
	// (doubling.go): what would read as a plateau, or as growing at one
	// time, is a leak when the doublings keep their rhythm.
	doublingLeak := func() bool {
		last, due, ok := s.doublingLeak(q)
		if !ok {
			return false
		}
		a.Verdict = Leak
		a.Score = score(conf * 0.8)
		a.Reason = fmt.Sprintf("rose from %s to %s in %s in doublings, as one map's tables split together: the last %s ago, the next due within %s (%s)",
			bytesStr(l0), bytesStr(l1), hoursStr(s.span), hoursStr(s.span-last), hoursStr(due-s.span), stats)
		return true
	}
	// A plateau stopped rising at least a third of the span ago.
	if g, ok := s.flatTail(l0, l1, q, noise, sc); ok {
		if doublingLeak() {
			return a
		}
		a.Verdict = Plateau
		a.Score = score(conf * min(1, (1-g)/0.5))
		a.Reason = fmt.Sprintf("rose from %s to %s, then flat for the last %s (%s)", bytesStr(l0), bytesStr(l1),
			hoursStr((1-g)*s.span), stats)
		return a
	}
	// The share of the end level that arrived within the series, from the
	// levels: the fitted line overstates it for a concave creep.
	share := 0.0
	if l1 > 0 {
		share = change / l1
	}
	l13, l23 := s.level(1.0/3, sc), s.level(2.0/3, sc)
	thirds := [3]float64{l13 - l0, l23 - l13, l1 - l23}
	// Slowed: the last third rose at less than half the average pace, or
	// half the first third's, by more than sampling noise explains.
	slowed := false
	for _, half := range []float64{change / 6, thirds[0] / 2} {
		if thirds[2] < half && half-thirds[2] > 1.645*math.Sqrt(riseVar(half, q, noise)+riseVar(thirds[2], q, noise)) {
			slowed = true
		}
	}
	// Concentrated: some stretch of a third of the span holds nearly all
	// of the rise, what rose outside it is within noise, and a steady
	// climb would put that many of its samples into one such stretch less
	// than 1% of the time (a jump, or one wave of growth).
	concentrated := false
	k := change / q
	for i := 0; i <= 8; i++ {
		a, b := float64(i)/12, float64(i+4)/12
		inside := s.level(b, sc) - s.level(a, sc)
		if i == 8 {
			inside = l1 - s.level(a, sc)
		}
		if i == 0 {
			inside = s.level(b, sc) - l0
		}
		outside := change - inside
		if inside >= concentration*change && outside <= 1.645*math.Sqrt(riseVar(outside, q, noise)) &&
			3*binomUpper(k, inside/q, 1.0/3) < 0.01 {
			concentrated = true
		}
	}
	if share >= leakShare && !slowed && !concentrated {
		a.Verdict = Leak
		a.Score = score(conf * min(1, share/0.75) * (0.5 + 0.5*f.r2))
		a.Reason = fmt.Sprintf("rose from %s to %s in %s at a steady %s (%s)", bytesStr(l0), bytesStr(max(l1, end)),
			hoursStr(s.span), rateStr(f.slope, s.span), stats)
		return a
	}
	if concentrated && share >= leakShare && doublingLeak() {
		return a
	}
	a.Verdict = Growing
	a.Score = score(conf)
	third := s.span / 3
	switch {
	case slowed:
		a.Reason = fmt.Sprintf("rose from %s to %s in %s, slowing down: %s in the first third, %s in the last (%s)",
			bytesStr(l0), bytesStr(l1), hoursStr(s.span), rateStr(thirds[0]/third, s.span), rateStr(max(thirds[2], 0)/third, s.span), stats)
	case concentrated && share >= leakShare:
		a.Reason = fmt.Sprintf("rose from %s to %s in %s, mostly at one time (%s)",
			bytesStr(l0), bytesStr(l1), hoursStr(s.span), stats)
	default:
		from := max(min(l0, start), 0)
		pct := ""
		if from >= q {
			pct = fmt.Sprintf(" %.0f%%,", 100*max(rise, change)/from)
		}
		a.Reason = fmt.Sprintf("rose%s from %s to %s, in %s at %s (%s)", pct,
			bytesStr(from), bytesStr(max(l1, end)), hoursStr(s.span), rateStr(f.slope, s.span), stats)
	}
	return a
}

// binomUpper is P(X >= m) for X ~ Binomial(n, p), n and m rounded to
// whole samples: summed exactly up to n = 60, by the normal approximation
// with a continuity correction beyond.
func binomUpper(n, m, p float64) float64 {
	nn, mm := math.Round(n), math.Round(m)
	switch {
	case mm <= 0:
		return 1
	case mm > nn:
		return 0
	case nn > 60:
		z := (mm - 0.5 - nn*p) / math.Sqrt(nn*p*(1-p))
		return 0.5 * math.Erfc(z/math.Sqrt2)
	}
	var sum float64
	for j := mm; j <= nn; j++ {
		lc, _ := math.Lgamma(nn + 1)
		la, _ := math.Lgamma(j + 1)
		lb, _ := math.Lgamma(nn - j + 1)
		sum += math.Exp(lc - la - lb + j*math.Log(p) + (nn-j)*math.Log1p(-p))
	}
	return min(sum, 1)
}

// riseVar is the variance of a rise measured as a difference of levels:
// the Poisson variance of the sampled allocations that made it (|rise|/q
// of them, q bytes each) plus the snapshot scatter at both ends. Levels of
// a site that does not allocate share their samples, so only the rise
// counts, not the whole level.
func riseVar(rise, q, scatter float64) float64 {
	return math.Abs(rise)*q + 2*scatter*scatter
}

// finalHigh is the level the last few snapshots hold when it is a new
// high: the highest level held by every one of the last m snapshots (m up
// to a twelfth of the series) that exceeds all earlier snapshots of the
// last third by more than minSamples samples and three times the scatter.
// Otherwise it is 0.
func (s *series) finalHigh(q, noise float64) float64 {
	n := len(s.y)
	from := s.from(2.0 / 3)
	if n-from < 2 {
		return 0
	}
	// upTo[j] is the highest snapshot in y[from:from+j+1].
	upTo := slices.Clone(s.y[from:])
	for j := 1; j < len(upTo); j++ {
		upTo[j] = max(upTo[j], upTo[j-1])
	}
	hold, best := math.Inf(1), 0.0
	for m := 1; m <= max(1, n/12) && n-m > from; m++ {
		hold = min(hold, s.y[n-m])
		if hold-upTo[n-m-1-from] > max(minSamples*q, 3*noise) {
			best = max(best, hold)
		}
	}
	return best
}

// scatter is a robust estimate of the snapshot-to-snapshot noise: the
// median absolute difference of neighbours, scaled to a standard deviation
// of one snapshot (1.4826/sqrt(2)); trends and single steps barely move it.
func scatter(y []float64, sc *scratch) float64 {
	if len(y) < 2 {
		return 0
	}
	d := sc.floats(&sc.level, len(y)-1)
	for i := range d {
		d[i] = math.Abs(y[i+1] - y[i])
	}
	return median(d) * 1.4826 / math.Sqrt2
}

// flatTail finds where a rising series stopped rising: the earliest g of
// the fractions 2/3, 0.55, ..., 0.15 of the span (scanning back from 2/3
// while the stretch from g on did not rise by more than a third of what
// the climb before it, at its average pace r, would have added) such that
// from g on the series
//   - falls behind that climb: y - r*x falls with Mann-Kendall p < flatAlpha;
//   - is long enough that the climb would have added at least flatSamples
//     sampled allocations, so that a flat stretch is not chance: a small
//     leak is a staircase of a few samples with flat runs between them.
func (s *series) flatTail(l0, l1, q, noise float64, sc *scratch) (float64, bool) {
	best := -1.0
	for _, g := range []float64{2.0 / 3, 0.55, 0.45, 0.35, 0.25, 0.15} {
		i := s.from(g)
		if len(s.x)-i < minPoints {
			continue
		}
		lg := s.level(g, sc)
		pace := (lg - l0) / (g * s.span)
		expected := pace * (1 - g) * s.span
		if pace <= 0 {
			break
		}
		x, y := s.x[i:], s.y[i:]
		// Stop where the stretch rose by more than a third of the
		// climb's pace beyond noise, or rose clearly by Mann-Kendall
		// and by more than a sixth of it (a creep, not noise).
		tail := l1 - lg
		if tail-1.645*math.Sqrt(riseVar(tail, q, noise)) > expected/3 {
			break
		}
		if k := mannKendall(x, y, sc); k.S > 0 && k.P < alpha && tail > expected/6 {
			break
		}
		if expected/q < flatSamples {
			continue
		}
		d := sc.floats(&sc.detrended, len(y))
		for j := range y {
			d[j] = y[j] - pace*x[j]
		}
		if k := mannKendall(x, d, sc); k.S < 0 && k.P < flatAlpha {
			best = g
		}
	}
	return best, best > 0
}

// sampleWeight is the bytes one sampled allocation stands for at this
// site, as far as sampling noise goes: per snapshot, bytes/objects is the
// mean allocation size s, and a sample of size s counts s/(1-exp(-s/rate))
// bytes. An allocation many times the rate is sampled nearly always: it
// is as certain as the s/rate samples that would land in it, so its
// weight is divided by that many (a Go 1.23 map's 15 MiB bucket array is
// not one noisy sample but thirty). The result lies between the rate and
// 1.6 times it. Without objects it is the rate, which small allocations
// come close to.
func sampleWeight(pts []Point, rate float64, sc *scratch) float64 {
	w := sc.floats(&sc.level, len(pts))[:0]
	for _, p := range pts {
		if p.Bytes > 0 && p.Objects > 0 {
			size := float64(p.Bytes) / float64(p.Objects)
			w = append(w, size/-math.Expm1(-size/rate)/max(1, size/rate))
		}
	}
	if len(w) == 0 {
		return rate
	}
	return median(w)
}

// confidence maps a p-value to 0..1: 0.01 gives 0.4, 1e-5 and below 1.
func confidence(p float64) float64 {
	if p <= 0 {
		return 1
	}
	return min(max(-math.Log10(p)/5, 0), 1)
}

// evidence maps the sampled allocations a change rests on to 0..1: the
// minimum gives 0.5, 12 and more 1.
func evidence(samples float64) float64 {
	return min(max(0.5+0.5*(samples-minSamples)/(12-minSamples), 0), 1)
}

// stableScore is the confidence that there is no trend: it grows with
// the p-value and with the number of snapshots.
func stableScore(p float64, n int) int {
	return score(min(p/0.2, 1) * (1 - math.Exp(-float64(n)/15)))
}

func score(c float64) int {
	if math.IsNaN(c) {
		return 0
	}
	return int(math.Round(100 * min(max(c, 0), 1)))
}
