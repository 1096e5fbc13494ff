package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
	"github.com/mapscope/mapscope/internal/traceprof"
)

// Trace is the report of "mapscope trace".
type Trace struct {
	Schema     int      `json:"schema"`
	Command    string   `json:"command"` // "trace"
	Trace      string   `json:"trace"`
	Format     string   `json:"format"`      // the trace format, "1.26"
	GoVersions string   `json:"go_versions"` // the releases that write it, "Go 1.26-1.27"
	Evidence   []string `json:"evidence"`

	DurationSeconds float64 `json:"duration_seconds"`
	GC              TraceGC `json:"gc"`

	CPUSamples int     `json:"cpu_samples"` // 0 when CPU profiling did not run during the trace
	CPUHz      int     `json:"cpu_hz"`      // the rate the samples are counted at (-hz)
	CPUSeconds float64 `json:"cpu_seconds"` // the samples times their period
	MapSeconds float64 `json:"map_seconds"` // CPU time in map code
	MapShare   float64 `json:"map_share"`   // MapSeconds / CPUSeconds
	Ops        Ops     `json:"ops"`         // MapSeconds per operation

	Heap     TraceHeap   `json:"heap"`
	Sites    []TraceSite `json:"sites"`
	Warnings []string    `json:"warnings,omitempty"`

	spans traceSpans // for the HTML page's charts
}

// traceSpans are the spans the HTML page charts, which the JSON leaves
// out: a trace has thousands.
type traceSpans struct {
	gcs, stws, assists, growAssists []traceprof.Span
	heapPoints                      int
}

// TraceGC sums up the garbage collector's work over the trace.
type TraceGC struct {
	Cycles            int     `json:"cycles"`       // concurrent mark phases
	MarkSeconds       float64 `json:"mark_seconds"` // their length, summed
	STWPauses         int     `json:"stw_pauses"`
	STWSeconds        float64 `json:"stw_seconds"`
	STWMaxSeconds     float64 `json:"stw_max_seconds"`
	Assists           int     `json:"assists"`
	AssistSeconds     float64 `json:"assist_seconds"`      // all mark assists
	MapAssistSeconds  float64 `json:"map_assist_seconds"`  // assists that began in map code
	GrowAssistSeconds float64 `json:"grow_assist_seconds"` // of which, in map growth
	AssistOps         Ops     `json:"assist_ops"`          // MapAssistSeconds per operation
}

// TraceHeap is the heap over the trace: its peaks and a timeline of at
// most maxChartPoints points.
type TraceHeap struct {
	PeakBytes     uint64           `json:"peak_bytes"`
	PeakGoalBytes uint64           `json:"peak_goal_bytes"`
	Timeline      []TraceHeapPoint `json:"timeline"`
}

// A TraceHeapPoint is the heap at a time of the trace.
type TraceHeapPoint struct {
	Seconds   float64 `json:"t"`     // since the trace began
	Bytes     uint64  `json:"bytes"` // /memory/classes/heap/objects:bytes
	GoalBytes uint64  `json:"goal_bytes"`
}

// TraceSite is a site of the cpu report with the mark assists that began
// in its map code.
type TraceSite struct {
	CPUSite
	AssistSeconds float64  `json:"assist_seconds"`
	Assists       int      `json:"assists"`
	AssistOps     Ops      `json:"assist_ops"`
	AssistStack   []string `json:"assist_stack,omitempty"` // the longest assist's stack, from the site down
}

// TraceInput is what NewTrace builds a report from.
type TraceInput struct {
	Trace    string
	Result   *traceprof.Result
	Evidence []string
	Warnings []string
	HZ       int // the CPU profile rate the samples are counted at
}

// NewTrace builds the trace report.
func NewTrace(in TraceInput) *Trace {
	r := in.Result
	stw, longest := r.STWTime()
	t := &Trace{
		Schema:          Schema,
		Command:         "trace",
		Trace:           in.Trace,
		Format:          fmt.Sprintf("1.%d", r.Version),
		GoVersions:      traceprof.GoVersions(r.Version),
		Evidence:        in.Evidence,
		DurationSeconds: seconds(r.Duration),
		GC: TraceGC{
			Cycles:            len(r.GCs),
			MarkSeconds:       seconds(r.GCTime()),
			STWPauses:         len(r.STWs),
			STWSeconds:        seconds(stw),
			STWMaxSeconds:     seconds(longest),
			Assists:           len(r.Assists),
			AssistSeconds:     seconds(r.AssistTotal),
			MapAssistSeconds:  seconds(r.AssistMap.Total()),
			GrowAssistSeconds: seconds(r.AssistMap[mapop.Grow]),
			AssistOps:         opsOf(&r.AssistMap),
		},
		CPUSamples: r.CPUSamples,
		CPUHz:      in.HZ,
		CPUSeconds: seconds(r.CPUTotal),
		MapSeconds: seconds(r.Map.Total()),
		MapShare:   ratio(r.Map.Total(), r.CPUTotal),
		Ops:        opsOf(&r.Map),
		Sites:      []TraceSite{},
		Warnings:   in.Warnings,
	}
	t.spans.gcs = r.GCs
	for _, s := range r.STWs {
		t.spans.stws = append(t.spans.stws, s.Span)
	}
	for _, a := range r.Assists {
		t.spans.assists = append(t.spans.assists, a.Span)
		if a.Site != nil && a.Op == mapop.Grow {
			t.spans.growAssists = append(t.spans.growAssists, a.Span)
		}
	}
	t.spans.heapPoints = len(r.Heap)
	t.Heap.PeakBytes, t.Heap.PeakGoalBytes = r.PeakHeap()
	t.Heap.Timeline = heapTimeline(r.Heap, r.Goal, maxChartPoints)
	withSource := hasEvidence(in.Evidence, "source")
	for _, s := range r.Sites {
		t.Sites = append(t.Sites, TraceSite{
			CPUSite:       cpuSite(s, r.CPUTotal, withSource),
			AssistSeconds: seconds(s.Assist.Total()),
			Assists:       s.Assists,
			AssistOps:     opsOf(&s.Assist),
			AssistStack:   r.AssistStacks[s],
		})
	}
	return t
}

