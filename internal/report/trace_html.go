package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
	"github.com/mapscope/mapscope/internal/traceprof"
)

// The trace page is drawn like the trend page (chart.go): one file with
// its style and script inline, SVG charts drawn in Go, every string from
// the trace escaped by html/template, and a Content-Security-Policy that
// lets only the page's own style and script run.
var (
	traceCSS = reportCSS + "\n" + mustAsset("assets/trace.css")
	traceJS  = chartJS
	traceCSP = pageCSP(traceCSS, traceJS)

	tracePage = template.Must(template.New("trace.html").Funcs(template.FuncMap{
		"bytes":    func(n uint64) string { return Bytes(int64(n)) },
		"px":       px,
		"position": position,
		"join":     strings.Join,
		"dur":      Duration,
		"percent":  Percent,
		"add":      func(a, b float64) float64 { return a + b },
		"sub":      func(a, b float64) float64 { return a - b },
		"half":     func(a float64) float64 { return a / 2 },
		"short":    shortStack,
	}).ParseFS(assets, "assets/trace.html", "assets/chart.html"))
)

// laneMerge bounds the spans a lane of the GC chart draws: spans closer
// than a tenth of a unit of the chart's width are drawn as one, so a trace
// of a hundred thousand assists still writes a small page.
const laneMerge = 0.1

