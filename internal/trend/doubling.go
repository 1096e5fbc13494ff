package trend

import (
	"math"
	"slices"
)

// A single growing map's storage is a staircase, not a ramp: keys spread
// evenly over its tables, so the tables fill together and split together,
// and the map's bytes double in a wave, then stay flat while the entries
// double again (the trend scenarios and the external services of
// docs/trend-method.md show it on Go 1.23 through 1.27). A map that keeps
// gaining entries at a steady rate doubles at times that double: each
// flat stretch lasts about as long as the whole climb before it. Looked at
// through a window, a leaking map therefore often ends on a flat stretch,
// which by itself reads as a plateau.
//
// What tells the two apart is whether the flat stretch at the end is
// longer than a doubling map allows. The map doubled last at t1, and
// before that at t0; at a steady rate the next doubling comes about
// t1 - t0 after t1, and within twice that even if the rate fell by half.
// It takes two doublings in the window to see the rhythm: a single jump
// and flat after it is a plateau, whatever it was (a reload, or a leak
// seen through too short a window, which the next doubling will show).
// A map still flat well past that point stopped gaining entries: a
// plateau. A spike that filled a map in a burst and deleted it is flat
// for far longer than its burst took, and a cache that filled at start-up
// too.

// Doublings must be clear: the level after a step at least this times the
// level before, and the step several samples tall.
const (
	doublingRatio   = 1.6
	doublingSamples = 3
	overdueFactor   = 2
)

// doublingLeak reports whether the rise of a series, read as a plateau or
// as growing mostly at one time, is instead a map still doubling: two
// clear doublings in the window, the series as high at the end as after
// the last, and the next not overdue. It returns the times (hours)
// of the last doubling and of the next one's latest due time.
func (s *series) doublingLeak(q float64) (last, due float64, ok bool) {
	steps := s.doublings(q)
	if len(steps) < 2 {
		return 0, 0, false
	}
	// Two doublings grow the map at least doublingRatio² times; noise
	// around one jump can look like two steps, but not like that.
	n := len(s.y)
	first := s.from(steps[0] / s.span)
	before := median(slices.Clone(s.y[max(first-3, 0):max(first, 1)]))
	end := median(slices.Clone(s.y[max(n-3, 0):]))
	if end < doublingRatio*doublingRatio*max(before, q) {
		return 0, 0, false
	}
	t1, t0 := steps[len(steps)-1], steps[len(steps)-2]
	gap := t1 - t0
	if gap <= 0 {
		return 0, 0, false
	}
	due = t1 + overdueFactor*gap
	if s.span > due {
		return t1, due, false
	}
	// The series must hold what it gained: a map keeps its tables.
	after := s.y[s.from(t1/s.span):]
	if len(after) == 0 || median(slices.Clone(after))*1.25 < s.y[n-1] && s.y[n-1] == 0 {
		return 0, 0, false
	}
	return t1, due, true
}

// doublings finds the clear steps up of a series: where the median of
// three points is at least doublingRatio times the median of the three
// before them, by at least doublingSamples sampled allocations. A wave
// may take up to two snapshots to pass (a map's tables split over a few
// seconds under load), so the three points after may start up to two
// points after the three before. Steps closer than three points are one
// step, timed at its first point.
func (s *series) doublings(q float64) []float64 {
	const w, wave = 3, 2
	n := len(s.y)
	if n < 2*w {
		return nil
	}
	// A step is a change between neighbouring snapshots: windows that
	// span a gap in the series far longer than its usual spacing say
	// nothing about when the map doubled.
	gaps := make([]float64, n-1)
	for i := range gaps {
		gaps[i] = s.x[i+1] - s.x[i]
	}
	spacing := median(gaps)
	var out []float64
	lastAt := -w
	for i := w; i+w <= n; i++ {
		if i-lastAt < w {
			continue
		}
		for g := 0; g <= wave && i+g+w <= n; g++ {
			if j, ok := s.isStep(i, g, w, q, spacing); ok {
				out = append(out, s.x[j])
				lastAt = j
				break
			}
		}
	}
	return out
}

// isStep reports whether the w points from i+g stand clearly above the w
// points before i: doublingRatio times as high, doublingSamples samples
// taller, and a step rather than a ramp: flat before it, and flat after
// it or falling, as on Go 1.23 and earlier, where the old bucket array
// stays live beside the new one until the map has moved its entries. It
// returns the point the step is timed at: the first at least half-way up.
func (s *series) isStep(i, g, w int, q, spacing float64) (int, bool) {
	lo, hi := s.y[i-w:i], s.y[i+g:i+g+w]
	if s.x[i+g+w-1]-s.x[i-w] > 4*float64(2*w+g)*spacing {
		return 0, false
	}
	before := median(slices.Clone(lo))
	after := median(slices.Clone(hi))
	jump := after - before
	if after < doublingRatio*before || jump < doublingSamples*q || math.IsNaN(after) {
		return 0, false
	}
	// A ramp rises (w-1) steps within the points before and w+g across
	// the jump: the wider the wave allowed, the flatter they must be.
	limit := jump / float64(2+g)
	if spread(lo) > limit {
		return 0, false
	}
	if spread(hi) > limit && !(falling(hi) && slices.Min(hi) >= doublingRatio*before) {
		return 0, false
	}
	j := i
	for j < i+g && s.y[j]-before < jump/2 {
		j++
	}
	return j, true
}

// falling reports whether y never rises.
func falling(y []float64) bool {
	for i := 1; i < len(y); i++ {
		if y[i] > y[i-1] {
			return false
		}
	}
	return true
}

func spread(y []float64) float64 { return slices.Max(y) - slices.Min(y) }
