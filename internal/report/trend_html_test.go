package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mapscope/mapscope/internal/trend"
)

// render writes tr as HTML and parses it back.
func render(t testing.TB, tr *Trend) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := tr.WriteHTML(&buf); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("parsing the report: %v", err)
	}
	return buf.String(), doc
}

// elements returns the elements under n named tag ("" for any) that have
// every class in classes.
func elements(n *html.Node, tag string, classes ...string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type != html.ElementNode || tag != "" && d.Data != tag {
			continue
		}
		have := strings.Fields(attr(d, "class"))
		if slices.ContainsFunc(classes, func(c string) bool { return !slices.Contains(have, c) }) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func byID(n *html.Node, id string) *html.Node {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && attr(d, "id") == id {
			return d
		}
	}
	return nil
}

func TestWriteHTML(t *testing.T) {
	tr := sampleTrend()
	_, doc := render(t, tr)

	if got, want := text(elements(doc, "title")[0]), "mapscope trend: profiles/svc"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	header := text(elements(doc, "header")[0])
	for _, want := range []string{"profiles/svc", "2026-03-01 08:00:00 UTC", "2026-03-01 14:02:00 UTC", "6h2m", "178 used", "2 skipped", "2 segments", "stack, binary, source", "1 leak", "2 growing"} {
		if !strings.Contains(header, want) {
			t.Errorf("the header does not say %q:\n%s", want, header)
		}
	}

	// The verdict table: one body per site, in the report's order, before
	// the charts.
	rows := elements(doc, "tbody", "site")
	if len(rows) != len(tr.Sites) {
		t.Fatalf("%d table rows, want one per site (%d)", len(rows), len(tr.Sites))
	}
	for i, row := range rows {
		s := tr.Sites[i]
		got := text(row)
		for _, want := range []string{s.Function, position(s.File, s.Line), s.Expr, s.Type, s.Kind, string(s.Verdict),
			fmt.Sprint(s.Score), s.Reason, Bytes(s.FirstBytes) + " → " + Bytes(s.LastBytes), rate(s.BytesPerHour), strings.Join(s.Evidence, ", ")} {
			if !strings.Contains(got, want) {
				t.Errorf("row %d does not say %q:\n%s", i+1, want, got)
			}
		}
		if n := len(elements(row, "svg", "spark")); n != 1 {
			t.Errorf("row %d has %d sparklines, want 1", i+1, n)
		}
	}
	if table, charts := byID(doc, "verdicts"), byID(doc, "charts"); table == nil || charts == nil || !precedes(table, charts) {
		t.Errorf("the verdict table does not come before the charts")
	}

	// One chart per leaking or growing site, each with its series and its
	// trend line, and its tooltip data in step with what it draws.
	var want []string
	for i, s := range tr.Sites {
		if s.Verdict == trend.Leak || s.Verdict == trend.Growing {
			want = append(want, fmt.Sprintf("site-%d", i+1))
		}
	}
	var got []string
	for _, fig := range elements(byID(doc, "charts"), "figure") {
		got = append(got, attr(fig, "id"))
		svg := elements(fig, "svg", "chart")
		if len(svg) != 1 {
			t.Errorf("figure %s has %d charts", attr(fig, "id"), len(svg))
			continue
		}
		if len(elements(svg[0], "path", "series")) != 1 || len(notKeys(elements(svg[0], "line", "trend"))) != 1 {
			t.Errorf("chart %s lacks its series or its trend line", attr(fig, "id"))
		}
		checkTips(t, svg[0], 118)
	}
	if !slices.Equal(got, want) {
		t.Errorf("charts %v, want %v (the leaking and growing sites)", got, want)
	}
	if n := len(elements(doc, "svg", "chart")); n != len(want)+1 {
		t.Errorf("%d charts in all, want %d site charts and the heap's", n, len(want))
	}

	// The heap: map and other bytes, one run per segment, the restart marked.
	heap := elements(byID(doc, "heap"), "svg", "chart", "heap")
	if len(heap) != 1 {
		t.Fatalf("%d heap charts, want 1", len(heap))
	}
	if m, o := len(elements(heap[0], "path", "area-map")), len(elements(heap[0], "path", "area-other")); m != 2 || o != 2 {
		t.Errorf("heap chart has %d map and %d other areas, want 2 each (two segments)", m, o)
	}
	if n := len(elements(heap[0], "line", "restart")); n != 1 {
		t.Errorf("heap chart marks %d restarts, want 1", n)
	}
	checkTips(t, heap[0], len(tr.Heap))

	if n := len(elements(byID(doc, "segments"), "tr")); n != 1+len(tr.Segments) {
		t.Errorf("segments table has %d rows, want a header and %d", n, len(tr.Segments))
	}
	skipped := elements(byID(doc, "skipped"), "li")
	if len(skipped) != len(tr.Skipped) || text(skipped[0]) != tr.Skipped[0] {
		t.Errorf("skipped snapshots listed as %d items, want %q...", len(skipped), tr.Skipped)
	}
	if w := elements(byID(doc, "warnings"), "li"); len(w) != 1 || text(w[0]) != tr.Warnings[0] {
		t.Errorf("warnings not listed")
	}
}