// WriteHTML writes the report as one HTML page: the facts, the heap and
// its goal over time with the GC cycles behind, the GC, pause and assist
// spans, and the sites with the time per operation.
func (t *Trace) WriteHTML(w io.Writer) error {
	var buf bytes.Buffer
	if err := tracePage.Execute(&buf, newTracePage(t)); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type tracePageData struct {
	*Trace
	Name      string // the trace's name (Trace is the report)
	HeapChart *chart
	Lanes     *chart
	Rows      []traceRow
	OpKeys    []opKey
	CSS       template.CSS // the embedded style sheet, not trace data
	JS        template.JS  // the embedded script, not trace data
	CSP       string
}

type traceRow struct {
	*TraceSite
	N   int
	Bar *chart // the site's time per operation
}

type opKey struct{ Name, Class string }

func newTracePage(t *Trace) *tracePageData {
	p := &tracePageData{Trace: t, Name: t.Trace, CSS: template.CSS(traceCSS), JS: template.JS(traceJS), CSP: traceCSP}
	p.HeapChart = newTraceHeapChart(t)
	p.Lanes = newLaneChart(t)
	for i := range t.Sites {
		p.Rows = append(p.Rows, traceRow{TraceSite: &t.Sites[i], N: i + 1, Bar: newOpsBar(&t.Sites[i])})
	}
	for _, op := range mapop.Ops {
		p.OpKeys = append(p.OpKeys, opKey{op.String(), "op-" + op.String()})
	}
	return p
}

// secondsAxis lays out an axis of seconds since the trace began, 0..end,
// with four to eight ticks at round values.
func secondsAxis(end, r0, r1 float64) (scale, []tick) {
	if end <= 0 {
		end = 1
	}
	raw := end / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	s := scale{d0: 0, d1: end, r0: r0, r1: r1}
	var ticks []tick
	for k := 0; float64(k)*step <= end*(1+1e-9); k++ {
		v := float64(k) * step
		ticks = append(ticks, tick{Pos: s.at(v), Label: secondsLabel(v, step)})
	}
	return s, ticks
}

// secondsLabel formats a tick: "0", "250 ms", "1.5 s", "20 s".
func secondsLabel(v, step float64) string {
	switch {
	case v == 0:
		return "0"
	case step < 1:
		ms := v * 1e3
		decimals := max(0, int(-math.Floor(math.Log10(step*1e3)+1e-9)))
		return strconv.FormatFloat(ms, 'f', decimals, 64) + " ms"
	}
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	if step*math.Pow(10, float64(decimals)) != math.Round(step*math.Pow(10, float64(decimals))) {
		decimals++
	}
	return strconv.FormatFloat(v, 'f', decimals, 64) + " s"
}

// newTraceHeapChart draws the heap and its goal over the trace, with the
// GC's mark phases as bands behind them.
func newTraceHeapChart(t *Trace) *chart {
	c := &chart{
		ID: "heap", W: chartW, H: chartH,
		Left: plotLeft, Right: plotRight, Top: plotTop, Bottom: plotBottom,
		Heading: "the heap",
		Label:   "heap bytes and the heap goal over the trace, GC cycles shaded",
	}
	pts := t.Heap.Timeline
	if len(pts) == 0 {
		c.Empty = "the trace records no heap figures"
		return c
	}
	var hi float64
	for _, p := range pts {
		hi = max(hi, float64(p.Bytes), float64(p.GoalBytes))
	}
	ys, yticks := bytesAxis(0, hi, plotBottom, plotTop)
	xs, xticks := secondsAxis(t.DurationSeconds, plotLeft, plotRight)
	c.XTicks, c.YTicks = xticks, yticks
	c.Areas = append(c.Areas, shape{Class: "gc-band", D: spansPath(t.spans.gcs, xs, plotTop, plotBottom)})

	x := make([]float64, len(pts))
	y := make([]float64, len(pts))
	zero := make([]float64, len(pts))
	var gx, gy []float64
	for i, p := range pts {
		x[i] = xs.at(p.Seconds)
		y[i] = ys.at(float64(p.Bytes))
		zero[i] = ys.at(0)
		if p.GoalBytes > 0 {
			// The goal holds until the next: a step.
			if len(gy) > 0 {
				gx, gy = append(gx, x[i]), append(gy, gy[len(gy)-1])
			}
			gx, gy = append(gx, x[i]), append(gy, ys.at(float64(p.GoalBytes)))
		}
	}
	c.Areas = append(c.Areas, shape{Class: "area-heap", D: areaPath(x, y, zero)})
	c.Lines = append(c.Lines, shape{Class: "edge", D: linePath(x, y)})
	if len(gx) > 0 {
		c.Lines = append(c.Lines, shape{Class: "goal", D: linePath(gx, gy)})
	}
	c.Drawn, c.Of = len(pts), t.spans.heapPoints
	c.Legend = []legendItem{
		{X: plotLeft, Class: "area-heap", Text: "heap"},
		{X: plotLeft + 70, Class: "goal", Line: true, Text: "heap goal"},
		{X: plotLeft + 170, Class: "gc-band", Text: "GC marking"},
	}
	c.Tip = newTip(x, y, func(j int) (string, string) {
		p := pts[j]
		what := "heap " + Bytes(int64(p.Bytes))
		if p.GoalBytes > 0 {
			what += ", goal " + Bytes(int64(p.GoalBytes))
		}
		return strconv.FormatFloat(p.Seconds, 'f', 3, 64) + " s", what
	})
	return c
}

// newLaneChart draws the GC's spans on four lanes: mark phases, pauses,
// all mark assists, and the assists begun in map growth.
func newLaneChart(t *Trace) *chart {
	const laneH, gap = 22.0, 10.0
	lanes := []struct {
		name, class string
		spans       []traceprof.Span
	}{
		{"GC marking", "lane-gc", t.spans.gcs},
		{"stop-the-world", "lane-stw", t.spans.stws},
		{"mark assists", "lane-assist", t.spans.assists},
		{"in map growth", "lane-grow", t.spans.growAssists},
	}
	top := 30.0
	h := top + float64(len(lanes))*(laneH+gap) + 24
	c := &chart{
		ID: "lanes", W: chartW, H: h,
		Left: plotLeft + 40, Right: plotRight, Top: top, Bottom: h - 24,
		Label: "GC mark phases, stop-the-world pauses and mark assists over the trace",
	}
	xs, xticks := secondsAxis(t.DurationSeconds, c.Left, c.Right)
	c.XTicks = xticks
	for i, l := range lanes {
		y0 := top + float64(i)*(laneH+gap)
		c.Areas = append(c.Areas, shape{Class: "lane-bg", D: rectPath(c.Left, y0, c.Right, y0+laneH)})
		if len(l.spans) > 0 {
			c.Areas = append(c.Areas, shape{Class: l.class, D: spansPath(l.spans, xs, y0, y0+laneH)})
		}
		c.Labels = append(c.Labels, label{X: c.Left - 8, Y: y0 + laneH/2 + 4, Class: "lane", Text: l.name})
	}
	return c
}

// spansPath outlines spans (nanoseconds) as rectangles between y0 and y1,
// merging those the chart could not tell apart, and widening the
// shortest to a visible sliver.
func spansPath(spans []traceprof.Span, xs scale, y0, y1 float64) string {
	var b strings.Builder
	open := false
	var a, z float64
	flush := func() {
		if open {
			if z-a < 0.6 {
				z = a + 0.6
			}
			b.WriteString(rectPath(a, y0, z, y1))
		}
	}
	for _, s := range spans {
		x0, x1 := xs.at(float64(s.Start)/1e9), xs.at(float64(s.End)/1e9)
		if open && x0 <= z+laneMerge {
			z = max(z, x1)
			continue
		}
		flush()
		a, z, open = x0, x1, true
	}
	flush()
	return b.String()
}

func rectPath(x0, y0, x1, y1 float64) string {
	return "M" + px(x0) + "," + px(y0) + "H" + px(x1) + "V" + px(y1) + "H" + px(x0) + "Z"
}

// newOpsBar draws a site's CPU time per operation as one stacked bar, its
// assist time when it has no CPU samples.
func newOpsBar(s *TraceSite) *chart {
	const w, h = 120.0, 26.0
	c := &chart{W: w, H: h, Label: "time per map operation"}
	ops := s.Ops
	total := s.Seconds
	if total == 0 {
		ops, total = s.AssistOps, s.AssistSeconds
	}
	if total == 0 {
		return c
	}
	x := 0.0
	for _, op := range []struct {
		name string
		sec  float64
	}{
		{"lookup", ops.Lookup}, {"assign", ops.Assign}, {"grow", ops.Grow}, {"delete", ops.Delete},
		{"clear", ops.Clear}, {"iterate", ops.Iterate}, {"hash", ops.Hash}, {"make", ops.Make}, {"clone", ops.Clone},
	} {
		if op.sec <= 0 {
			continue
		}
		wd := op.sec / total * w
		c.Areas = append(c.Areas, shape{Class: "op-" + op.name, D: rectPath(x, 7, x+wd, h-7)})
		x += wd
	}
	return c
}
