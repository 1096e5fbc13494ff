package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The HTML reports (trend and watch, trace) are each one self-contained
// file: the templates, the style sheet and the script are embedded here
// and written inline, charts are SVG drawn in Go (this file), and a page
// loads nothing, so it works opened from disk, mailed or attached to an
// issue, and its charts exist without JavaScript. chart.html holds the
// SVG template every page draws its charts with, chart.js the hover
// tooltips, report.css the style both pages share.
//
//go:embed assets/chart.html assets/chart.js assets/report.css assets/trend.html assets/trace.html assets/trace.css
var assets embed.FS

var (
	reportCSS = mustAsset("assets/report.css")
	chartJS   = mustAsset("assets/chart.js")
)

// pageCSP lets a page run its own script and style sheet and nothing
// else: no network, no inline handler, no other script. Every string from
// a profile is escaped by html/template; this is the second wall, should
// an escape ever be missed.
func pageCSP(css, js string) string {
	return "default-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'; " +
		"style-src " + cspHash(css) + "; script-src " + cspHash(js)
}

func mustAsset(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return string(b)
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// A chart is an SVG chart laid out in viewBox units.
type chart struct {
	ID                       string
	Label                    string // what the chart shows, for screen readers and the tooltip
	Heading                  string
	W, H                     float64
	Left, Top, Right, Bottom float64 // the plot area
	XTicks, YTicks           []tick
	Areas                    []shape
	Lines                    []shape
	Trend                    *trendLine
	Restarts                 []restart
	Legend                   []legendItem
	Labels                   []label // text at a place of the chart (the trace's lane names)
	Tip                      *tipData
	Drawn, Of                int    // points drawn of the series' points
	Empty                    string // said instead of a plot when there is nothing to draw
}

type tick struct {
	Pos   float64
	Label string
}

type shape struct {
	Class, D string
}

type label struct {
	X, Y        float64
	Class, Text string
}

type legendItem struct {
	X           float64
	Class, Text string
	Line        bool // a line; else a swatch
}

// tipData is what the hover script reads: per drawn point, its position
// and what to say about it, so the script does no arithmetic of its own.
type tipData struct {
	X, Y        string // space-separated viewBox coordinates
	Time, Value string // "|"-separated labels
}

const (
	chartW, chartH = 720.0, 240.0
	plotLeft       = 68.0
	plotRight      = chartW - 16
	plotTop        = 42.0
	plotBottom     = chartH - 28
)

// A span is the indices from..to-1 of a series.
type span struct{ from, to int }

// newTip writes what the hover script reads for the points x, y: label
// says, per point, when it is and what it shows.
func newTip(x, y []float64, label func(j int) (when, what string)) *tipData {
	var tx, ty, tt, tv strings.Builder
	for j := range x {
		if j > 0 {
			tx.WriteByte(' ')
			ty.WriteByte(' ')
			tt.WriteByte('|')
			tv.WriteByte('|')
		}
		tx.WriteString(px(x[j]))
		ty.WriteString(px(y[j]))
		when, what := label(j)
		tt.WriteString(when)
		tv.WriteString(what)
	}
	return &tipData{X: tx.String(), Y: ty.String(), Time: tt.String(), Value: tv.String()}
}

// downsample returns the indices of the points to draw, in order: all of
// them when there are at most limit, else the first, the last and, in
// each of (limit-2)/2 equal stretches, the lowest and the highest.
func downsample(n int, value func(int) int64, limit int) []int {
	if n <= limit || limit < 4 {
		if n <= limit {
			return indices(n)
		}
		return []int{0, n - 1}
	}
	buckets := (limit - 2) / 2
	keep := make([]int, 0, limit)
	keep = append(keep, 0)
	for b := range buckets {
		from, to := 1+b*(n-2)/buckets, 1+(b+1)*(n-2)/buckets
		if from >= to {
			continue
		}
		lo, hi := from, from
		for i := from; i < to; i++ {
			if value(i) < value(lo) {
				lo = i
			}
			if value(i) > value(hi) {
				hi = i
			}
		}
		keep = append(keep, min(lo, hi))
		if lo != hi {
			keep = append(keep, max(lo, hi))
		}
	}
	return append(keep, n-1)
}

func indices(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// scale maps a domain onto a range of viewBox units; origin is the time
// at domain value 0 when the domain is time.
type scale struct {
	d0, d1, r0, r1 float64
	origin         time.Time
}

func (s scale) at(v float64) float64 {
	if s.d1 == s.d0 {
		return (s.r0 + s.r1) / 2
	}
	return s.r0 + (v-s.d0)/(s.d1-s.d0)*(s.r1-s.r0)
}

var byteUnits = []struct {
	size float64
	name string
}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}, {1, "B"}}

// bytesAxis lays out a byte axis over lo..hi with four to eight ticks at
// round numbers of one binary unit. It starts at zero unless the values
// sit high above it, so a rise from 100 to 110 MiB is not flattened.
func bytesAxis(lo, hi, r0, r1 float64) (scale, []tick) {
	if lo >= 0 && lo <= hi/2 {
		lo = 0
	}
	if hi <= lo {
		lo = min(lo, 0)
		hi = max(hi, lo+1024)
	}
	unit := byteUnits[len(byteUnits)-1]
	for _, u := range byteUnits {
		if max(math.Abs(lo), math.Abs(hi)) >= u.size {
			unit = u
			break
		}
	}
	raw := (hi - lo) / unit.size / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if unit.name == "B" {
		step = max(step, 1)
	}
	first := math.Floor(lo/unit.size/step) * step
	last := math.Ceil(hi/unit.size/step) * step
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	if step*math.Pow(10, float64(decimals)) != math.Round(step*math.Pow(10, float64(decimals))) {
		decimals++ // 2.5, 0.25
	}
	s := scale{d0: first * unit.size, d1: last * unit.size, r0: r0, r1: r1}
	var ticks []tick
	for k := 0; k <= int(math.Round((last-first)/step)); k++ {
		v := first + float64(k)*step
		label := strconv.FormatFloat(v, 'f', decimals, 64) + " " + unit.name
		if v == 0 {
			label = "0"
		}
		ticks = append(ticks, tick{Pos: s.at(v * unit.size), Label: label})
	}
	return s, ticks
}

func linePath(x, y []float64) string {
	b := make([]byte, 0, len(x)*12)
	for i := range x {
		if i == 0 {
			b = append(b, 'M')
		} else {
			b = append(b, 'L')
		}
		b = strconv.AppendFloat(b, round1(x[i]), 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, round1(y[i]), 'f', -1, 64)
	}
	return string(b)
}

// areaPath outlines the area between the line top and the line bottom.
func areaPath(x, top, bottom []float64) string {
	if len(x) == 0 {
		return ""
	}
	rx := slices.Clone(x)
	rb := slices.Clone(bottom)
	slices.Reverse(rx)
	slices.Reverse(rb)
	return linePath(append(slices.Clone(x), rx...), append(slices.Clone(top), rb...)) + "Z"
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// px formats a viewBox coordinate, to a tenth of a unit.
func px(v float64) string { return strconv.FormatFloat(round1(v), 'f', -1, 64) }

func position(file string, line int) string { return fmt.Sprintf("%s:%d", shortFile(file), line) }
