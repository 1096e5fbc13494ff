package trend

import "math"

// kendall is the Mann-Kendall test of a series for a monotonic trend
// (Mann 1945; Kendall 1975): S counts the pairs that rise with time minus
// those that fall, ties in either time or value counting for neither.
type kendall struct {
	S   int64
	Var float64 // variance of S under no trend, corrected for ties
	Tau float64 // Kendall's tau-b, S over its maximum given the ties
	P   float64 // two-sided p-value
}

// mannKendall tests y against x. x must be sorted ascending and, within a
// run of equal x, y ascending.
//
// S is counted in O(n log n) (Knight 1966): the falling pairs are the
// inversions of y in this order. The variance is Kendall's (1975, eq.
// 4.3) with both time ties and value ties. The p-value is exact for
// n <= 10 without time ties, from the distribution of S over all orders of
// the values (ties in value included, as the q-multinomial coefficient
// counts inversions of a multiset); otherwise it is the normal
// approximation with a continuity correction of 1, which errs on the safe
// side in the tail: at n = 10, where the exact p is below 0.05, it is
// larger by at most 0.004.
func mannKendall(x, y []float64, s *scratch) kendall {
	n := len(x)
	if n < 2 {
		return kendall{P: 1}
	}
	var xt, xv, xv2, xv3 float64 // Σt(t-1)/2, Σt(t-1)(2t+5), Σt(t-1), Σt(t-1)(t-2)
	var joint float64
	for i := 0; i < n; {
		j := i + 1
		for j < n && x[j] == x[i] {
			j++
		}
		t := float64(j - i)
		xt += t * (t - 1) / 2
		xv += t * (t - 1) * (2*t + 5)
		xv2 += t * (t - 1)
		xv3 += t * (t - 1) * (t - 2)
		for a := i; a < j; {
			b := a + 1
			for b < j && y[b] == y[a] {
				b++
			}
			u := float64(b - a)
			joint += u * (u - 1) / 2
			a = b
		}
		i = j
	}
	ys := s.floats(&s.u, n)
	copy(ys, y)
	falling := inversions(ys, s.floats(&s.tmp, n)) // ys is now sorted
	var yt, yv, yv2, yv3 float64
	var groups []int
	exact := n <= 10 && xt == 0
	for i := 0; i < n; {
		j := i + 1
		for j < n && ys[j] == ys[i] {
			j++
		}
		u := float64(j - i)
		yt += u * (u - 1) / 2
		yv += u * (u - 1) * (2*u + 5)
		yv2 += u * (u - 1)
		yv3 += u * (u - 1) * (u - 2)
		if exact {
			groups = append(groups, j-i)
		}
		i = j
	}
	fn := float64(n)
	n0 := fn * (fn - 1) / 2
	k := kendall{S: int64(n0-xt-yt+joint) - 2*falling}
	k.Var = (fn*(fn-1)*(2*fn+5)-xv-yv)/18 +
		xv2*yv2/(2*fn*(fn-1))
	if n > 2 {
		k.Var += xv3 * yv3 / (9 * fn * (fn - 1) * (fn - 2))
	}
	if d := math.Sqrt((n0 - xt) * (n0 - yt)); d > 0 {
		k.Tau = float64(k.S) / d
	}
	switch {
	case k.S == 0 || k.Var <= 0:
		k.P = 1
	case exact:
		k.P = exactP(n, groups, k.S)
	default:
		z := (math.Abs(float64(k.S)) - 1) / math.Sqrt(k.Var)
		k.P = math.Erfc(z / math.Sqrt2)
	}
	k.P = min(max(k.P, 0), 1)
	return k
}

// exactP is P(|S| >= |s|) under no trend for n distinct times and values
// in tie groups of the given sizes. S = (pairs - tied pairs) - 2*inv, inv
// the strict inversions of a uniformly random arrangement of the values,
// whose counts by inv are the coefficients of the q-multinomial
// [n; t1, ..., tk]_q = Π [t1+...+ti; ti]_q.
func exactP(n int, groups []int, s int64) float64 {
	counts := []float64{1}
	sum := 0
	var tied int64
	for _, t := range groups {
		sum += t
		counts = polyMul(counts, gaussBinomial(sum, t))
		tied += int64(t * (t - 1) / 2)
	}
	untied := int64(n*(n-1)/2) - tied
	abs := s
	if abs < 0 {
		abs = -abs
	}
	var total, tail float64
	for inv, c := range counts {
		total += c
		si := untied - 2*int64(inv)
		if si < 0 {
			si = -si
		}
		if si >= abs {
			tail += c
		}
	}
	return tail / total
}

// gaussBinomial returns the coefficients of the Gaussian binomial
// [m; k]_q, by [m; k] = [m-1; k-1] + q^k [m-1; k].
func gaussBinomial(m, k int) []float64 {
	if k == 0 || k == m {
		return []float64{1}
	}
	a := gaussBinomial(m-1, k-1)
	b := gaussBinomial(m-1, k)
	out := make([]float64, k*(m-k)+1)
	copy(out, a)
	for i, c := range b {
		out[i+k] += c
	}
	return out
}

func polyMul(a, b []float64) []float64 {
	out := make([]float64, len(a)+len(b)-1)
	for i, x := range a {
		for j, y := range b {
			out[i+j] += x * y
		}
	}
	return out
}
