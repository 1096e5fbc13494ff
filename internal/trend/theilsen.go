package trend

import (
	"math"
	"math/bits"
	"slices"
)

// theilSen returns the Theil-Sen slope of y against x (Theil 1950, Sen
// 1968): the median of the slopes (y[j]-y[i])/(x[j]-x[i]) over all pairs
// with x[i] != x[j]. x must be sorted ascending; ties in x are allowed and
// such pairs are left out. ok is false when no pair has distinct x.
//
// The median is exact. Up to exactPairs pairs are enumerated. Beyond that a
// sample of m = (3N)^(2/3) pair slopes (N pairs) brackets the median's rank
// three standard errors wide; the pairs below and above the bracket are
// counted in O(n log n) as inversions (slope(i,j) < s exactly when y-s*x
// is smaller at the later point), and only the ~(3N)^(2/3) pairs inside
// are listed and selected from: O(n^(4/3)) expected. A bracket that misses
// the median (a three-sigma event) is widened and counted again; a mass of
// equal slopes at its ends (the zero slopes of flat stretches) is answered
// from the counts without listing it. The sample has a fixed seed: it
// changes the running time, never the result. (Should a bracket ever hold
// more than maxListed pairs, the sample's quantile is returned instead.)
func theilSen(x, y []float64, s *scratch) (slope float64, ok bool) {
	n := len(x)
	groupEnd := s.ints(&s.groupEnd, n)
	var pairs int64
	for i := 0; i < n; {
		j := i + 1
		for j < n && x[j] == x[i] {
			j++
		}
		for k := i; k < j; k++ {
			groupEnd[k] = j
		}
		pairs += int64(j-i) * int64(n-j)
		i = j
	}
	if pairs == 0 {
		return 0, false
	}
	k1, k2 := (pairs-1)/2, pairs/2
	if pairs <= exactPairs {
		all := s.floats(&s.slopes, int(pairs))[:0]
		for i := 0; i < n; i++ {
			for j := groupEnd[i]; j < n; j++ {
				all = append(all, (y[j]-y[i])/(x[j]-x[i]))
			}
		}
		s.slopes = all
		a := selectK(all, int(k1))
		if k2 == k1 {
			return a, true
		}
		return (a + minOf(all[k1+1:])) / 2, true
	}
	ts := theilSenBig{x: x, y: y, groupEnd: groupEnd, pairs: pairs, s: s}
	a, b := ts.ranks(k1, k2)
	return (a + b) / 2, true
}

// maxListed bounds the memory of the listing step (128 MiB of slopes); a
// wider bracket falls back to the sample's quantile.
const maxListed = 1 << 24

// exactPairs is the number of pairs up to which theilSen lists every
// slope: below it listing is cheaper than counting.
const exactPairs = 6000

type theilSenBig struct {
	x, y     []float64
	groupEnd []int
	pairs    int64
	s        *scratch
}

