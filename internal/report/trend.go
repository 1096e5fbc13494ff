package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mapscope/mapscope/internal/facts"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
	"github.com/mapscope/mapscope/internal/trend"
)

// Trend is the report of "mapscope trend" and "mapscope watch": a verdict
// per map site over a series of heap profile snapshots. Its JSON form
// extends the heap report's (docs/json.md).
type Trend struct {
	Schema   int      `json:"schema"`
	Command  string   `json:"command"` // "trend" or "watch"
	Target   string   `json:"target"`  // the directory, files or URL read
	Sample   string   `json:"sample"`  // "inuse"
	Evidence []string `json:"evidence"`

	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Snapshots int       `json:"snapshots"` // snapshots used
	// Skipped lists snapshots that could not be read, one line each
	// ("snap-0007.pb.gz: truncated gzip data").
	Skipped []string `json:"skipped,omitempty"`
	// Segments are the runs of the program the series covers: a new one
	// starts where the program restarted.
	Segments []Segment `json:"segments"`
	// Heap is the whole heap per snapshot, split into map and other bytes.
	Heap []HeapPoint `json:"heap"`

	// Sites are the map sites, most worrying first (by verdict severity,
	// then score, then growth rate), then in the same order the sites of
	// other or unclassified bytes that do not stay flat.
	Sites    []TrendSite `json:"sites"`
	Warnings []string    `json:"warnings,omitempty"`
}

// A Segment is one run of the program within the series.
type Segment struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Snapshots int       `json:"snapshots"`
	BuildID   string    `json:"build_id,omitempty"`
	// Why the segment starts: "first", or the restart's sign ("the
	// profile time went back", "another build ID").
	Cause string `json:"cause"`
}

// A HeapPoint is one snapshot's whole heap.
type HeapPoint struct {
	Time     time.Time `json:"time"`
	Bytes    int64     `json:"bytes"`     // all in-use bytes
	MapBytes int64     `json:"map_bytes"` // of which map storage
}

