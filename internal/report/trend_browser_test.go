package report

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

var screenshotTo = flag.String("screenshot", "", "save TestHTMLInChromium's screenshot of the sample report to this file too")

// TestHTMLInChromium opens reports in headless Chromium, from disk as a
// user would, and reads back the DOM after the page's script ran. Two
// runs, since each takes seconds:
//
//   - the sample report, with a script and a handler injected as a
//     missed escape would let them in: it renders, with its charts, and
//     its Content-Security-Policy runs the page's own script but stops
//     the injected ones; the run also takes a screenshot;
//   - the crafted report, without the policy, so that only escaping
//     protects it: none of its payloads runs. A control script and
//     handler injected into the same page must run, so the test cannot
//     pass by not seeing what runs; the control also hovers a chart,
//     which must show its tooltip.
func TestHTMLInChromium(t *testing.T) {
	chromium := testenv.NeedTool(t, "chromium", "install Debian's chromium package")
	dir := t.TempDir()

	t.Run("sample", func(t *testing.T) {
		const injected = `<script>document.title='PWNED';document.body.appendChild(document.createElement('pwned'))</script>` +
			`<svg width="0" height="0" onload="document.documentElement.setAttribute('data-pwned','handler')"></svg>`
		page := writePage(t, dir, "sample.html", sampleTrend(), func(page string) string {
			return strings.Replace(page, "</body>", injected+"</body>", 1)
		})
		shot := filepath.Join(dir, "sample.png")
		doc := dumpDOM(t, chromium, page, "--screenshot="+shot, "--window-size=1200,2000")

		if attr(htmlElement(doc), "data-script") != "ran" {
			t.Errorf("the page's script did not run under its Content-Security-Policy")
		}
		if got, want := len(elements(doc, "svg", "chart")), 4; got != want {
			t.Errorf("%d charts in the rendered page, want %d (three sites and the heap)", got, want)
		}
		if got, want := len(elements(doc, "tbody", "site")), len(sampleTrend().Sites); got != want {
			t.Errorf("%d table rows in the rendered page, want %d", got, want)
		}
		checkNothingRan(t, doc, "mapscope trend: profiles/svc", "a script injected past the Content-Security-Policy", allowedElements)
		checkScreenshot(t, shot)
	})

	t.Run("crafted", func(t *testing.T) {
		// The control also moves the mouse over the first chart, after
		// the page's script set up its tooltips.
		const control = `<script>document.documentElement.setAttribute('data-control','script');` +
			`var c = document.querySelector('svg.chart'), r = c.getBoundingClientRect();` +
			`c.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + r.width/2, clientY: r.top + r.height/2, bubbles: true}));</script>` +
			`<svg width="0" height="0" onload="document.documentElement.setAttribute('data-control-handler','ran')"></svg>`
		tr := craftedTrend()
		page := writePage(t, dir, "crafted.html", tr, func(page string) string {
			return strings.Replace(dropCSP(page), "</body>", control+"</body>", 1)
		})
		doc := dumpDOM(t, chromium, page)

		root := htmlElement(doc)
		if attr(root, "data-control") != "script" || attr(root, "data-control-handler") != "ran" {
			t.Fatalf("the control script and handler did not run: the test cannot see a payload run")
		}
		if attr(root, "data-script") != "ran" {
			t.Errorf("the page's script did not run")
		}
		checkNothingRan(t, doc, "mapscope trend: "+tr.Target, "a crafted profile string", allowedElements)
		fig := elements(doc, "figure", "chart-box")[0]
		tip := elements(fig, "div", "tip")[0]
		if slices.ContainsFunc(tip.Attr, func(a html.Attribute) bool { return a.Key == "hidden" }) || !tooltip.MatchString(text(tip)) {
			t.Errorf("hovering the first chart shows the tooltip %q, want a time and bytes", text(tip))
		}
		if dot := elements(fig, "circle", "dot")[0]; attr(dot, "cx") == "0" || !strings.Contains(attr(elements(fig, "svg")[0], "class"), "hover") {
			t.Errorf("hovering the first chart does not mark the point")
		}
		rows := elements(doc, "tbody", "site")
		if len(rows) != len(tr.Sites) || !strings.Contains(text(rows[0]), tr.Sites[0].Function) {
			t.Errorf("the crafted strings do not read back in the rendered table")
		}
	})
}

func checkScreenshot(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 1200 || r.Dy() != 2000 {
		t.Errorf("screenshot of %v, want 1200x2000", r)
	}
	if n := colors(img); n < 16 {
		t.Errorf("the screenshot has %d colors: an empty page?", n)
	}
	if *screenshotTo != "" {
		if err := os.WriteFile(*screenshotTo, b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// checkNothingRan checks a rendered page for the traces the payloads try
// to leave: a changed title, an element the template does not write, an
// attribute set by a handler.
func checkNothingRan(t *testing.T, doc *html.Node, title, what string, allowed []string) {
	t.Helper()
	if got := text(elements(doc, "title")[0]); got != title {
		t.Errorf("%s changed the title to %q", what, got)
	}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && !slices.Contains(allowed, n.Data) {
			t.Errorf("%s made a <%s> element", what, n.Data)
		}
	}
	if v := attr(htmlElement(doc), "data-pwned"); v != "" {
		t.Errorf("%s ran a handler (%s)", what, v)
	}
}

func htmlElement(doc *html.Node) *html.Node {
	if e := elements(doc, "html"); len(e) > 0 {
		return e[0]
	}
	return doc
}

var tooltip = regexp.MustCompile(`^\d\d:\d\d:\d\d  -?\d+(\.\d)? (B|KiB|MiB|GiB)$`)

var cspMeta = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`)

func dropCSP(page string) string {
	out := cspMeta.ReplaceAllString(page, "")
	if out == page {
		panic("the page has no Content-Security-Policy to drop")
	}
	return out
}

func writePage(t *testing.T, dir, name string, tr *Trend, edit func(string) string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := tr.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if edit != nil {
		page = edit(page)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func fileURL(path string) string { return (&url.URL{Scheme: "file", Path: path}).String() }

// dumpDOM returns the DOM of page once loaded and its script ran; args
// go to Chromium as well (a screenshot in the same run).
func dumpDOM(t *testing.T, chromium, page string, args ...string) *html.Node {
	t.Helper()
	out := runChromium(t, chromium, append(args, "--dump-dom", fileURL(page))...)
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parsing Chromium's DOM of %s: %v", page, err)
	}
	if len(elements(doc, "title")) == 0 {
		t.Fatalf("Chromium's DOM of %s has no title:\n%.2000s", page, out)
	}
	return doc
}

// runChromium runs headless Chromium on a file URL, quietly: no network
// of its own, a fresh profile, a minute at most in case it hangs.
func runChromium(t *testing.T, chromium string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	profile, err := os.MkdirTemp("", "mapscope-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile) // not t.TempDir: a helper process may still be writing as Chromium exits
	cmd := exec.CommandContext(ctx, chromium, append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile,
	}, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 20))
	}
	return stdout.Bytes()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// colors counts the distinct colors of img, up to 1000.
func colors(img image.Image) int {
	seen := make(map[color.RGBA]bool)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}
