package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
	"github.com/mapscope/mapscope/internal/traceprof"
)

// sampleTraceResult is a trace of four seconds: GC cycles every 400ms
// with their pauses, assists in the growth of one site, the heap climbing
// in steps, CPU samples at four sites.
func sampleTraceResult(assists int) *traceprof.Result {
	sites := cpuSites()
	r := &traceprof.Result{Version: 26, Duration: 4e9, AssistStacks: map[*cpuprof.Site][]string{}}
	for i := int64(0); i < 10; i++ {
		start := i * 400 * ms
		r.GCs = append(r.GCs, traceprof.Span{Start: start + 100*ms, End: start + 160*ms})
		r.STWs = append(r.STWs,
			traceprof.STW{Span: traceprof.Span{Start: start + 100*ms, End: start + 100*ms + 200_000}, Reason: "GC sweep termination"},
			traceprof.STW{Span: traceprof.Span{Start: start + 160*ms, End: start + 160*ms + 300_000}, Reason: "GC mark termination"})
	}
	grow := sites[0]
	for i := 0; i < assists; i++ {
		at := int64(i) * 4e9 / int64(assists)
		a := traceprof.Assist{Span: traceprof.Span{Start: at, End: at + 150_000}}
		if i%3 != 0 {
			a.Site, a.Op = grow, mapop.Grow
			grow.Assist[mapop.Grow] += a.Len()
			grow.Assists++
			r.AssistMap[mapop.Grow] += a.Len()
		}
		r.Assists = append(r.Assists, a)
		r.AssistTotal += a.Len()
	}
	if grow.Assists > 0 {
		r.AssistStacks[grow] = []string{"main.(*Index).Build", "runtime.mapassign_faststr", "internal/runtime/maps.(*table).rehash",
			"internal/runtime/maps.(*table).split", "internal/runtime/maps.newTable", "runtime.mallocgc", "runtime.gcAssistAlloc"}
	}
	for i := int64(0); i <= 400; i++ {
		r.Heap = append(r.Heap, traceprof.Point{T: i * 10 * ms, Value: uint64(8<<20 + (i%40)*(1<<20))})
		if i%40 == 0 {
			r.Goal = append(r.Goal, traceprof.Point{T: i * 10 * ms, Value: 64 << 20})
		}
	}
	for _, s := range sites {
		r.Map.Add(&s.CPU)
		r.CPUSamples += s.Samples
	}
	r.CPUTotal = r.Map.Total() + 600*ms
	r.CPUSamples += 60
	r.Sites = sites
	return r
}

func sampleTrace() *Trace {
	return NewTrace(TraceInput{Trace: "trace.out", Result: sampleTraceResult(30), Evidence: []string{"stack", "source"}, HZ: 100})
}

func TestTraceGolden(t *testing.T) {
	tr := sampleTrace()
	var text, js bytes.Buffer
	if err := tr.WriteText(&text, 10); err != nil {
		t.Fatal(err)
	}
	if err := tr.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "trace.txt", text.Bytes())
	golden(t, "trace.json", js.Bytes())
}

// The trace's sites have the cpu report's fields plus the assists, and
// the GC, heap and CPU figures the schema promises.
func TestTraceJSON(t *testing.T) {
	var js bytes.Buffer
	if err := sampleTrace().WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "command", "trace", "format", "go_versions", "evidence", "duration_seconds", "gc", "cpu_samples", "cpu_seconds", "map_seconds", "map_share", "ops", "heap", "sites"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	gc := doc["gc"].(map[string]any)
	for _, k := range []string{"cycles", "mark_seconds", "stw_pauses", "stw_seconds", "stw_max_seconds", "assists", "assist_seconds", "map_assist_seconds", "grow_assist_seconds", "assist_ops"} {
		if _, ok := gc[k]; !ok {
			t.Errorf("gc has no %q", k)
		}
	}
	if gc["cycles"].(float64) != 10 || gc["stw_pauses"].(float64) != 20 || gc["assists"].(float64) != 30 {
		t.Errorf("gc %v", gc)
	}
	site := doc["sites"].([]any)[0].(map[string]any)
	for _, k := range []string{"function", "file", "line", "seconds", "ops", "grow_share", "assist_seconds", "assists", "assist_ops", "assist_stack"} {
		if _, ok := site[k]; !ok {
			t.Errorf("site has no %q", k)
		}
	}
	if site["assists"].(float64) != 20 || site["assist_seconds"].(float64) != 0.003 {
		t.Errorf("assists %v, %v s; want 20, 0.003", site["assists"], site["assist_seconds"])
	}
	tl := doc["heap"].(map[string]any)["timeline"].([]any)
	if len(tl) == 0 || len(tl) > maxChartPoints {
		t.Errorf("a heap timeline of %d points", len(tl))
	}
	last := tl[len(tl)-1].(map[string]any)
	if last["t"].(float64) != 4 || last["goal_bytes"].(float64) != 64<<20 {
		t.Errorf("last point %v, want t 4 and the goal in force", last)
	}
}

