package trend

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// bruteTheilSen is the definition: the median of all pairwise slopes.
func bruteTheilSen(x, y []float64) (float64, bool) {
	var s []float64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			if x[i] != x[j] {
				s = append(s, (y[j]-y[i])/(x[j]-x[i]))
			}
		}
	}
	if len(s) == 0 {
		return 0, false
	}
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// bruteS is the Mann-Kendall statistic by its definition.
func bruteS(x, y []float64) int64 {
	sign := func(v float64) int64 {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	var s int64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			s += sign(x[j]-x[i]) * sign(y[j]-y[i])
		}
	}
	return s
}

func TestTheilSenByHand(t *testing.T) {
	for _, c := range []struct {
		name string
		x, y []float64
		want float64
		ok   bool
	}{
		// slopes 1 (0,1), 3 (0,2), 5 (1,2): median 3.
		{"three", []float64{0, 1, 2}, []float64{0, 1, 6}, 3, true},
		// one outlier does not move it: slopes 1,1,1,1,1,7.5 and so on;
		// of the 10 pairs, 6 have slope 1.
		{"outlier", []float64{0, 1, 2, 3, 4}, []float64{0, 1, 2, 30, 4}, 1, true},
		// slopes: (0,1)=2 (0,2)=1 (1,2)=0 (0,3)=0 (1,3)=-1 (2,3)=-2:
		// sorted -2 -1 0 0 1 2, median 0.
		{"even", []float64{0, 1, 2, 3}, []float64{0, 2, 2, 0}, 0, true},
		// equal x leave out the pair: x=1 twice, slopes 4 and 6 and the
		// two from x=0: (0->1a)=4 (0->1b)=6, median (4+6)/2 = 5.
		{"tied time", []float64{0, 1, 1}, []float64{0, 4, 6}, 5, true},
		{"all tied", []float64{2, 2, 2}, []float64{1, 5, 9}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := theilSen(c.x, c.y, new(scratch))
			if ok != c.ok || got != c.want {
				t.Errorf("theilSen = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

// TestTheilSenExact checks the counted selection, which takes over above
// exactPairs, against the definition on series with the ties real
// profiles have: runs of equal values, zeros, duplicate times.
func TestTheilSenExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 24 {
		n := 120 + rng.IntN(200)
		x := make([]float64, n)
		y := make([]float64, n)
		tm := 0.0
		for i := range x {
			if trial%3 != 0 || rng.IntN(8) != 0 { // some duplicate times
				tm += rng.ExpFloat64()
			}
			x[i] = tm
			switch trial % 4 {
			case 0: // quantized steps, many ties
				y[i] = float64(rng.IntN(6)) * 524288
			case 1: // trend plus noise
				y[i] = 1000*tm + rng.NormFloat64()*500
			case 2: // mostly zero
				if rng.IntN(10) == 0 {
					y[i] = 530000
				}
			case 3: // a step
				if i > n/2 {
					y[i] = 5e6
				}
			}
		}
		sortByXY(x, y)
		want, wok := bruteTheilSen(x, y)
		got, ok := theilSen(x, y, new(scratch))
		if ok != wok || got != want {
			t.Fatalf("trial %d (n=%d, kind %d): theilSen = %v, %v; definition gives %v, %v", trial, n, trial%4, got, ok, want, wok)
		}
	}
}

func sortByXY(x, y []float64) {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if x[a] != x[b] {
			if x[a] < x[b] {
				return -1
			}
			return 1
		}
		if y[a] < y[b] {
			return -1
		}
		if y[a] > y[b] {
			return 1
		}
		return 0
	})
	xs, ys := slices.Clone(x), slices.Clone(y)
	for i, j := range idx {
		x[i], y[i] = xs[j], ys[j]
	}
}

func TestMannKendallByHand(t *testing.T) {
	// y = 1 3 2 4 5: pairs rising 9, falling 1 -> S = 8. No ties:
	// Var = 5*4*15/18 = 16.667. n <= 10: exact p. Of the 120 orders of 5
	// values, those with S >= 8 have at most 1 inversion: 1 + 4 = 5, and by
	// symmetry 5 with S <= -8: p = 10/120.
	k := mannKendall([]float64{0, 1, 2, 3, 4}, []float64{1, 3, 2, 4, 5}, new(scratch))
	if k.S != 8 || math.Abs(k.Var-50.0/3) > 1e-9 || math.Abs(k.P-10.0/120) > 1e-12 || k.Tau != 0.8 {
		t.Errorf("got S=%d Var=%v P=%v Tau=%v; want 8, 16.667, 0.0833, 0.8", k.S, k.Var, k.P, k.Tau)
	}
	// Ties in y: 0 0 1 1: S = 4 (the four 0->1 pairs). Var = (4*3*13 -
	// 2*(2*1*9))/18 = (156-36)/18 = 6.667. Exact: the 6 distinct orders
	// of {0,0,1,1} give S = 4 for one (0011) and -4 for one (1100): p = 2/6.
	// Tau-b = S / sqrt(6 * (6-2)): the 2 tied pairs cannot count.
	k = mannKendall([]float64{0, 1, 2, 3}, []float64{0, 0, 1, 1}, new(scratch))
	if k.S != 4 || math.Abs(k.Var-20.0/3) > 1e-9 || math.Abs(k.P-2.0/6) > 1e-12 || math.Abs(k.Tau-4/math.Sqrt(24)) > 1e-12 {
		t.Errorf("ties: got S=%d Var=%v P=%v Tau=%v; want 4, 6.667, 0.333, 0.816", k.S, k.Var, k.P, k.Tau)
	}
	// 20 snapshots, the first two 0 and the rest equal: S = 2*18 = 36,
	// and of the C(20,2) = 190 equally likely places of the two zeros,
	// only first-two and last-two give |S| >= 36: p = 2/190. (The normal
	// approximation gives 0.027.)
	x20 := make([]float64, 20)
	y20 := make([]float64, 20)
	for i := range x20 {
		x20[i] = float64(i)
		if i >= 2 {
			y20[i] = 1
		}
	}
	k = mannKendall(x20, y20, new(scratch))
	if k.S != 36 || math.Abs(k.P-2.0/190) > 1e-12 {
		t.Errorf("appeared: got S=%d P=%v; want 36, %v", k.S, k.P, 2.0/190)
	}
	// Constant: no trend.
	k = mannKendall([]float64{0, 1, 2, 3}, []float64{7, 7, 7, 7}, new(scratch))
	if k.S != 0 || k.P != 1 {
		t.Errorf("constant: got S=%d P=%v; want 0, 1", k.S, k.P)
	}
}

// TestMannKendallExactP checks the q-multinomial against enumerating every
// order of the multiset of values.
func TestMannKendallExactP(t *testing.T) {
	for _, y := range [][]float64{
		{3, 1, 4, 1, 5, 9, 2},
		{0, 0, 0, 1, 0, 1, 1, 1},
		{5, 5, 5, 5, 5, 6},
		{1, 2, 3, 5, 4, 6, 7, 8, 9},
		{2, 2, 1, 1, 3, 3, 0, 0, 4},
	} {
		n := len(y)
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i)
		}
		obs := bruteS(x, y)
		var total, tail int
		perm := slices.Clone(y)
		slices.Sort(perm)
		for {
			total++
			if s := bruteS(x, perm); abs64(s) >= abs64(obs) {
				tail++
			}
			if !nextPerm(perm) {
				break
			}
		}
		k := mannKendall(x, y, new(scratch))
		if k.S != obs {
			t.Errorf("%v: S = %d, definition %d", y, k.S, obs)
		}
		if want := float64(tail) / float64(total); math.Abs(k.P-want) > 1e-12 {
			t.Errorf("%v: P = %v, enumeration %v", y, k.P, want)
		}
	}
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// nextPerm steps a to its next lexicographic order of the multiset.
func nextPerm(a []float64) bool {
	i := len(a) - 2
	for i >= 0 && a[i] >= a[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(a) - 1
	for a[j] <= a[i] {
		j--
	}
	a[i], a[j] = a[j], a[i]
	slices.Reverse(a[i+1:])
	return true
}

// TestMannKendallRandom checks S and the variance against the definitions
// on series with ties in both time and value, and that without ties the
// variance is n(n-1)(2n+5)/18.
func TestMannKendallRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := 2 + rng.IntN(60)
		x := make([]float64, n)
		y := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(n))
			y[i] = float64(rng.IntN(1 + trial%7))
		}
		if trial%2 == 0 {
			for i := range x {
				x[i] = float64(i)
				y[i] = rng.NormFloat64()
			}
		}
		sortByXY(x, y)
		k := mannKendall(x, y, new(scratch))
		if want := bruteS(x, y); k.S != want {
			t.Fatalf("trial %d: S = %d, definition %d", trial, k.S, want)
		}
		if want := kendallVar(x, y); math.Abs(k.Var-want) > 1e-6*max(1, want) {
			t.Fatalf("trial %d: Var = %v, formula %v", trial, k.Var, want)
		}
		if trial%2 == 0 {
			fn := float64(n)
			if want := fn * (fn - 1) * (2*fn + 5) / 18; math.Abs(k.Var-want) > 1e-9*want {
				t.Fatalf("trial %d: untied Var = %v, want %v", trial, k.Var, want)
			}
		}
		if k.P < 0 || k.P > 1 || math.IsNaN(k.P) {
			t.Fatalf("trial %d: P = %v", trial, k.P)
		}
	}
}

