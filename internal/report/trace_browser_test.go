package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// TestTraceHTMLInChromium opens the crafted trace page in headless
// Chromium, without its Content-Security-Policy so that escaping alone
// protects it, and reads the DOM back after the scripts ran: none of the
// payloads ran, while a control script and handler injected into the same
// page did; the page's own script ran and hovering the heap chart shows
// its tooltip; both charts and every site rendered. (The policy itself is
// the trend page's, tested by TestHTMLInChromium.)
func TestTraceHTMLInChromium(t *testing.T) {
	chromium := testenv.NeedTool(t, "chromium", "install Debian's chromium package")
	const control = `<script>document.documentElement.setAttribute('data-control','script');` +
		`var c = document.querySelector('svg.chart.heap'), r = c.getBoundingClientRect();` +
		`c.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + r.width/2, clientY: r.top + r.height/2, bubbles: true}));</script>` +
		`<svg width="0" height="0" onload="document.documentElement.setAttribute('data-control-handler','ran')"></svg>`
	tr := craftedTrace()
	var buf bytes.Buffer
	if err := tr.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(dropCSP(buf.String()), "</body>", control+"</body>", 1)
	file := filepath.Join(t.TempDir(), "trace.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := dumpDOM(t, chromium, file)

	root := htmlElement(doc)
	if attr(root, "data-control") != "script" || attr(root, "data-control-handler") != "ran" {
		t.Fatalf("the control script and handler did not run: the test cannot see a payload run")
	}
	if attr(root, "data-script") != "ran" {
		t.Errorf("the page's script did not run")
	}
	checkNothingRan(t, doc, "mapscope trace: "+tr.Trace, "a crafted trace string", traceElements)
	if n := len(elements(doc, "svg", "chart")); n != 2 {
		t.Errorf("%d charts rendered, want 2", n)
	}
	if rows := elements(doc, "tbody", "site"); len(rows) != len(tr.Sites) || !strings.Contains(text(rows[0]), tr.Sites[0].Function) {
		t.Errorf("the crafted strings do not read back in the rendered table")
	}
	fig := elements(doc, "figure", "chart-box")[0]
	tip := elements(fig, "div", "tip")[0]
	if slices.ContainsFunc(tip.Attr, func(a html.Attribute) bool { return a.Key == "hidden" }) || !traceTip.MatchString(text(tip)) {
		t.Errorf("hovering the heap chart shows the tooltip %q, want a time and the heap", text(tip))
	}
}

var traceTip = regexp.MustCompile(`^\d+\.\d{3} s  heap \d+(\.\d)? (B|KiB|MiB|GiB)(, goal \d+(\.\d)? (B|KiB|MiB|GiB))?$`)