// notKeys drops the legend's samples from nodes.
func notKeys(nodes []*html.Node) []*html.Node {
	return slices.DeleteFunc(nodes, func(n *html.Node) bool { return slices.Contains(strings.Fields(attr(n, "class")), "key") })
}

// precedes reports whether a comes before b in document order.
func precedes(a, b *html.Node) bool {
	for d := range a.Parent.Descendants() {
		if d == b {
			return true
		}
	}
	for n := a.NextSibling; n != nil; n = n.NextSibling {
		if n == b || slices.Contains(slices.Collect(n.Descendants()), b) {
			return true
		}
	}
	return false
}

// checkTips checks that a chart's tooltip lists have one entry per drawn
// point, at most maxChartPoints, and want when the series is short.
func checkTips(t *testing.T, svg *html.Node, want int) {
	t.Helper()
	xs := strings.Fields(attr(svg, "data-tip-x"))
	ys := strings.Fields(attr(svg, "data-tip-y"))
	times := strings.Split(attr(svg, "data-tip-time"), "|")
	values := strings.Split(attr(svg, "data-tip-value"), "|")
	if len(xs) != len(ys) || len(xs) != len(times) || len(xs) != len(values) {
		t.Errorf("chart %q: tooltip lists of %d, %d, %d, %d entries", attr(svg, "aria-label"), len(xs), len(ys), len(times), len(values))
	}
	if want <= maxChartPoints && len(xs) != want || len(xs) > maxChartPoints+4 {
		t.Errorf("chart %q draws %d points of %d", attr(svg, "aria-label"), len(xs), want)
	}
}