// A TrendSite is one site with its series and its verdict. The identity
// fields are those of a heap report's site.
type TrendSite struct {
	Function string   `json:"function"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Map      bool     `json:"map"`
	Kind     string   `json:"kind"`
	Expr     string   `json:"expr,omitempty"`
	Type     string   `json:"type,omitempty"`
	Evidence []string `json:"evidence"`
	Path     []string `json:"path,omitempty"`

	Verdict      trend.Verdict `json:"verdict"`
	Score        int           `json:"score"`
	Reason       string        `json:"reason"`
	FirstBytes   int64         `json:"first_bytes"`
	LastBytes    int64         `json:"last_bytes"`
	BytesPerHour float64       `json:"bytes_per_hour"` // Theil-Sen slope
	Fit          float64       `json:"fit"`            // 0..1
	P            float64       `json:"p"`              // Mann-Kendall two-sided p-value

	// Points is the series over the last segment, one per snapshot.
	Points []trend.Point `json:"points"`
	// Goroutines is the number of goroutines whose stacks pass through the
	// site's function, per snapshot, when goroutine profiles were read;
	// HeldByGoroutines says they keep growing with the map.
	Goroutines        []int  `json:"goroutines,omitempty"`
	HeldByGoroutines  bool   `json:"held_by_goroutines,omitempty"`
	GoroutineFunction string `json:"goroutine_function,omitempty"` // the goroutines' function, when not Function

	Suggestion string   `json:"suggestion,omitempty"`
	Facts      []string `json:"facts,omitempty"` // the lab's measurements the suggestion rests on
}

// TrendInput is what NewTrend builds a trend report from.
type TrendInput struct {
	Command  string // "trend" or "watch"
	Target   string
	Evidence []string
	Result   *trend.Result
	// Goroutines, when not empty, are the goroutine profiles of the series.
	Goroutines *trend.Goroutines
	Skipped    []string
	Warnings   []string
	Options    trend.Options
}

// NewTrend assesses every site of the last segment (the current run of
// the program) and builds the report.
func NewTrend(in TrendInput) *Trend {
	r := in.Result
	t := &Trend{
		Schema:    Schema,
		Command:   in.Command,
		Target:    in.Target,
		Sample:    "inuse",
		Evidence:  in.Evidence,
		Snapshots: len(r.Times),
		Skipped:   in.Skipped,
		Warnings:  in.Warnings,
		Sites:     []TrendSite{},
	}
	if len(r.Times) == 0 {
		return t
	}
	t.Start, t.End = r.Times[0], r.Times[len(r.Times)-1]
	for i := range r.Times {
		t.Heap = append(t.Heap, HeapPoint{Time: r.Times[i], Bytes: r.Bytes[i], MapBytes: r.MapBytes[i]})
	}
	for _, s := range r.Segments {
		t.Segments = append(t.Segments, Segment{
			Start: r.Times[s.From], End: r.Times[s.To-1], Snapshots: s.To - s.From,
			BuildID: s.BuildID, Cause: s.Cause,
		})
	}
	last := r.Last()
	if len(r.Segments) > 1 {
		t.Warnings = append(t.Warnings, fmt.Sprintf("the program restarted %d time(s); verdicts are over its last run (%d of %d snapshots, since %s)",
			len(r.Segments)-1, last.To-last.From, len(r.Times), r.Times[last.From].Format(time.DateTime)))
	}
	times := r.Times[last.From:last.To]
	for _, s := range r.Sites(last) {
		a := trend.Assess(s.Points, in.Options)
		ts := TrendSite{
			Function: s.Function, File: s.File, Line: s.Line,
			Map: s.Kind.IsMap(), Kind: string(s.Kind), Expr: s.Map, Type: s.Type,
			Evidence: evidenceStrings(s.Evidence), Path: s.Path,
			Verdict: a.Verdict, Score: a.Score, Reason: a.Reason,
			FirstBytes: a.First, LastBytes: a.Last, BytesPerHour: a.SlopePerHour, Fit: a.Fit, P: a.P,
		}
		if !ts.Map && (a.Verdict == trend.Stable || a.Verdict == trend.Shrinking) {
			continue // a steady or shrinking non-map site is not news
		}
		ts.Points = s.Points
		if in.Goroutines != nil && in.Goroutines.Len() > 0 {
			// The goroutines that hold a map are those of the function
			// that started them (the stack's root), not always of the
			// function that made the map.
			ts.Goroutines, ts.HeldByGoroutines = heldBy(in.Goroutines, s.Function, times, a, in.Options)
			if !ts.HeldByGoroutines && s.Root != "" && s.Root != s.Function && !strings.HasSuffix(s.Root, "main.main") {
				if g, held := heldBy(in.Goroutines, s.Root, times, a, in.Options); held {
					ts.Goroutines, ts.HeldByGoroutines, ts.GoroutineFunction = g, true, s.Root
				}
			}
		}
		ts.Suggestion = trendSuggestion(&ts, s)
		ts.Facts = facts.URLs(trendFacts(&ts, s))
		t.Sites = append(t.Sites, ts)
	}
	slices.SortStableFunc(t.Sites, func(a, b TrendSite) int {
		return cmp.Or(
			cmp.Compare(mapFirst(a), mapFirst(b)),
			cmp.Compare(trend.Severity(b.Verdict), trend.Severity(a.Verdict)),
			cmp.Compare(b.Score, a.Score),
			cmp.Compare(b.BytesPerHour, a.BytesPerHour),
			cmp.Compare(b.LastBytes, a.LastBytes))
	})
	return t
}

// mapFirst orders map sites before the others.
func mapFirst(s TrendSite) int {
	if s.Map {
		return 0
	}
	return 1
}

// heldBy counts the goroutines in fn at each snapshot and says whether
// they grow with the site: goroutines that never exit hold its maps.
func heldBy(g *trend.Goroutines, fn string, times []time.Time, site trend.Assessment, opt trend.Options) ([]int, bool) {
	if len(times) == 0 {
		return nil, false
	}
	gap := times[len(times)-1].Sub(times[0]) / time.Duration(max(len(times), 1))
	counts := g.In(fn, times, max(gap, time.Second))
	var pts []trend.Point
	for i, c := range counts {
		if c >= 0 {
			pts = append(pts, trend.Point{Time: times[i], Bytes: int64(c)})
		}
	}
	if len(pts) < 4 || (site.Verdict != trend.Leak && site.Verdict != trend.Growing) {
		return counts, false
	}
	// Goroutine counts are exact, not sampled bytes.
	ga := trend.Assess(pts, trend.Options{SampleRate: 1})
	return counts, (ga.Verdict == trend.Leak || ga.Verdict == trend.Growing) && pts[len(pts)-1].Bytes > pts[0].Bytes
}

// trendSuggestion says what to do about a site, by verdict.
func trendSuggestion(ts *TrendSite, s trend.Site) string {
	name := ts.Expr
	if name == "" {
		name = "the map"
	}
	switch {
	case !ts.Map:
		return ""
	case ts.HeldByGoroutines:
		fn := ts.Function
		if ts.GoroutineFunction != "" {
			fn = ts.GoroutineFunction
		}
		return fmt.Sprintf("the goroutines of %s keep growing with these maps: they never exit, and each holds what it made; find why they block", funcname.Short(fn))
	}
	switch ts.Verdict {
	case trend.Leak:
		site := &heap.Site{Function: s.Function, Kind: s.Kind, Map: s.Map, Type: s.Type, Path: s.Path}
		return heap.Suggest(site, "inuse")
	case trend.Plateau:
		return fmt.Sprintf("%s rose and keeps its peak: Go never shrinks a map; if the peak was a burst, rebuild the map (make + copy) after it to release the memory", name)
	case trend.Growing:
		// Growing is a rise that slowed, or came mostly at one time: a
		// bounded map's creep under churn, a fill, or a leak that a short
		// window caught between doublings. Only a longer watch tells.
		return fmt.Sprintf("%s rises, but not at a steady pace: watch it longer; if it keeps rising, bound it; a map at a steady length also creeps under insert/delete churn (tombstones, table splits), which a rebuild now and then undoes", name)
	}
	return ""
}

// trendFacts names the lab experiments behind a trend suggestion.
func trendFacts(ts *TrendSite, s trend.Site) []string {
	if !ts.Map || ts.HeldByGoroutines {
		return nil
	}
	switch ts.Verdict {
	case trend.Leak:
		return heap.Facts(&heap.Site{Kind: s.Kind, Map: s.Map}, "inuse")
	case trend.Plateau:
		return []string{facts.DeleteAllFrees, facts.ClearFrees, facts.RemakeFrees}
	case trend.Growing:
		return []string{facts.ChurnSteadyBytes}
	}
	return nil
}

// WriteJSON writes the report as indented JSON (docs/json.md).
func (t *Trend) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// WriteText writes the verdicts for people: a summary, the top map sites
// with sparklines, then non-map and unclassified sites that grow.
func (t *Trend) WriteText(w io.Writer, top int) error {
	var b strings.Builder
	if t.Snapshots == 0 {
		b.WriteString("no snapshots\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%d snapshots, %s to %s (%s); evidence: %s\n", t.Snapshots,
		t.Start.Format("15:04:05"), t.End.Format("15:04:05"), t.End.Sub(t.Start).Round(time.Second), strings.Join(t.Evidence, ", "))
	if n := len(t.Heap); n > 0 {
		f, l := t.Heap[0], t.Heap[n-1]
		fmt.Fprintf(&b, "heap in use %s -> %s, of which map storage %s -> %s\n", Bytes(f.Bytes), Bytes(l.Bytes), Bytes(f.MapBytes), Bytes(l.MapBytes))
	}
	for _, w := range t.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, s := range t.Skipped {
		fmt.Fprintf(&b, "skipped: %s\n", s)
	}

	var maps, other, unknown []*TrendSite
	for i := range t.Sites {
		s := &t.Sites[i]
		switch {
		case s.Map:
			maps = append(maps, s)
		case s.Kind == string(heap.Unknown):
			unknown = append(unknown, s)
		default:
			other = append(other, s)
		}
	}
	b.WriteString("\nmap sites, most worrying first:\n")
	if len(maps) == 0 {
		b.WriteString("  none found\n")
	}
	// Steady sites that hold next to nothing are noise to a reader (the
	// JSON keeps them): per-request maps sampled now and then.
	shown, quiet := 0, 0
	for _, s := range maps {
		if s.Verdict == trend.Stable && max(s.FirstBytes, s.LastBytes) < quietBytes {
			quiet++
			continue
		}
		if top > 0 && shown >= top {
			fmt.Fprintf(&b, "  ... %d more (-top)\n", len(maps)-quiet-top)
			break
		}
		shown++
		writeTrendSite(&b, shown, s)
	}
	if quiet > 0 {
		fmt.Fprintf(&b, "  (%d more map sites, stable and under %s, left out)\n", quiet, Bytes(quietBytes))
	}
	if growing := worrying(other); len(growing) > 0 {
		b.WriteString("\nnot map storage, but growing:\n")
		for i, s := range growing {
			writeTrendSite(&b, i+1, s)
		}
	}
	if growing := worrying(unknown); len(growing) > 0 {
		b.WriteString("\nunclassified (no evidence says whether it is map storage), growing:\n")
		for i, s := range growing {
			writeTrendSite(&b, i+1, s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quietBytes is the size under which a stable map site is left out of the
// text report: two samples at the default rate.
const quietBytes = 1 << 20

func worrying(sites []*TrendSite) []*TrendSite {
	var out []*TrendSite
	for _, s := range sites {
		if s.Verdict == trend.Leak || s.Verdict == trend.Growing {
			out = append(out, s)
		}
	}
	return out
}

func writeTrendSite(b *strings.Builder, n int, s *TrendSite) {
	name := s.Expr
	if name == "" {
		name = "(" + s.Kind + ")"
	}
	fmt.Fprintf(b, "%2d. %-9s %3d  %s -> %s  %s  %s  %s", n, s.Verdict, s.Score,
		Bytes(s.FirstBytes), Bytes(s.LastBytes), rate(s.BytesPerHour), Sparkline(s.Points, 24), name)
	if s.Type != "" {
		fmt.Fprintf(b, "  %s", s.Type)
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "    %s  %s:%d  [evidence: %s]\n", s.Function, shortFile(s.File), s.Line, strings.Join(s.Evidence, ", "))
	if len(s.Path) > 2 {
		fmt.Fprintf(b, "    via %s\n", strings.Join(s.Path, " -> "))
	}
	if s.Reason != "" {
		fmt.Fprintf(b, "    %s\n", s.Reason)
	}
	if s.Suggestion != "" {
		fmt.Fprintf(b, "    -> %s\n", s.Suggestion)
	}
	if len(s.Facts) > 0 {
		fmt.Fprintf(b, "       check it on your Go: mapscope lab %s\n", strings.Join(factNames(s.Facts), " "))
	}
}

// rate formats a growth rate in bytes per hour in the unit that reads best.
func rate(perHour float64) string {
	sign := "+"
	if perHour < 0 {
		sign, perHour = "-", -perHour
	}
	switch {
	case perHour >= 60<<20:
		return fmt.Sprintf("%s%s/min", sign, Bytes(int64(perHour/60)))
	case perHour == 0:
		return "flat"
	}
	return fmt.Sprintf("%s%s/h", sign, Bytes(int64(perHour)))
}

// Line is the one-line state of a watch after a snapshot, for output that
// is not a terminal: the time, the heap, and the most worrying map site.
func (t *Trend) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %d snapshot", t.End.Format("15:04:05"), t.Snapshots)
	if t.Snapshots != 1 {
		b.WriteString("s")
	}
	if n := len(t.Heap); n > 0 {
		h := t.Heap[n-1]
		fmt.Fprintf(&b, "  heap %s, maps %s", Bytes(h.Bytes), Bytes(h.MapBytes))
	}
	counts := map[trend.Verdict]int{}
	var worst *TrendSite
	for i := range t.Sites {
		s := &t.Sites[i]
		if !s.Map {
			continue
		}
		counts[s.Verdict]++
		if worst == nil {
			worst = s
		}
	}
	for _, v := range []trend.Verdict{trend.Leak, trend.Growing} {
		if counts[v] > 0 {
			fmt.Fprintf(&b, "  %d %s", counts[v], v)
		}
	}
	if worst != nil && (worst.Verdict == trend.Leak || worst.Verdict == trend.Growing) {
		name := worst.Expr
		if name == "" {
			name = funcname.Short(worst.Function)
		}
		fmt.Fprintf(&b, "  first: %s %s (%s)", worst.Verdict, name, rate(worst.BytesPerHour))
	}
	return b.String()
}