// ranks returns the k1-th and k2-th smallest pair slopes (0-based), k2 is
// k1 or k1+1.
//
// Orders of the points used below: natural (x ascending, equal x by y
// ascending, as the caller sorted them) and reversed (x descending, equal x
// still by y ascending). For a slope s let u = y - s*x. Then
//   - the pairs with slope < s are the strict inversions of u in natural
//     order, and the pairs with slope > s those in reversed order (a run of
//     equal x has ascending u in both and adds none);
//   - merge-sorting u stably in natural order leaves equal u by ascending
//     x, so a pair whose slope equals s keeps its earlier point first: the
//     pairs with lo <= slope <= hi are then the non-strict inversions of
//     y - hi*x in that order; from reversed order, equal u end up by
//     descending x and the pairs with lo < slope < hi are the strict
//     inversions.
func (t *theilSenBig) ranks(k1, k2 int64) (float64, float64) {
	lo, hi := t.extremes()
	if lo == hi {
		return lo, lo
	}
	// Sample m pair slopes and take the sample quantiles three standard
	// errors around the targets. The bracket then holds about 3N/sqrt(m)
	// pairs; m = (3N)^(2/3) balances sampling against listing.
	fp := float64(t.pairs)
	m := int(min(max(math.Cbrt(9*fp*fp), 2048), 1<<17))
	sample := t.s.floats(&t.s.sample, m)
	rng := splitmix(0x6d617073636f7065) // "mapscope"
	for i := range sample {
		a, b := t.randomPair(&rng)
		sample[i] = (t.y[b] - t.y[a]) / (t.x[b] - t.x[a])
	}
	fm := float64(m)
	margin := 1.5 * math.Sqrt(fm)
	loPos := int(math.Floor(float64(k1)/fp*fm - margin))
	hiPos := int(math.Ceil(float64(k2)/fp*fm + margin))
	for try := 0; ; try++ {
		loPos, hiPos = max(loPos, 0), min(hiPos, m-1)
		bl, bh := lo, hi
		if loPos > 0 {
			bl = selectK(sample, loPos)
		}
		if hiPos < m-1 {
			// selectK left the sample split at loPos.
			bh = selectK(sample[loPos:], hiPos-loPos)
		}
		below, order := t.count(bl, false, &t.s.ord) // slopes < bl; order for listing [bl, bh]
		above, _ := t.count(bh, true, nil)           // slopes > bh
		if loPos == 0 {
			below = 0 // whatever rounding says at the extreme
		}
		if hiPos == m-1 {
			above = 0
		}
		missLow, missHigh := k1 < below, k2 >= t.pairs-above
		if !missLow && !missHigh {
			// The closed bracket holds about 3N/sqrt(m) pairs; many more
			// means a mass of equal slopes at an end (the zero slopes of
			// flat stretches), which the open bracket leaves out.
			if closed := t.pairs - below - above; closed <= 4*int64(m) {
				inside := t.list(order, bh, false)
				a := pickRank(inside, k1-below)
				if r := k1 - below + 1; k2 > k1 && r < int64(len(inside)) {
					// selectK left the larger slopes after position r-1.
					return a, minOf(inside[r:])
				}
				return a, pickRank(inside, k2-below)
			}
			// A mass of equal slopes at an end, such as the zero slopes of
			// a flat series: the ends may themselves be the answers.
			notAbove, orderOpen := t.count(bl, true, &t.s.ord)
			atMostLo := t.pairs - notAbove
			belowHi, _ := t.count(bh, false, nil)
			var inside []float64
			pick := func(k int64) float64 {
				switch {
				case k < atMostLo:
					return bl
				case k >= belowHi:
					return bh
				case belowHi-atMostLo > maxListed:
					// Only after repeated misses; never seen.
					return selectK(sample, int(float64(k)/fp*fm))
				}
				if inside == nil {
					inside = t.list(orderOpen, bh, true)
				}
				return pickRank(inside, k-atMostLo)
			}
			return pick(k1), pick(k2)
		}
		// The sample missed (rare): widen the missed side, doubling the
		// step; at the sample's ends the bracket is the extreme slopes,
		// which cannot miss.
		w := max(int(margin), 1) << min(try+1, 30)
		if missLow {
			loPos -= w
		}
		if missHigh {
			hiPos += w
		}
	}
}

// pickRank returns the r-th smallest of a. Rounding at the bracket's ends
// can make the listed pairs differ from the counted ones by a pair or two;
// r is clamped rather than trusted.
func pickRank(a []float64, r int64) float64 {
	if len(a) == 0 {
		return math.NaN() // not reached: the bracket holds the rank
	}
	return selectK(a, int(min(max(r, 0), int64(len(a)-1))))
}

// extremes returns the smallest and largest pair slopes. For points sorted
// by x both come from neighbouring distinct x values.
func (t *theilSenBig) extremes() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	n := len(t.x)
	for i := 0; i < n; {
		j := t.groupEnd[i]
		if j == n {
			break
		}
		k := t.groupEnd[j]
		// Runs of equal x are sorted by y.
		dx := t.x[j] - t.x[i]
		lo = min(lo, (t.y[j]-t.y[j-1])/dx)
		hi = max(hi, (t.y[k-1]-t.y[i])/dx)
		i = j
	}
	return lo, hi
}

// randomPair draws a pair (a, b) with x[a] < x[b], uniform over such pairs.
func (t *theilSenBig) randomPair(rng *splitmix) (int, int) {
	n := len(t.x)
	for {
		a := int(rng.below(uint64(n)))
		b := int(rng.below(uint64(n)))
		if a > b {
			a, b = b, a
		}
		if t.x[a] != t.x[b] {
			return a, b
		}
	}
}

// count returns the number of pairs with slope < s (or > s when above),
// as the strict inversions of u = y - s*x in natural (reversed) order, and,
// when buf is not nil, the points stably sorted by u from that order.
func (t *theilSenBig) count(s float64, above bool, buf *[]int) (int64, []int) {
	n := len(t.x)
	u := t.s.floats(&t.s.u, n)
	if buf == nil {
		buf = &t.s.ord3
	}
	idx := t.s.ints(buf, n)
	if !above {
		for i := range u {
			idx[i] = i
		}
	} else {
		k := 0
		for end := n; end > 0; {
			start := end - 1
			for start > 0 && t.x[start-1] == t.x[end-1] {
				start--
			}
			for i := start; i < end; i++ {
				idx[k] = i
				k++
			}
			end = start
		}
	}
	for i, p := range idx {
		u[i] = t.y[p] - s*t.x[p]
	}
	if buf == nil {
		return inversions(u, t.s.floats(&t.s.tmp, n)), nil
	}
	inv, _ := mergeInversions(u, idx, t.s.floats(&t.s.tmp, n), t.s.ints(&t.s.idxTmp, n), false, nil, nil, nil)
	return inv, idx
}