// traceElements are the elements the trace template writes.
var traceElements = append(slices.Clone(allowedElements), "details", "summary", "ol", "i")

func renderTrace(t *testing.T, tr *Trace) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := tr.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

func TestTraceHTML(t *testing.T) {
	tr := sampleTrace()
	_, doc := renderTrace(t, tr)
	if n := len(elements(doc, "svg", "chart")); n != 2 {
		t.Errorf("%d charts, want the heap and the lanes", n)
	}
	if n := len(elements(doc, "tbody", "site")); n != len(tr.Sites) {
		t.Errorf("%d rows, want %d", n, len(tr.Sites))
	}
	heap := elements(doc, "svg", "heap")[0]
	if len(elements(heap, "path", "goal")) != 1 || len(elements(heap, "path", "gc-band")) != 1 || attr(heap, "data-tip-x") == "" {
		t.Errorf("the heap chart lacks its goal, its GC bands or its tooltips")
	}
	lanes := byID(doc, "heap")
	for _, class := range []string{"lane-gc", "lane-stw", "lane-assist", "lane-grow"} {
		if len(elements(lanes, "path", class)) != 1 {
			t.Errorf("no %s lane", class)
		}
	}
	// Each lane merges spans the chart cannot tell apart: ten GC cycles
	// are ten rectangles.
	if d := attr(elements(lanes, "path", "lane-gc")[0], "d"); strings.Count(d, "M") != 10 {
		t.Errorf("the GC lane draws %d spans, want 10", strings.Count(d, "M"))
	}
	scripts, styles := elements(doc, "script"), elements(doc, "style")
	if len(scripts) != 1 || len(styles) != 1 || text(scripts[0]) != traceJS || text(styles[0]) != traceCSS {
		t.Fatalf("the page's script and style are not the embedded ones")
	}
	var csp string
	for _, m := range elements(doc, "meta") {
		if strings.EqualFold(attr(m, "http-equiv"), "Content-Security-Policy") {
			csp = attr(m, "content")
		}
	}
	for _, want := range []string{"default-src 'none'", "script-src " + sha(traceJS), "style-src " + sha(traceCSS)} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	for n := range doc.Descendants() {
		for _, a := range n.Attr {
			if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "#") {
				t.Errorf("<%s %s=%q> loads something", n.Data, a.Key, a.Val)
			}
		}
	}
}

// craftedTrace puts payloads in every string that comes from the trace,
// the source or the command line.
func craftedTrace() *Trace {
	tr := sampleTrace()
	p := func(i int) string { return payloads[i%len(payloads)] }
	tr.Trace = p(5)
	tr.Evidence = []string{p(0), "stack"}
	tr.Warnings = []string{p(2), p(4)}
	for i := range tr.Sites {
		s := &tr.Sites[i]
		s.Function = p(i) + "main.F"
		s.File = "/build/" + p(i+1) + "/x.go"
		s.Expr = p(i + 2)
		s.Type = "map[string]" + p(i+3)
		s.Suggestion = p(i + 6)
		s.Path = []string{p(i + 7), p(i + 8)}
		s.Calls = p(i + 9)
		if len(s.AssistStack) > 0 {
			s.AssistStack = []string{p(i + 1), p(i + 3), "runtime.gcAssistAlloc"}
		}
	}
	return tr
}

