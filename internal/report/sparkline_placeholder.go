package report

import (
	"io"

	"github.com/mapscope/mapscope/internal/trend"
)

// Sparkline is a placeholder until the HTML report lands with its own.
func Sparkline(points []trend.Point, width int) string {
	const bars = "▁▂▃▄▅▆▇█"
	if len(points) == 0 || width <= 0 {
		return ""
	}
	lo, hi := points[0].Bytes, points[0].Bytes
	for _, p := range points {
		lo, hi = min(lo, p.Bytes), max(hi, p.Bytes)
	}
	r := []rune(bars)
	out := make([]rune, 0, width)
	for i := 0; i < width; i++ {
		p := points[i*len(points)/width]
		k := 0
		if hi > lo {
			k = int(float64(p.Bytes-lo) / float64(hi-lo) * float64(len(r)-1))
		}
		out = append(out, r[k])
	}
	return string(out)
}

// WriteHTML is a placeholder until the HTML report lands.
func (t *Trend) WriteHTML(w io.Writer) error {
	_, err := io.WriteString(w, "<!doctype html><title>mapscope trend</title>")
	return err
}
