package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mapscope/mapscope/internal/trend"
)

// sampleTrend is a realistic trend report for tests of the writers: a
// service profiled every two minutes for about six hours, restarted once
// with a new build (so two segments; the sites' series cover the second),
// two snapshots skipped, and one site of each kind of story: a leaking
// session map, a growing cache, a map that plateaued after a load, a
// stable decoder map, a shrinking sync.Map and a growing non-map site.
// The figures are made up but shaped like real ones, with sampling noise.
func sampleTrend() *Trend {
	rng := rand.New(rand.NewPCG(8, 1))
	const step = 2 * time.Minute
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	restart := start.Add(2*time.Hour + 4*time.Minute)

	tr := &Trend{
		Schema: Schema, Command: "trend", Target: "profiles/svc", Sample: "inuse",
		Evidence: []string{"stack", "binary", "source"},
		Skipped: []string{
			"profiles/svc/heap-0071.pb.gz: truncated gzip data",
			"profiles/svc/heap-0140.pb.gz: not a heap profile (it holds cpu samples)",
		},
		Warnings: []string{"2 snapshots could not be read and were skipped"},
	}

	// The first run: 60 snapshots, then the restart.
	var first []time.Time
	for i := range 60 {
		first = append(first, start.Add(time.Duration(i)*step))
	}
	// The second run: 120 snapshots, of which two could not be read.
	var second []time.Time
	for i := range 120 {
		if i == 10 || i == 79 {
			continue
		}
		second = append(second, restart.Add(time.Duration(i)*step))
	}
	tr.Start, tr.End = first[0], second[len(second)-1]
	tr.Snapshots = len(first) + len(second)
	tr.Segments = []Segment{
		{Start: first[0], End: first[len(first)-1], Snapshots: len(first), BuildID: "8f3a9c2e", Cause: "first"},
		{Start: second[0], End: second[len(second)-1], Snapshots: len(second), BuildID: "c41d07b5", Cause: "another build ID"},
	}

	noise := func(v, share float64) int64 { return int64(max(0, v*(1+share*rng.NormFloat64()))) }
	hours := func(t time.Time) float64 { return t.Sub(restart).Hours() }
	const MiB = 1 << 20
	sites := []struct {
		site  TrendSite
		bytes func(h float64) float64
	}{
		{TrendSite{
			Function: "main.(*SessionStore).Add", File: "/build/svc/sessions.go", Line: 88, Map: true, Kind: "grow",
			Expr: "s.sessions", Type: "map[string]*Session", Evidence: []string{"binary", "source"},
			Path:    []string{"main.handle", "net/http", "main.(*SessionStore).Add"},
			Verdict: trend.Leak, Score: 94, Fit: 0.97, P: 1e-9,
			Suggestion: "s.sessions grows here: if nothing deletes from it, bound or evict it",
		}, func(h float64) float64 { return 2*MiB + 9.5*MiB*h }},
		{TrendSite{
			Function: "main.(*Cache).Put", File: "/build/svc/cache.go", Line: 41, Map: true, Kind: "grow",
			Expr: "c.entries", Type: "map[uint64][]byte", Evidence: []string{"binary", "source"},
			Verdict: trend.Growing, Score: 71, Fit: 0.88, P: 0.0004,
		}, func(h float64) float64 { return 4*MiB + 6*MiB*math.Log1p(h) }},
		{TrendSite{
			Function: "bytes.(*Buffer).grow", File: "/usr/lib/go/src/bytes/buffer.go", Line: 151, Map: false, Kind: "nonmap",
			Evidence: []string{"stack"}, Path: []string{"main.render", "bytes.(*Buffer).grow"},
			Verdict: trend.Growing, Score: 58, Fit: 0.64, P: 0.003,
		}, func(h float64) float64 { return 1*MiB + 0.6*MiB*h }},
		{TrendSite{
			Function: "main.loadRoutes", File: "/build/svc/routes.go", Line: 17, Map: true, Kind: "make",
			Expr: "routes", Type: "map[string]Route", Evidence: []string{"binary", "source"},
			Verdict: trend.Plateau, Score: 83, Fit: 0.41, P: 0.02,
		}, func(h float64) float64 {
			if h < 0.5 {
				return 1 * MiB
			}
			return 6 * MiB
		}},
		{TrendSite{
			Function: "main.decode", File: "/build/svc/decode.go", Line: 12, Map: true, Kind: "reflect",
			Expr: "m", Type: "map[string]any", Evidence: []string{"stack", "source"},
			Path:    []string{"main.decode", "encoding/json", "reflect.mapassign_faststr0"},
			Verdict: trend.Stable, Score: 90, Fit: 0.02, P: 0.61,
		}, func(h float64) float64 { return 3 * MiB }},
		{TrendSite{
			Function: "main.(*Registry).Forget", File: "/build/svc/registry.go", Line: 54, Map: true, Kind: "syncmap",
			Expr: "r.live", Type: "sync.Map", Evidence: []string{"binary"},
			Verdict: trend.Shrinking, Score: 66, Fit: 0.7, P: 0.002,
		}, func(h float64) float64 { return max(0.5*MiB, 5*MiB-0.9*MiB*h) }},
	}
	for _, s := range sites {
		site := s.site
		for _, t := range second {
			b := noise(s.bytes(hours(t)), 0.04)
			site.Points = append(site.Points, trend.Point{Time: t, Bytes: b, Objects: b / 4096})
		}
		site.FirstBytes = site.Points[0].Bytes
		site.LastBytes = site.Points[len(site.Points)-1].Bytes
		span := hours(second[len(second)-1])
		site.BytesPerHour = (s.bytes(span) - s.bytes(0)) / span
		site.Reason = fmt.Sprintf("%s %s to %s over %s (Mann-Kendall p %s, %d snapshots)",
			map[bool]string{true: "rose", false: "went"}[site.LastBytes > site.FirstBytes],
			Bytes(site.FirstBytes), Bytes(site.LastBytes), shortDuration(second[len(second)-1].Sub(second[0])),
			pValue(site.P), len(site.Points))
		tr.Sites = append(tr.Sites, site)
	}
	tr.Sites[0].Goroutines = []int{12, 14, 19}
	tr.Sites[0].HeldByGoroutines = true

	for _, t := range first {
		m := noise(8*MiB+4*MiB*t.Sub(start).Hours(), 0.03)
		tr.Heap = append(tr.Heap, HeapPoint{Time: t, Bytes: m + noise(22*MiB, 0.05), MapBytes: m})
	}
	for i, t := range second {
		var m int64
		for _, s := range tr.Sites {
			if s.Map {
				m += s.Points[i].Bytes
			}
		}
		tr.Heap = append(tr.Heap, HeapPoint{Time: t, Bytes: m + noise(22*MiB, 0.05), MapBytes: m})
	}
	return tr
}

