package trend

import (
	"slices"
	"time"

	"github.com/google/pprof/profile"
)

// Goroutines holds the goroutine profiles of a series: how many goroutines
// were in each function at each time. A map made by a goroutine that never
// exits lives as long as the goroutine: when a map site's bytes and the
// goroutines in its function grow together, the goroutines hold the map.
type Goroutines struct {
	snaps []goroutineSnap
}

type goroutineSnap struct {
	time   time.Time
	counts map[string]int64 // function -> goroutines whose stack passes through it
}

// Add adds a goroutine profile.
func (g *Goroutines) Add(p *profile.Profile) {
	counts := make(map[string]int64)
	seen := make(map[string]bool)
	for _, s := range p.Sample {
		if len(s.Value) == 0 {
			continue
		}
		clear(seen)
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if ln.Function == nil || seen[ln.Function.Name] {
					continue
				}
				seen[ln.Function.Name] = true
				counts[ln.Function.Name] += s.Value[0]
			}
		}
	}
	g.snaps = append(g.snaps, goroutineSnap{time: time.Unix(0, p.TimeNanos), counts: counts})
}

// Len returns the number of goroutine profiles added.
func (g *Goroutines) Len() int { return len(g.snaps) }

// In returns, for each time, the goroutines in function fn in the
// goroutine profile nearest to that time (-1 when there is none within
// maxGap).
func (g *Goroutines) In(fn string, times []time.Time, maxGap time.Duration) []int {
	if len(g.snaps) == 0 {
		return nil
	}
	snaps := slices.Clone(g.snaps)
	slices.SortFunc(snaps, func(a, b goroutineSnap) int { return a.time.Compare(b.time) })
	out := make([]int, len(times))
	for i, t := range times {
		j, _ := slices.BinarySearchFunc(snaps, t, func(s goroutineSnap, t time.Time) int { return s.time.Compare(t) })
		best := -1
		for _, k := range []int{j - 1, j} {
			if k < 0 || k >= len(snaps) {
				continue
			}
			if best < 0 || absDur(snaps[k].time.Sub(t)) < absDur(snaps[best].time.Sub(t)) {
				best = k
			}
		}
		if best < 0 || absDur(snaps[best].time.Sub(t)) > maxGap {
			out[i] = -1
			continue
		}
		out[i] = int(snaps[best].counts[fn])
	}
	return out
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
