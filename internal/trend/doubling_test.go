package trend

import (
	"encoding/json"
	"os"
	"path/filepath"
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

// TestDoublingMapMeasured reads series measured from the cache trend
// scenario (testdata/trend/cache), one map leaking: [ms since the first
// snapshot, bytes, objects] per snapshot.
//
// go1.23-cache-loaded.json: built with Go 1.23.12 and run on two cores
// kept busy by four other processes. Go 1.23's map is one bucket array
// that doubles whole, always sampled (its objects are 1), with the old
// array live beside the new one for a few snapshots after each doubling;
// the snapshot of the last doubling came 470 ms after the one before, not
// the usual 80. Before doublings allowed for both effects this read as
// growing mostly at one time.
func TestDoublingMapMeasured(t *testing.T) {
	for _, tc := range []struct {
		file string
		want Verdict
	}{
		{"go1.23-cache-loaded.json", Leak},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var rows [][3]int64
			if err := json.Unmarshal(data, &rows); err != nil {
				t.Fatal(err)
			}
			pts := make([]Point, len(rows))
			for i, r := range rows {
				pts[i] = Point{Time: t0.Add(time.Duration(r[0]) * time.Millisecond), Bytes: r[1], Objects: r[2]}
			}
			if a := Assess(pts, Options{}); a.Verdict != tc.want {
				t.Errorf("verdict %s (%s), want %s", a.Verdict, a.Reason, tc.want)
			}
		})
	}
}

// TestDoublingWaves checks the two shapes of a doubling that are not a
// clean step: a wave spread over three snapshots (a map of many tables
// splitting over a few seconds), and a doubling whose old storage stays
// live for two snapshots (Go 1.23 and earlier).
func TestDoublingWaves(t *testing.T) {
	const mb = 1 << 20
	spreadWave := staircase(30, 2*mb, []int{4, 12})
	for _, i := range []int{12, 13} { // the second doubling arrives over three snapshots
		pts := spreadWave[i]
		pts.Bytes = 4*mb + int64(i-11)*4*mb/3
		spreadWave[i] = pts
	}
	overlap := staircase(30, 2*mb, []int{6, 14})
	for _, i := range []int{6, 7, 14, 15} { // old and new both live: 1.5x the new size
		overlap[i].Bytes = overlap[i].Bytes * 3 / 2
	}
	for _, tc := range []struct {
		name string
		pts  []Point
	}{
		{"wave over three snapshots", spreadWave},
		{"old storage live after doubling", overlap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := prepare(tc.pts)
			steps := s.doublings(512 << 10)
			if len(steps) != 2 {
				t.Fatalf("found %d doublings, want 2", len(steps))
			}
			if a := Assess(tc.pts, Options{}); a.Verdict != Leak {
				t.Errorf("verdict %s (%s), want leak", a.Verdict, a.Reason)
			}
		})
	}
}
