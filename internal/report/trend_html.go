package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mapscope/mapscope/internal/trend"
)

var (
	trendCSS = reportCSS
	trendJS  = chartJS
	trendCSP = pageCSP(trendCSS, trendJS)

	trendPage = template.Must(template.New("trend.html").Funcs(template.FuncMap{
		"bytes":    Bytes,
		"px":       px,
		"verdict":  verdictClass,
		"position": func(file string, line int) string { return fmt.Sprintf("%s:%d", shortFile(file), line) },
		"when":     func(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") },
		"join":     strings.Join,
		"rate":     rate,
		"pvalue":   pValue,
		"add":      func(a, b float64) float64 { return a + b },
		"sub":      func(a, b float64) float64 { return a - b },
		"half":     func(a float64) float64 { return a / 2 },
		"inc":      func(i int) int { return i + 1 },
		"last":     func(s []int) int { return len(s) - 1 },
	}).ParseFS(assets, "assets/trend.html", "assets/chart.html"))
)

// maxChartPoints bounds the points a chart draws. A long watch has
// thousands of snapshots per site; a chart 720 units wide shows no more
// than a few hundred, and the bound keeps a report of 1,000 snapshots of
// 50 sites at well under 5 MB. Downsampling keeps, per stretch of the
// series, its lowest and its highest point, so spikes and drops survive.
// The trend line is computed from every point, not the drawn ones.
const (
	maxChartPoints = 300
	maxSparkPoints = 60
)

// WriteHTML writes the report as one HTML page: a header, the verdict
// table, a chart of bytes over time with its trend line per leaking or
// growing site, the heap split into map and other bytes, the segments,
// the skipped snapshots and the warnings.
func (t *Trend) WriteHTML(w io.Writer) error {
	var buf bytes.Buffer
	if err := trendPage.Execute(&buf, newHTMLPage(t)); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlPage is what the template renders: the report and its figures laid
// out. Every string that comes from a profile is left as it is here; the
// template escapes it for the place it lands in.
type htmlPage struct {
	*Trend
	Duration  string
	Counts    []verdictCount
	Rows      []siteRow
	Charted   int // sites with a chart
	HeapChart *chart
	CSS       template.CSS // the embedded style sheet, not profile data
	JS        template.JS  // the embedded script, not profile data
	CSP       string
}

type verdictCount struct {
	Verdict trend.Verdict
	N       int
}

type siteRow struct {
	*TrendSite
	ID    string // the chart's element id
	N     int
	Chart *chart // nil for the sites that only have a sparkline
	Spark *chart
}

func newHTMLPage(t *Trend) *htmlPage {
	p := &htmlPage{
		Trend:    t,
		Duration: shortDuration(t.End.Sub(t.Start)),
		CSS:      template.CSS(trendCSS),
		JS:       template.JS(trendJS),
		CSP:      trendCSP,
	}
	n := make(map[trend.Verdict]int)
	for i := range t.Sites {
		s := &t.Sites[i]
		n[s.Verdict]++
		row := siteRow{TrendSite: s, N: i + 1, ID: fmt.Sprintf("site-%d", i+1), Spark: newSparkChart(s)}
		if charted(s.Verdict) {
			row.Chart = newSiteChart(row.ID, s)
			p.Charted++
		}
		p.Rows = append(p.Rows, row)
	}
	for _, v := range trend.Verdicts {
		if n[v] > 0 {
			p.Counts = append(p.Counts, verdictCount{v, n[v]})
		}
	}
	if len(t.Heap) > 0 {
		p.HeapChart = newHeapChart(t.Heap, t.Segments)
	}
	return p
}

// charted says which sites get a chart of their own: those whose growth
// is the news. The others have a sparkline in the table.
func charted(v trend.Verdict) bool { return v == trend.Leak || v == trend.Growing }

func verdictClass(v trend.Verdict) string {
	if slices.Contains(trend.Verdicts, v) {
		return "v-" + string(v)
	}
	return "v-other"
}

// trendLine is the Theil-Sen line, from the first point's time to the last.
type trendLine struct{ X1, Y1, X2, Y2 float64 }

type restart struct {
	X     float64
	Cause string
}

func newSiteChart(id string, s *TrendSite) *chart {
	c := &chart{
		ID: id, W: chartW, H: chartH,
		Left: plotLeft, Right: plotRight, Top: plotTop, Bottom: plotBottom,
		Heading: s.Function,
		Label:   fmt.Sprintf("bytes of %s at %s over time", s.Function, position(s.File, s.Line)),
	}
	pts := s.Points
	if len(pts) == 0 {
		c.Empty = "no snapshots"
		return c
	}
	start, end := pts[0].Time, pts[len(pts)-1].Time
	b := theilSenIntercept(pts, s.BytesPerHour)
	lineEnd := b + s.BytesPerHour*end.Sub(start).Hours()

	lo, hi := b, b
	for _, p := range pts {
		lo, hi = min(lo, float64(p.Bytes)), max(hi, float64(p.Bytes))
	}
	lo, hi = min(lo, lineEnd), max(hi, lineEnd)
	ys, yticks := bytesAxis(lo, hi, plotBottom, plotTop)
	xs, xticks := timeAxis(start, end, plotLeft, plotRight)
	c.XTicks, c.YTicks = xticks, yticks

	keep := downsample(len(pts), func(i int) int64 { return pts[i].Bytes }, maxChartPoints)
	c.Drawn, c.Of = len(keep), len(pts)
	x := make([]float64, len(keep))
	y := make([]float64, len(keep))
	for j, i := range keep {
		x[j] = xs.at(pts[i].Time.Sub(xs.origin).Seconds())
		y[j] = ys.at(float64(pts[i].Bytes))
	}
	c.Lines = []shape{{Class: "series " + verdictClass(s.Verdict), D: linePath(x, y)}}
	c.Trend = &trendLine{
		X1: xs.at(0), Y1: ys.at(b),
		X2: xs.at(end.Sub(xs.origin).Seconds()), Y2: ys.at(lineEnd),
	}
	c.Legend = []legendItem{
		{X: plotLeft, Class: "series " + verdictClass(s.Verdict), Line: true, Text: "bytes"},
		{X: plotLeft + 80, Class: "trend", Line: true, Text: "Theil-Sen trend, " + rate(s.BytesPerHour)},
	}
	format := clockFormat(start, end)
	c.Tip = newTip(x, y, func(j int) (string, string) {
		p := pts[keep[j]]
		return p.Time.Format(format), Bytes(p.Bytes)
	})
	return c
}

// theilSenIntercept is the intercept that goes with a Theil-Sen slope:
// the median of y - slope*t over the points, t in hours since the first,
// so the line runs through the middle of the points as the slope does,
// unmoved by outliers.
func theilSenIntercept(pts []trend.Point, perHour float64) float64 {
	r := make([]float64, len(pts))
	for i, p := range pts {
		r[i] = float64(p.Bytes) - perHour*p.Time.Sub(pts[0].Time).Hours()
	}
	slices.Sort(r)
	m := len(r) / 2
	if len(r)%2 == 1 {
		return r[m]
	}
	return (r[m-1] + r[m]) / 2
}

func newHeapChart(heap []HeapPoint, segs []Segment) *chart {
	c := &chart{
		ID: "heap", W: chartW, H: chartH,
		Left: plotLeft, Right: plotRight, Top: plotTop, Bottom: plotBottom,
		Heading: "the whole heap",
		Label:   "in-use heap bytes over time, map storage and other",
	}
	start, end := heap[0].Time, heap[len(heap)-1].Time
	var hi float64
	for _, h := range heap {
		hi = max(hi, float64(h.Bytes), float64(h.MapBytes))
	}
	ys, yticks := bytesAxis(0, hi, plotBottom, plotTop)
	xs, xticks := timeAxis(start, end, plotLeft, plotRight)
	c.XTicks, c.YTicks = xticks, yticks

	var tx, ty []float64
	var tips []int
	for _, r := range heapRuns(heap, segs) {
		run := heap[r.from:r.to]
		budget := max(2, maxChartPoints*len(run)/len(heap))
		keep := downsample(len(run), func(i int) int64 { return run[i].Bytes }, budget)
		x := make([]float64, len(keep))
		total := make([]float64, len(keep))
		mapped := make([]float64, len(keep))
		zero := make([]float64, len(keep))
		for j, i := range keep {
			h := run[i]
			x[j] = xs.at(h.Time.Sub(xs.origin).Seconds())
			total[j] = ys.at(float64(max(h.Bytes, h.MapBytes)))
			mapped[j] = ys.at(float64(h.MapBytes))
			zero[j] = ys.at(0)
			tips = append(tips, r.from+i)
		}
		c.Areas = append(c.Areas,
			shape{Class: "area-map", D: areaPath(x, mapped, zero)},
			shape{Class: "area-other", D: areaPath(x, total, mapped)})
		c.Lines = append(c.Lines, shape{Class: "edge", D: linePath(x, total)})
		tx, ty = append(tx, x...), append(ty, total...)
	}
	c.Drawn, c.Of = len(tips), len(heap)
	for i, s := range segs {
		if i == 0 || s.Start.Before(start) || s.Start.After(end) {
			continue
		}
		c.Restarts = append(c.Restarts, restart{X: xs.at(s.Start.Sub(xs.origin).Seconds()), Cause: s.Cause})
	}
	c.Legend = []legendItem{
		{X: plotLeft, Class: "area-map", Text: "map storage"},
		{X: plotLeft + 110, Class: "area-other", Text: "other heap"},
	}
	format := clockFormat(start, end)
	c.Tip = newTip(tx, ty, func(j int) (string, string) {
		h := heap[tips[j]]
		share := 0.0
		if h.Bytes > 0 {
			share = float64(h.MapBytes) / float64(h.Bytes)
		}
		return h.Time.Format(format), fmt.Sprintf("%s, map %s (%s)", Bytes(h.Bytes), Bytes(h.MapBytes), Percent(share))
	})
	return c
}

// heapRuns cuts the heap series where a segment starts, so that a restart
// shows as a break in the chart rather than a line down to the new run.
func heapRuns(heap []HeapPoint, segs []Segment) []span {
	var runs []span
	from := 0
	for i := 1; i < len(heap); i++ {
		for _, s := range segs[min(1, len(segs)):] {
			if heap[i-1].Time.Before(s.Start) && !heap[i].Time.Before(s.Start) {
				runs = append(runs, span{from, i})
				from = i
				break
			}
		}
	}
	return append(runs, span{from, len(heap)})
}

func newSparkChart(s *TrendSite) *chart {
	const w, h = 120.0, 26.0
	c := &chart{W: w, H: h, Label: "bytes over the last segment"}
	pts := s.Points
	if len(pts) == 0 {
		return c
	}
	var lo, hi float64 = math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		lo, hi = min(lo, float64(p.Bytes)), max(hi, float64(p.Bytes))
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	ys := scale{d0: lo, d1: hi, r0: h - 2, r1: 2}
	xs := timeScale(pts[0].Time, pts[len(pts)-1].Time, 2, w-2)
	keep := downsample(len(pts), func(i int) int64 { return pts[i].Bytes }, maxSparkPoints)
	x := make([]float64, len(keep))
	y := make([]float64, len(keep))
	for j, i := range keep {
		x[j] = xs.at(pts[i].Time.Sub(xs.origin).Seconds())
		y[j] = ys.at(float64(pts[i].Bytes))
	}
	c.Lines = []shape{{Class: "series " + verdictClass(s.Verdict), D: linePath(x, y)}}
	return c
}

func timeScale(start, end time.Time, r0, r1 float64) scale {
	return scale{d0: 0, d1: end.Sub(start).Seconds(), r0: r0, r1: r1, origin: start}
}

var timeSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// timeAxis lays out a time axis over start..end with at most six ticks at
// round times of the profiles' own time zone; a tick names its day when
// the day changed since the tick before it.
func timeAxis(start, end time.Time, r0, r1 float64) (scale, []tick) {
	if !end.After(start) {
		// One snapshot: a minute around it, the point in the middle.
		start, end = start.Add(-30*time.Second), end.Add(30*time.Second)
		s := timeScale(start, end, r0, r1)
		mid := start.Add(30 * time.Second)
		return s, []tick{{Pos: s.at(30), Label: mid.Format("15:04:05")}}
	}
	s := timeScale(start, end, r0, r1)
	whole := end.Sub(start)
	step := timeSteps[len(timeSteps)-1]
	for _, d := range timeSteps {
		if whole/d <= 6 {
			step = d
			break
		}
	}
	_, offset := start.Zone()
	zone := time.Duration(offset) * time.Second
	t := start.Add(zone).Truncate(step).Add(-zone)
	if t.Before(start) {
		t = t.Add(step)
	}
	var ticks []tick
	var prev time.Time
	for ; !t.After(end); t = t.Add(step) {
		var label string
		switch {
		case step >= 24*time.Hour:
			label = t.Format("Jan 2")
		case !prev.IsZero() && sameDay(prev, t) || prev.IsZero() && sameDay(start, end):
			label = t.Format("15:04")
			if step < time.Minute {
				label = t.Format("15:04:05")
			}
		default:
			label = t.Format("Jan 2 15:04")
		}
		ticks = append(ticks, tick{Pos: s.at(t.Sub(start).Seconds()), Label: label})
		prev = t
	}
	return s, ticks
}

// clockFormat is how a tooltip says the time of a point: the time of day,
// with the date when the series spans days.
func clockFormat(start, end time.Time) string {
	if !sameDay(start, end) {
		return "Jan 2 15:04:05"
	}
	return "15:04:05"
}

func sameDay(a, b time.Time) bool {
	b = b.In(a.Location())
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

// pValue formats a p-value as a reader wants it: small ones as a bound.
func pValue(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

// shortDuration formats d to the second without trailing zero units:
// "6h2m", "45s".
func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
