package report

import (
	"strings"
	"time"

	"github.com/mapscope/mapscope/internal/trend"
)

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws a series as width block characters, the lowest block
// for the series' minimum and the highest for its maximum, so that a
// report line shows the shape of a site's bytes at a glance.
//
// The series is resampled by time, not by snapshot, so that a gap in
// the snapshots stays a gap in time: each character covers an equal
// stretch of the series and shows the largest value in it (peaks are
// what memory is about), or repeats the character before it when the
// stretch holds no snapshot. A series whose points share one time is
// resampled by position instead. A flat series is a row of the lowest
// block; an empty one, or a width below 1, gives "".
func Sparkline(points []trend.Point, width int) string {
	if len(points) == 0 || width < 1 {
		return ""
	}
	cols := resample(points, width)
	lo, hi := cols[0], cols[0]
	for _, v := range cols {
		lo, hi = min(lo, v), max(hi, v)
	}
	var b strings.Builder
	b.Grow(width * 3)
	for _, v := range cols {
		level := 0
		if hi > lo {
			level = int(float64(v-lo)/float64(hi-lo)*float64(len(sparkBlocks)-1) + 0.5)
		}
		b.WriteRune(sparkBlocks[level])
	}
	return b.String()
}

// resample returns width values: per column, the largest value of the
// points that fall in it, or the previous column's value if none does.
func resample(points []trend.Point, width int) []int64 {
	pos := positions(points)
	span := pos[len(pos)-1] - pos[0]
	cols := make([]int64, width)
	filled := make([]bool, width) // column 0 always is: the first point is there
	for i, p := range points {
		c := 0
		if span > 0 {
			c = min(int((pos[i]-pos[0])/span*float64(width)), width-1)
		}
		if !filled[c] || p.Bytes > cols[c] {
			cols[c], filled[c] = p.Bytes, true
		}
	}
	for c := 1; c < width; c++ {
		if !filled[c] {
			cols[c] = cols[c-1]
		}
	}
	return cols
}

// positions places the points on a line: their time since the first
// point, or their index when time does not separate them (equal or
// unordered times, as in hand-made series).
func positions(points []trend.Point) []float64 {
	pos := make([]float64, len(points))
	ordered := true
	for i := range points {
		pos[i] = float64(points[i].Time.Sub(points[0].Time)) / float64(time.Second)
		if i > 0 && pos[i] < pos[i-1] {
			ordered = false
		}
	}
	if !ordered || pos[len(pos)-1] == 0 {
		for i := range pos {
			pos[i] = float64(i)
		}
	}
	return pos
}