// bigTrend is a report of n snapshots, a minute apart in one segment, of
// sites sites that all leak: the largest report a long watch produces.
func bigTrend(n, sites int) *Trend {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tr := &Trend{
		Schema: Schema, Command: "watch", Target: "http://localhost:6060/debug/pprof/heap", Sample: "inuse",
		Evidence: []string{"stack"}, Start: start, End: start.Add(time.Duration(n-1) * time.Minute), Snapshots: n,
	}
	tr.Segments = []Segment{{Start: tr.Start, End: tr.End, Snapshots: n, Cause: "first"}}
	for i := range n {
		tr.Heap = append(tr.Heap, HeapPoint{Time: start.Add(time.Duration(i) * time.Minute), Bytes: int64(100<<20 + i<<16), MapBytes: int64(40<<20 + i<<15)})
	}
	for s := range sites {
		site := TrendSite{
			Function: fmt.Sprintf("github.com/acme/svc/internal/store%d.(*Store).Add", s),
			File:     fmt.Sprintf("/home/build/src/github.com/acme/svc/internal/store%d/store.go", s), Line: 10 + s,
			Map: true, Kind: "grow", Expr: "s.items", Type: "map[string]*Item", Evidence: []string{"stack"},
			Verdict: trend.Leak, Score: 90, Reason: "rose steadily", Fit: 0.9, P: 1e-6,
		}
		for i := range n {
			b := int64(1<<20 + i*(s+1)*1024 + rng.IntN(64<<10))
			site.Points = append(site.Points, trend.Point{Time: start.Add(time.Duration(i) * time.Minute), Bytes: b})
		}
		site.FirstBytes, site.LastBytes = site.Points[0].Bytes, site.Points[n-1].Bytes
		site.BytesPerHour = float64((s+1)*1024) * 60
		tr.Sites = append(tr.Sites, site)
	}
	return tr
}
