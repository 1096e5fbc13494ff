package report

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mapscope/mapscope/internal/trend"
)

var sparkStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// sparkSeries returns one point per value, a minute apart.
func sparkSeries(values ...int64) []trend.Point {
	pts := make([]trend.Point, len(values))
	for i, v := range values {
		pts[i] = trend.Point{Time: sparkStart.Add(time.Duration(i) * time.Minute), Bytes: v}
	}
	return pts
}

func TestSparkline(t *testing.T) {
	gap := sparkSeries(0, 10, 20, 30)
	gap[2].Time = sparkStart.Add(10 * time.Minute) // the snapshots in between were skipped
	gap[3].Time = sparkStart.Add(11 * time.Minute)
	sameTime := sparkSeries(5, 1, 9)
	for i := range sameTime {
		sameTime[i].Time = time.Time{}
	}
	for _, tc := range []struct {
		name   string
		points []trend.Point
		width  int
		want   string
	}{
		{"empty", nil, 8, ""},
		{"zero width", sparkSeries(1, 2, 3), 0, ""},
		{"negative width", sparkSeries(1, 2, 3), -3, ""},
		{"one point", sparkSeries(42), 4, "▁▁▁▁"},
		{"flat", sparkSeries(7, 7, 7, 7), 4, "▁▁▁▁"},
		{"all zero", sparkSeries(0, 0, 0), 3, "▁▁▁"},
		{"rising, one per column", sparkSeries(0, 1, 2, 3, 4, 5, 6, 7), 8, "▁▂▃▄▅▆▇█"},
		{"falling", sparkSeries(7, 6, 5, 4, 3, 2, 1, 0), 8, "█▇▆▅▄▃▂▁"},
		{"downsampled keeps the peak", sparkSeries(0, 0, 0, 100, 0, 0, 0, 0), 4, "▁█▁▁"},
		{"downsampled rising", sparkSeries(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), 4, "▁▃▆█"},
		{"upsampled holds each value", sparkSeries(0, 7), 4, "▁▁▁█"},
		{"negative values", sparkSeries(-4, 0, 4), 3, "▁▅█"},
		{"a gap in time stays a gap", gap, 4, "▁▁▁█"},
		{"equal times fall back to position", sameTime, 3, "▅▁█"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Sparkline(tc.points, tc.width)
			if got != tc.want {
				t.Errorf("Sparkline(%d points, %d) = %q, want %q", len(tc.points), tc.width, got, tc.want)
			}
		})
	}
}

func TestSparklineWidth(t *testing.T) {
	long := make([]trend.Point, 1000)
	for i := range long {
		long[i] = trend.Point{Time: sparkStart.Add(time.Duration(i) * time.Second), Bytes: int64(i * i % 977)}
	}
	for _, width := range []int{1, 2, 7, 40, 999, 1000, 1500} {
		if n := utf8.RuneCountInString(Sparkline(long, width)); n != width {
			t.Errorf("Sparkline(1000 points, %d) has %d characters", width, n)
		}
	}
}