// kendallVar is Kendall's tie-corrected variance of S, written from the
// tie counts found by a map rather than by sorted runs.
func kendallVar(x, y []float64) float64 {
	ties := func(v []float64) (a, b, c float64) {
		m := map[float64]float64{}
		for _, e := range v {
			m[e]++
		}
		for _, t := range m {
			a += t * (t - 1) * (2*t + 5)
			b += t * (t - 1)
			c += t * (t - 1) * (t - 2)
		}
		return
	}
	n := float64(len(x))
	ta, tb, tc := ties(x)
	ua, ub, uc := ties(y)
	v := (n*(n-1)*(2*n+5)-ta-ua)/18 + tb*ub/(2*n*(n-1))
	if n > 2 {
		v += tc * uc / (9 * n * (n - 1) * (n - 2))
	}
	return v
}

// TestNormalApproximation supports the claim in mannKendall's doc: just
// above exactN, where the exact p-value is below 0.05, the normal
// approximation is no smaller and at most 0.003 larger. (At n = 10 it
// is up to 0.0035 larger; with heavy ties it is more conservative still,
// which is why the exact p goes up to 20.)
func TestNormalApproximation(t *testing.T) {
	const n = exactN + 1
	fn := float64(n)
	sd := math.Sqrt(fn * (fn - 1) * (2*fn + 5) / 18)
	pairs := int64(n * (n - 1) / 2)
	for s := pairs % 2; s <= pairs; s += 2 {
		if s == 0 {
			continue
		}
		exact := exactP(n, slices.Repeat([]int{1}, n), s)
		normal := math.Erfc((float64(s) - 1) / sd / math.Sqrt2)
		if exact < 0.05 && (normal < exact || normal-exact > 0.003) {
			t.Errorf("S=%d: exact p %.5f, normal %.5f", s, exact, normal)
		}
	}
}

// TestExactPLarge checks the q-multinomial at n = 20 against a
// distribution built by inserting values one at a time (the Mahonian
// recurrence: the i-th value inserted into i-1 adds 0..i-1 inversions).
func TestExactPLarge(t *testing.T) {
	const n = 20
	dist := []float64{1}
	for i := 1; i <= n; i++ {
		next := make([]float64, len(dist)+i-1)
		for k, c := range dist {
			for j := range i {
				next[k+j] += c
			}
		}
		dist = next
	}
	var total float64
	for _, c := range dist {
		total += c
	}
	for _, s := range []int64{190, 120, 60, 30, 10} {
		var tail float64
		for inv, c := range dist {
			if abs64(190-2*int64(inv)) >= s {
				tail += c
			}
		}
		want := tail / total
		if got := exactP(n, slices.Repeat([]int{1}, n), s); math.Abs(got-want) > 1e-12*max(want, 1e-300) && math.Abs(got-want) > 1e-15 {
			t.Errorf("S=%d: exactP %v, recurrence %v", s, got, want)
		}
	}
}