// TestWriteHTMLSelfContained checks that the page loads nothing: no
// element that fetches, no URL but fragments, no font or import in the
// style sheet, and that only its own script and style may run, by hash.
func TestWriteHTMLSelfContained(t *testing.T) {
	for name, tr := range map[string]*Trend{"sample": sampleTrend(), "watch of a URL": bigTrend(40, 3)} {
		t.Run(name, func(t *testing.T) {
			_, doc := render(t, tr)
			for n := range doc.Descendants() {
				if n.Type != html.ElementNode {
					continue
				}
				switch n.Data {
				case "img", "link", "iframe", "object", "embed", "image", "use", "video", "audio", "source", "base", "form", "frame":
					t.Errorf("the page has a <%s> element", n.Data)
				}
				for _, a := range n.Attr {
					switch a.Key {
					case "src", "href", "xlink:href", "action", "formaction", "srcset", "poster", "data", "background":
						if !strings.HasPrefix(a.Val, "#") {
							t.Errorf("<%s %s=%q> is not a link within the page", n.Data, a.Key, a.Val)
						}
					}
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("<%s> has an event handler attribute %s", n.Data, a.Key)
					}
				}
			}
			for _, asset := range []string{trendCSS, trendJS} {
				for _, bad := range []string{"http:", "https:", "//", "url(", "@import", "@font-face", "fetch(", "XMLHttpRequest", "innerHTML", "eval("} {
					if bad == "//" {
						continue // the script's comments
					}
					if strings.Contains(asset, bad) {
						t.Errorf("an asset holds %q", bad)
					}
				}
			}

			scripts, styles := elements(doc, "script"), elements(doc, "style")
			if len(scripts) != 1 || len(styles) != 1 {
				t.Fatalf("%d scripts and %d style sheets, want one of each", len(scripts), len(styles))
			}
			js, css := text(scripts[0]), text(styles[0])
			if js != trendJS || css != trendCSS || attr(scripts[0], "src") != "" {
				t.Errorf("the script or the style sheet is not the embedded one")
			}
			var csp string
			for _, m := range elements(doc, "meta") {
				if strings.EqualFold(attr(m, "http-equiv"), "Content-Security-Policy") {
					csp = attr(m, "content")
				}
			}
			for _, want := range []string{"default-src 'none'", "script-src " + sha(js), "style-src " + sha(css)} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
		})
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// payloads are the strings a crafted profile could hold in a function
// name, a file name, a map expression or type: each tries to end the
// context it lands in and run a script that leaves a trace, a title of
// PWNED or a <pwned> element.
var payloads = []string{
	`<script>document.title='PWNED'</script>`,
	`"><img src=x onerror="document.title='PWNED'">`,
	`'><img src=x onerror='document.body.appendChild(document.createElement("pwned"))'>`,
	`</style><script>document.title='PWNED'</script>`,
	`]]><script>document.title='PWNED'</script><![CDATA[`,
	`</title><script>document.body.appendChild(document.createElement('pwned'))</script>`,
	`</text></svg><svg onload="document.title='PWNED'">`,
	`</textarea><iframe srcdoc="<script>parent.document.title='PWNED'</script>">`,
	`javascript:document.title='PWNED'`,
	`{{.CSP}} &amp; &lt;b&gt; ${1} \u2028 ключ→値 ‮evil`,
}

// craftedTrend is sampleTrend with payloads in every string that comes
// from a profile, its source or the command line.
func craftedTrend() *Trend {
	tr := sampleTrend()
	p := func(i int) string { return payloads[i%len(payloads)] }
	tr.Target = p(5)
	tr.Evidence = []string{p(0), "stack"}
	tr.Skipped = []string{p(1), p(3)}
	tr.Warnings = []string{p(2), p(4)}
	tr.Segments[1].Cause, tr.Segments[1].BuildID = p(5), p(6)
	for i := range tr.Sites {
		s := &tr.Sites[i]
		s.Function = p(i) + "main.F"
		s.File = "/build/" + p(i+1) + "/x.go"
		s.Expr = p(i + 2)
		s.Type = "map[string]" + p(i+3)
		s.Kind = p(i + 4)
		s.Reason = p(i + 5)
		s.Suggestion = p(i + 6)
		s.Path = []string{p(i + 7), p(i + 8)}
		s.Evidence = []string{p(i + 9)}
	}
	tr.Sites[len(tr.Sites)-1].Verdict = trend.Verdict(p(0)) // a report read back from crafted JSON
	return tr
}

// allowedElements are the elements the template writes; anything else in
// a page was made by a payload.
var allowedElements = []string{
	"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "dl", "dt", "dd", "code", "a", "span",
	"section", "ul", "li", "main", "div", "table", "thead", "tbody", "tr", "th", "td", "br", "strong", "p",
	"figure", "figcaption", "footer", "script", "svg", "text", "line", "path", "rect", "circle",
}

func TestWriteHTMLEscapes(t *testing.T) {
	tr := craftedTrend()
	raw, doc := render(t, tr)

	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && !slices.Contains(allowedElements, n.Data) {
			t.Errorf("the page has a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || a.Key == "srcdoc" || a.Key == "src" {
				t.Errorf("<%s> has an attribute %s", n.Data, a.Key)
			}
		}
	}
	if n := len(elements(doc, "script")); n != 1 {
		t.Errorf("%d scripts, want the page's own", n)
	}
	for _, bad := range []string{"<script>document", "<img", "<iframe", "<svg onload", "</style><", "]]><", "</title><", "javascript:document"} {
		if strings.Contains(raw, bad) && !strings.Contains(raw, "&lt;") {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	// A payload that ended an element would leave one more end tag in
	// the page than the elements the parser found.
	for _, tag := range []string{"script", "style", "title", "text", "svg", "textarea"} {
		if n, end := len(elements(doc, tag)), strings.Count(raw, "</"+tag+">"); n != end {
			t.Errorf("%d <%s> elements but %d </%s>", n, tag, end, tag)
		}
	}

	// Escaped, not mangled: each string reads back as it was, in the
	// table, in the SVG text and title, and in attributes.
	if got, want := text(elements(doc, "title")[0]), "mapscope trend: "+tr.Target; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	rows := elements(doc, "tbody", "site")
	for i, s := range tr.Sites {
		got := text(rows[i])
		for _, want := range []string{s.Function, position(s.File, s.Line), s.Expr, s.Type, s.Kind, s.Reason, s.Suggestion, strings.Join(s.Path, " → "), s.Evidence[0]} {
			if !strings.Contains(got, want) {
				t.Errorf("row %d does not read back %q:\n%s", i+1, want, got)
			}
		}
	}
	for _, fig := range elements(byID(doc, "charts"), "figure") {
		var n int
		if _, err := fmt.Sscanf(attr(fig, "id"), "site-%d", &n); err != nil || n < 1 || n > len(tr.Sites) {
			t.Fatalf("chart id %q names no site", attr(fig, "id"))
		}
		s := tr.Sites[n-1]
		svg := elements(fig, "svg")[0]
		if got := text(elements(svg, "text", "heading")[0]); got != s.Function {
			t.Errorf("SVG heading %q, want %q", got, s.Function)
		}
		label := fmt.Sprintf("bytes of %s at %s over time", s.Function, position(s.File, s.Line))
		if got := attr(svg, "aria-label"); got != label {
			t.Errorf("aria-label %q, want %q", got, label)
		}
		if got := text(elements(svg, "title")[0]); got != label {
			t.Errorf("SVG title %q, want %q", got, label)
		}
	}
	if got := text(elements(byID(doc, "segments"), "tr")[2]); !strings.Contains(got, tr.Segments[1].Cause) || !strings.Contains(got, tr.Segments[1].BuildID) {
		t.Errorf("segment row does not read back its cause and build ID: %q", got)
	}
	if got := attr(elements(doc, "tbody", "site", "v-other")[0], "class"); got != "site v-other" {
		t.Errorf("a crafted verdict became the class %q", got)
	}
}

func TestWriteHTMLEdges(t *testing.T) {
	at := func(m int) time.Time { return sparkStart.Add(time.Duration(m) * time.Minute) }
	site := func(v trend.Verdict, pts ...trend.Point) TrendSite {
		return TrendSite{Function: "main.f", File: "f.go", Line: 1, Map: true, Kind: "grow", Verdict: v, Points: pts}
	}
	for name, tr := range map[string]*Trend{
		"empty":            {Command: "trend"},
		"no points":        {Command: "trend", Sites: []TrendSite{site(trend.Leak)}},
		"one snapshot":     {Command: "watch", Sites: []TrendSite{site(trend.Leak, trend.Point{Time: at(0), Bytes: 5})}, Heap: []HeapPoint{{Time: at(0), Bytes: 10, MapBytes: 5}}},
		"flat at zero":     {Command: "trend", Sites: []TrendSite{site(trend.Growing, trend.Point{Time: at(0)}, trend.Point{Time: at(1)})}},
		"equal times":      {Command: "trend", Sites: []TrendSite{site(trend.Leak, trend.Point{Time: at(0), Bytes: 1}, trend.Point{Time: at(0), Bytes: 9})}},
		"steep, negative":  {Command: "trend", Sites: []TrendSite{{Verdict: trend.Leak, BytesPerHour: 1e12, Points: []trend.Point{{Time: at(0), Bytes: 1}, {Time: at(90), Bytes: -4}}}}},
		"days, huge bytes": {Command: "trend", Sites: []TrendSite{site(trend.Leak, trend.Point{Time: at(0), Bytes: 1 << 50}, trend.Point{Time: at(60 * 24 * 9), Bytes: 3 << 50})}},
		"map above total":  {Command: "trend", Heap: []HeapPoint{{Time: at(0), Bytes: 1, MapBytes: 5}, {Time: at(1), Bytes: 2, MapBytes: 3}}},
	} {
		t.Run(name, func(t *testing.T) {
			raw, doc := render(t, tr)
			for _, bad := range []string{"NaN", "Inf", "ZgotmplZ", "%!"} {
				if strings.Contains(raw, bad) {
					t.Errorf("the page holds %q", bad)
				}
			}
			if len(tr.Sites) == 0 && !strings.Contains(text(doc), "No map sites") {
				t.Errorf("an empty report does not say so")
			}
		})
	}
}

func TestTheilSenIntercept(t *testing.T) {
	start := sparkStart
	var pts []trend.Point
	for i := range 9 {
		pts = append(pts, trend.Point{Time: start.Add(time.Duration(i) * 30 * time.Minute), Bytes: 1000 + int64(i)*50}) // 100 B/h
	}
	if got := theilSenIntercept(pts, 100); got != 1000 {
		t.Errorf("points on a line: intercept %v, want 1000", got)
	}
	pts[4].Bytes = 1 << 30 // an outlier moves a least-squares line, not this one
	pts[7].Bytes = 0
	if got := theilSenIntercept(pts, 100); got != 1000 {
		t.Errorf("with outliers: intercept %v, want 1000", got)
	}
	if got := theilSenIntercept(pts[:2], 100); got != 1000 {
		t.Errorf("two points: intercept %v, want 1000", got)
	}
}

func TestDownsample(t *testing.T) {
	values := make([]int64, 1000)
	for i := range values {
		values[i] = int64(i % 10)
	}
	values[537] = 1 << 40 // a spike
	values[538] = -1      // and a drop
	value := func(i int) int64 { return values[i] }
	for _, tc := range []struct{ n, limit int }{{0, 300}, {1, 300}, {300, 300}, {301, 300}, {1000, 300}, {1000, 60}, {1000, 5}, {1000, 3}} {
		keep := downsample(tc.n, value, tc.limit)
		if len(keep) > max(tc.limit, 2) || tc.n <= tc.limit && len(keep) != tc.n {
			t.Errorf("downsample(%d, %d) kept %d", tc.n, tc.limit, len(keep))
		}
		if !slices.IsSorted(keep) || len(slices.Compact(slices.Clone(keep))) != len(keep) {
			t.Errorf("downsample(%d, %d) = %v: not increasing", tc.n, tc.limit, keep)
		}
		if tc.n > 0 && (keep[0] != 0 || keep[len(keep)-1] != tc.n-1) {
			t.Errorf("downsample(%d, %d) lost an end: %v...", tc.n, tc.limit, keep[:min(len(keep), 3)])
		}
		if tc.n == 1000 && tc.limit >= 5 && (!slices.Contains(keep, 537) || !slices.Contains(keep, 538)) {
			t.Errorf("downsample(%d, %d) lost the spike or the drop", tc.n, tc.limit)
		}
	}
}

func TestBytesAxis(t *testing.T) {
	const MiB = 1 << 20
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{1.9 * MiB, 39 * MiB, []string{"0", "10 MiB", "20 MiB", "30 MiB", "40 MiB"}},
		{100 * MiB, 110 * MiB, []string{"100 MiB", "102 MiB", "104 MiB", "106 MiB", "108 MiB", "110 MiB"}},
		{0, 3.4 * MiB, []string{"0", "1 MiB", "2 MiB", "3 MiB", "4 MiB"}},
		{0, 900, []string{"0", "200 B", "400 B", "600 B", "800 B", "1000 B"}},
		{0, 5, []string{"0", "1 B", "2 B", "3 B", "4 B", "5 B"}},
		{0, 0, []string{"0", "0.2 KiB", "0.4 KiB", "0.6 KiB", "0.8 KiB", "1.0 KiB"}},
		{0, 1.2 * MiB, []string{"0", "0.25 MiB", "0.50 MiB", "0.75 MiB", "1.00 MiB", "1.25 MiB"}},
		{-2 * MiB, 2 * MiB, []string{"-2 MiB", "-1 MiB", "0", "1 MiB", "2 MiB"}},
	} {
		s, ticks := bytesAxis(tc.lo, tc.hi, 200, 40)
		var got []string
		for _, tk := range ticks {
			got = append(got, tk.Label)
			if tk.Pos < 40-1e-9 || tk.Pos > 200+1e-9 {
				t.Errorf("bytesAxis(%v, %v): tick %s at %v, outside the plot", tc.lo, tc.hi, tk.Label, tk.Pos)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("bytesAxis(%v, %v) ticks %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
		if s.at(tc.lo) > 200+1e-9 || s.at(tc.hi) < 40-1e-9 || math.IsNaN(s.at(tc.hi)) {
			t.Errorf("bytesAxis(%v, %v): the values fall outside the axis", tc.lo, tc.hi)
		}
	}
}

func TestTimeAxis(t *testing.T) {
	at := func(d time.Duration) time.Time { return sparkStart.Add(d) } // 09:00 UTC
	for _, tc := range []struct {
		start, end time.Time
		want       []string
	}{
		{at(3 * time.Minute), at(4*time.Hour + 3*time.Minute), []string{"10:00", "11:00", "12:00", "13:00"}},
		{at(0), at(90 * time.Second), []string{"09:00:00", "09:00:15", "09:00:30", "09:00:45", "09:01:00", "09:01:15", "09:01:30"}},
		{at(12 * time.Hour), at(20 * time.Hour), []string{"Mar 1 22:00", "Mar 2 00:00", "02:00", "04:00"}},
		{at(0), at(9 * 24 * time.Hour), []string{"Mar 2", "Mar 4", "Mar 6", "Mar 8", "Mar 10"}},
		{at(0), at(0), []string{"09:00:00"}},
	} {
		s, ticks := timeAxis(tc.start, tc.end, 68, 704)
		var got []string
		for _, tk := range ticks {
			got = append(got, tk.Label)
			if tk.Pos < 68 || tk.Pos > 704 {
				t.Errorf("timeAxis(%v, %v): tick %s at %v, outside the plot", tc.start, tc.end, tk.Label, tk.Pos)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("timeAxis(%v, %v) ticks %q, want %q", tc.start, tc.end, got, tc.want)
		}
		if x := s.at(tc.end.Sub(s.origin).Seconds()); x < 68 || x > 704 {
			t.Errorf("timeAxis(%v, %v): the end at %v, outside the plot", tc.start, tc.end, x)
		}
	}
}

// TestWriteHTMLSize is the bound of issue 8: a watch of 1,000 snapshots
// of 50 sites, all charted, writes well under 5 MB.
func TestWriteHTMLSize(t *testing.T) {
	raw, doc := render(t, bigTrend(1000, 50))
	if len(raw) >= 5<<20 {
		t.Errorf("1000 snapshots x 50 sites: %d bytes, want < 5 MiB", len(raw))
	}
	charts := elements(doc, "svg", "chart")
	if len(charts) != 51 {
		t.Errorf("%d charts, want 50 sites and the heap", len(charts))
	}
	for _, c := range charts {
		checkTips(t, c, 1000)
	}
	t.Logf("1000 snapshots x 50 sites: %d bytes", len(raw))
}

func BenchmarkWriteHTML(b *testing.B) {
	tr := bigTrend(1000, 50)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := tr.WriteHTML(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}
