package trend

import (
	"testing"
	"time"
)

// staircase returns n snapshots a minute apart of one map's storage:
// level[i] bytes from the time of steps[i] (in snapshots) on, so that a
// map doubling at steps 5, 10, 20 is {5, 10, 20} with levels doubling.
func staircase(n int, base int64, steps []int) []Point {
	pts := make([]Point, n)
	for i := range pts {
		b := base
		for _, s := range steps {
			if i >= s {
				b *= 2
			}
		}
		pts[i] = Point{Time: t0.Add(time.Duration(i) * time.Minute), Bytes: b, Objects: b / tableSize}
	}
	return pts
}

func TestDoublingMap(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name  string
		pts   []Point
		want  Verdict
		wants string
	}{
		// A leaking map doubles at times that double; the window ends
		// flat, less than two gaps after the last doubling.
		{"leak ending flat", staircase(36, 2*mb, []int{3, 8, 18}), Leak, "in doublings"},
		// Its doublings seen through a window where they read as a ramp.
		{"leak doubling steadily", staircase(40, 2*mb, []int{4, 9, 19, 29}), Leak, ""},
		// The same map, watched long after its last doubling: overdue.
		{"stopped after doubling", staircase(60, 2*mb, []int{4, 8, 12}), Plateau, ""},
		// One jump and flat after it is a plateau, whatever it was.
		{"one jump", staircase(40, 4*mb, []int{15}), Plateau, ""},
		// A burst: doublings close together, then a long flat stretch.
		{"burst", staircase(40, 2*mb, []int{5, 8}), Plateau, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Assess(tc.pts, Options{})
			if a.Verdict != tc.want {
				t.Errorf("verdict %s (%s), want %s", a.Verdict, a.Reason, tc.want)
			}
			if tc.wants != "" && !contains(a.Reason, tc.wants) {
				t.Errorf("reason %q does not say %q", a.Reason, tc.wants)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