func TestTraceHTMLEscapes(t *testing.T) {
	tr := craftedTrace()
	raw, doc := renderTrace(t, tr)
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && !slices.Contains(traceElements, n.Data) {
			t.Errorf("the page has a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || a.Key == "srcdoc" || a.Key == "src" {
				t.Errorf("<%s> has an attribute %s", n.Data, a.Key)
			}
		}
	}
	for _, tag := range []string{"script", "style", "title", "text", "svg"} {
		if n, end := len(elements(doc, tag)), strings.Count(raw, "</"+tag+">"); n != end {
			t.Errorf("%d <%s> elements but %d </%s>", n, tag, end, tag)
		}
	}
	if got, want := text(elements(doc, "title")[0]), "mapscope trace: "+tr.Trace; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	rows := elements(doc, "tbody", "site")
	for i, s := range tr.Sites {
		got := text(rows[i])
		for _, want := range append([]string{s.Function, position(s.File, s.Line), s.Expr, s.Type, s.Suggestion, strings.Join(s.Path, " → ")}, s.AssistStack...) {
			if !strings.Contains(got, want) {
				t.Errorf("row %d does not read back %q", i+1, want)
			}
		}
	}
	for _, w := range tr.Warnings {
		if !strings.Contains(text(byID(doc, "warnings")), w) {
			t.Errorf("warning %q does not read back", w)
		}
	}
}

// A trace of a hundred thousand assists writes a page of a bounded size:
// spans closer than the chart can show are drawn as one.
func TestTraceHTMLSize(t *testing.T) {
	tr := NewTrace(TraceInput{Trace: "big.out", Result: sampleTraceResult(100_000), Evidence: []string{"stack"}, HZ: 100})
	var buf bytes.Buffer
	if err := tr.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Errorf("the page is %d bytes", buf.Len())
	}
}

// TestShortStack: an assist's stack keeps the map call and its growth
// frame when the call is deep in a library, as in github.com/json-iterator/go
// decoding into a map (a stack from a trace of jsoniter.Unmarshal).
func TestShortStack(t *testing.T) {
	stack := []string{"main.unhinted", "github.com/json-iterator/go.Unmarshal", "github.com/json-iterator/go.(*frozenConfig).Unmarshal",
		"github.com/json-iterator/go.(*Iterator).ReadVal", "github.com/json-iterator/go.(*mapDecoder).Decode",
		"github.com/modern-go/reflect2.(*UnsafeMapType).UnsafeSetIndex", "reflect.mapassign", "reflect.mapassign0", "runtime.mapassign",
		"internal/runtime/maps.(*table).rehash", "internal/runtime/maps.(*table).split", "internal/runtime/maps.newTable",
		"internal/runtime/maps.(*table).reset", "internal/runtime/maps.newGroups", "internal/runtime/maps.newarray", "runtime.newarray",
		"runtime.mallocgc", "runtime.deductAssistCredit", "runtime.gcAssistAlloc"}
	got := strings.Join(shortStack(stack), " -> ")
	want := "main.unhinted -> ... -> reflect.mapassign -> reflect.mapassign0 -> runtime.mapassign -> internal/runtime/maps.(*table).rehash -> ... -> runtime.deductAssistCredit -> runtime.gcAssistAlloc"
	if got != want {
		t.Errorf("shortStack =\n%s\nwant\n%s", got, want)
	}
	// A map call right under the site keeps the first frames, as before.
	sets := []string{"main.unhinted", "k8s.io/apimachinery/pkg/util/sets.Set[...].Insert", "runtime.mapassign_faststr",
		"internal/runtime/maps.(*table).rehash", "internal/runtime/maps.(*table).split", "runtime.mallocgc", "runtime.deductAssistCredit", "runtime.gcAssistAlloc"}
	if got, want := strings.Join(shortStack(sets), " -> "), "main.unhinted -> k8s.io/apimachinery/pkg/util/sets.Set[...].Insert -> runtime.mapassign_faststr -> internal/runtime/maps.(*table).rehash -> ... -> runtime.deductAssistCredit -> runtime.gcAssistAlloc"; got != want {
		t.Errorf("shortStack =\n%s\nwant\n%s", got, want)
	}
}

// TestTraceTextAssistCounts: no assists say so, one is one.
func TestTraceTextAssistCounts(t *testing.T) {
	r := &Trace{Trace: "t.out", Evidence: []string{"stack"}}
	r.Sites = []TraceSite{{Assists: 1, AssistSeconds: 0.002}}
	r.Sites[0].Function, r.Sites[0].Samples = "main.f", 1
	var b strings.Builder
	if err := r.WriteText(&b, 10); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "mark assists: none\n") || !strings.Contains(b.String(), "; 1 mark assist, 2.0 ms") {
		t.Errorf("text:\n%s", b.String())
	}
}