// list returns the slopes of the pairs that are (strict or non-strict, as
// strict says) inversions of y - hi*x in order.
func (t *theilSenBig) list(order []int, hi float64, strict bool) []float64 {
	n := len(order)
	key := t.s.floats(&t.s.u, n)
	for i, p := range order {
		key[i] = t.y[p] - hi*t.x[p]
	}
	idx := t.s.ints(&t.s.ord3, n)
	copy(idx, order)
	_, out := mergeInversions(key, idx, t.s.floats(&t.s.tmp, n), t.s.ints(&t.s.idxTmp, n), !strict, t.x, t.y, t.s.slopes[:0])
	t.s.slopes = out
	return out
}

// mergeInversions merge-sorts key ascending, carrying idx along, and
// counts the pairs i<j with key[j] < key[i] (key[j] <= key[i] if
// nonStrict). When x is not nil it also appends the slope of each such
// pair of points idx[i], idx[j] with distinct x to out. Both slices end up
// sorted in place; keyTmp and idxTmp have len(key). Without nonStrict the
// sort is stable.
func mergeInversions(key []float64, idx []int, keyTmp []float64, idxTmp []int, nonStrict bool, x, y, out []float64) (int64, []float64) {
	n := len(key)
	var inv int64
	sk, dk := key, keyTmp
	si, di := idx, idxTmp
	for width := 1; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid := min(lo+width, n)
			hi := min(lo+2*width, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if sk[j] < sk[i] || nonStrict && sk[j] == sk[i] {
					inv += int64(mid - i)
					if x != nil {
						b := si[j]
						for _, a := range si[i:mid] {
							if x[a] != x[b] {
								out = append(out, (y[b]-y[a])/(x[b]-x[a]))
							}
						}
					}
					dk[k], di[k] = sk[j], si[j]
					j++
				} else {
					dk[k], di[k] = sk[i], si[i]
					i++
				}
				k++
			}
			copy(dk[k:], sk[i:mid])
			copy(di[k:], si[i:mid])
			k += mid - i
			copy(dk[k:], sk[j:hi])
			copy(di[k:], si[j:hi])
		}
		sk, dk = dk, sk
		si, di = di, si
	}
	if n > 0 && &sk[0] != &key[0] {
		copy(key, sk)
		copy(idx, si)
	}
	return inv, out
}

// inversions sorts a ascending and returns the number of pairs i<j with
// a[j] < a[i], by bottom-up merge sort; tmp has len(a).
func inversions(a, tmp []float64) int64 {
	n := len(a)
	var inv int64
	// Runs of 16 by insertion sort, counting each step past a larger
	// element, then merges.
	const run = 16
	for lo := 0; lo < n; lo += run {
		hi := min(lo+run, n)
		for i := lo + 1; i < hi; i++ {
			v := a[i]
			j := i
			for j > lo && a[j-1] > v {
				a[j] = a[j-1]
				j--
			}
			a[j] = v
			inv += int64(i - j)
		}
	}
	src, dst := a, tmp
	for width := run; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid := min(lo+width, n)
			hi := min(lo+2*width, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if src[j] < src[i] {
					dst[k] = src[j]
					inv += int64(mid - i)
					j++
				} else {
					dst[k] = src[i]
					i++
				}
				k++
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &a[0] {
		copy(a, src)
	}
	return inv
}

// selectK partially sorts a so that a[k] is the k-th smallest (0-based)
// and returns it: Hoare's selection with a median-of-three pivot, falling
// back to a sort when a range shrinks too slowly. a holds no NaN.
func selectK(a []float64, k int) float64 {
	lo, hi := 0, len(a)-1
	budget := 2 * bitsLen(len(a))
	for hi > lo {
		if budget == 0 || hi-lo < 16 {
			slices.Sort(a[lo : hi+1])
			return a[k]
		}
		budget--
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		p := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < p {
				i++
			}
			for a[j] > p {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	return a[k]
}

func bitsLen(n int) int {
	b := 0
	for n > 0 {
		b++
		n >>= 1
	}
	return b
}

func minOf(a []float64) float64 {
	m := a[0]
	for _, v := range a[1:] {
		m = min(m, v)
	}
	return m
}

// splitmix is SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose
// stream is fixed forever, unlike a library's.
type splitmix uint64

func (r *splitmix) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// below returns a number in [0, n) by multiply-shift; the bias is below
// n/2^64.
func (r *splitmix) below(n uint64) uint64 {
	hi, _ := bits.Mul64(r.next(), n)
	return hi
}

// scratch holds buffers reused across the computations of one Assess.
type scratch struct {
	groupEnd, ord, ord2, ord3, idxTmp []int
	slopes, sample                    []float64
	u, tmp, resid, level, detrended   []float64
}

func (s *scratch) floats(p *[]float64, n int) []float64 {
	if cap(*p) < n {
		*p = make([]float64, n, n+n/4)
	}
	*p = (*p)[:n]
	return *p
}

func (s *scratch) ints(p *[]int, n int) []int {
	if cap(*p) < n {
		*p = make([]int, n, n+n/4)
	}
	*p = (*p)[:n]
	return *p
}
