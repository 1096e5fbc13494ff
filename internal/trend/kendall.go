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
// inversions of y in this order. The variance is Kendall's (1975) with
// both time ties and value ties. The p-value is exact for n <= exactN
// without time ties, from the distribution of S over all orders of the
// values (ties in value included, as the q-multinomial coefficient
// counts inversions of a multiset); otherwise it is the normal
// approximation with a continuity correction of 1, which errs on the safe
// side in the tail; TestNormalApproximation bounds the error just above
// exactN.
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
	exact := n <= exactN && xt == 0
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

// exactN is the largest series for which mannKendall's p-value is exact:
// the counts fit an int64 up to 20! and it costs O(n^3) at most.
const exactN = 20

// exactP is P(|S| >= |s|) under no trend for n distinct times and values
// in tie groups of the given sizes. S = (pairs - tied pairs) - 2*inv, inv
// the strict inversions of a uniformly random arrangement of the values,
// whose counts by inv are the coefficients of the q-multinomial
// [n; t1, ..., tk]_q = Π [t1+...+ti; ti]_q, each factor built as
// Π_{j=1..t} (1 - q^(s-t+j)) / (1 - q^j). The coefficients are integers
// below n! (< 2^62 for n <= 20); multiplying and dividing in turn keeps
// every intermediate an integer polynomial no larger than that.
func exactP(n int, groups []int, s int64) float64 {
	pairs := n * (n - 1) / 2
	c := make([]int64, pairs+n+1) // a factor's partial products overshoot by up to t
	c[0] = 1
	deg, sum := 0, 0
	var tied int64
	for _, t := range groups {
		sum += t
		tied += int64(t * (t - 1) / 2)
		for j := 1; j <= t; j++ {
			a := sum - t + j
			// times (1 - q^a)
			deg += a
			for k := deg; k >= a; k-- {
				c[k] -= c[k-a]
			}
			// divided by (1 - q^j): c_k += c_{k-j}
			for k := j; k <= deg; k++ {
				c[k] += c[k-j]
			}
			deg -= j
		}
	}
	untied := int64(pairs) - tied
	abs := s
	if abs < 0 {
		abs = -abs
	}
	var total, tail float64
	for inv := 0; inv <= deg; inv++ {
		v := float64(c[inv])
		total += v
		si := untied - 2*int64(inv)
		if si < 0 {
			si = -si
		}
		if si >= abs {
			tail += v
		}
	}
	return tail / total
}