// heapTimeline pairs each heap point with the goal in force then, keeping
// at most limit points: the lowest and highest of each stretch.
func heapTimeline(heap, goal []traceprof.Point, limit int) []TraceHeapPoint {
	keep := downsample(len(heap), func(i int) int64 { return int64(heap[i].Value) }, limit)
	out := make([]TraceHeapPoint, 0, len(keep))
	g := 0
	for _, i := range keep {
		p := heap[i]
		for g+1 < len(goal) && goal[g+1].T <= p.T {
			g++
		}
		var gb uint64
		if g < len(goal) && goal[g].T <= p.T {
			gb = goal[g].Value
		}
		out = append(out, TraceHeapPoint{Seconds: seconds(p.T), Bytes: p.Value, GoalBytes: gb})
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (t *Trace) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// WriteText writes the human report: the GC's work, the assists in map
// code, the heap, the CPU samples in map code, then the top sites.
func (t *Trace) WriteText(w io.Writer, top int) error {
	var b strings.Builder
	g := &t.GC
	fmt.Fprintf(&b, "%s: a %s trace (format %s), %s\n", t.Trace, t.GoVersions, t.Format, Duration(t.DurationSeconds))
	fmt.Fprintf(&b, "evidence: %s\n", strings.Join(t.Evidence, ", "))
	fmt.Fprintf(&b, "GC: %d cycles, marking for %s; %d stop-the-world pauses, %s in all, the longest %s\n",
		g.Cycles, Duration(g.MarkSeconds), g.STWPauses, Duration(g.STWSeconds), Duration(g.STWMaxSeconds))
	if g.Assists == 0 {
		b.WriteString("mark assists: none")
	} else {
		fmt.Fprintf(&b, "mark assists: %d, %s", g.Assists, Duration(g.AssistSeconds))
	}
	if g.MapAssistSeconds > 0 {
		fmt.Fprintf(&b, "; begun in map code %s (%s)", Duration(g.MapAssistSeconds), opsText(g.AssistOps, ""))
	}
	b.WriteString("\n")
	if t.Heap.PeakBytes > 0 {
		fmt.Fprintf(&b, "heap: peak %s, goal at most %s\n", Bytes(int64(t.Heap.PeakBytes)), Bytes(int64(t.Heap.PeakGoalBytes)))
	}
	if t.CPUSamples > 0 {
		fmt.Fprintf(&b, "CPU samples: %d (%s at %d Hz); map code %s (%s)\n", t.CPUSamples, Duration(t.CPUSeconds), t.CPUHz, Duration(t.MapSeconds), Percent(t.MapShare))
		if t.MapSeconds > 0 {
			fmt.Fprintf(&b, "  by operation: %s\n", opsText(t.Ops, ""))
		}
	}
	for _, warn := range t.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}
	if len(t.Sites) == 0 {
		b.WriteString("\nno map code in this trace's CPU samples or mark assists\n")
	} else {
		b.WriteString("\ntop map sites by time:\n")
	}
	for i := range t.Sites {
		if i == top {
			break
		}
		s := &t.Sites[i]
		extra := ""
		if s.Assists > 0 {
			extra = fmt.Sprintf("; %d mark assists, %s", s.Assists, Duration(s.AssistSeconds))
			if s.Assists == 1 {
				extra = fmt.Sprintf("; 1 mark assist, %s", Duration(s.AssistSeconds))
			}
		}
		writeCPUSite(&b, i+1, &s.CPUSite, extra)
		if len(s.AssistStack) > 0 {
			fmt.Fprintf(&b, "    assist: %s\n", strings.Join(shortStack(s.AssistStack), " -> "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// shortStack keeps a stack readable: the site, the map call, the growth
// frames, and the allocator's call into the assist. When the map call is
// deep in a library (a decoder's reflect.mapassign0 under its Unmarshal,
// ReadVal, ...), the library frames above it give way to it.
func shortStack(stack []string) []string {
	if len(stack) <= 6 {
		return stack
	}
	entry := 0
	for i := 1; i < len(stack)-2; i++ {
		if mapop.Of(stack[i]) != mapop.None {
			entry = i
			break
		}
	}
	if entry <= 2 {
		return append(append(append([]string{}, stack[:4]...), "..."), stack[len(stack)-2:]...)
	}
	// The site, the frame making the map call, the call down to its
	// first growth frame (or the frame below it), the assist.
	out := []string{stack[0], "...", stack[entry-1]}
	end := min(entry+2, len(stack)-2)
	for i := entry; i < min(entry+4, len(stack)-2); i++ {
		if mapop.Of(stack[i]) == mapop.Grow {
			end = i + 1
			break
		}
	}
	out = append(out, stack[entry:end]...)
	if end < len(stack)-2 {
		out = append(out, "...")
	}
	return append(out, stack[len(stack)-2:]...)
}
