package trend

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// classSeeds is how many seeded series each class is judged on.
const classSeeds = 100

// TestClasses runs Assess on simulated series of each class (sim_test.go)
// and requires the share of wanted verdicts, and that the verdicts a
// class must never get do not occur. The hit rates are logged: go test
// -v -run TestClasses shows them.
func TestClasses(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			counts := map[Verdict]int{}
			var misses []string
			for seed := range classSeeds {
				rng := rand.New(rand.NewPCG(uint64(seed), 7))
				pts := sc.gen(rng)
				a := Assess(pts, Options{})
				counts[a.Verdict]++
				if slices.Contains(sc.never, a.Verdict) {
					t.Errorf("seed %d (%d snapshots): %s: %s", seed, len(pts), a.Verdict, a.Reason)
				}
				if !slices.Contains(sc.want, a.Verdict) && len(misses) < 3 {
					misses = append(misses, fmt.Sprintf("seed %d: %s %d: %s", seed, a.Verdict, a.Score, a.Reason))
				}
			}
			hit := 0
			for _, v := range sc.want {
				hit += counts[v]
			}
			rate := float64(hit) / classSeeds
			min := sc.min
			if min == 0 {
				min = 0.95
			}
			t.Logf("%.0f%% %v (need %.0f%%): %s", 100*rate, sc.want, 100*min, breakdown(counts))
			if rate < min {
				t.Errorf("hit rate %.0f%% < %.0f%%; misses:\n%s", 100*rate, 100*min, strings.Join(misses, "\n"))
			}
		})
	}
}

func breakdown(counts map[Verdict]int) string {
	var parts []string
	for _, v := range Verdicts {
		if counts[v] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", v, counts[v]))
		}
	}
	return strings.Join(parts, ", ")
}
