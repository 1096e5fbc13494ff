package trend

// Options tune Assess. The zero value is the default.
type Options struct{}

// Assess is a placeholder until the statistics land: it compares the
// medians of the first and last thirds of the series.
func Assess(points []Point, opt Options) Assessment {
	a := Assessment{Verdict: Stable, Reason: "placeholder"}
	n := len(points)
	if n == 0 {
		return a
	}
	a.First, a.Last = points[0].Bytes, points[n-1].Bytes
	a.Min, a.Max = a.First, a.First
	for _, p := range points {
		a.Min, a.Max = min(a.Min, p.Bytes), max(a.Max, p.Bytes)
	}
	if n < 4 {
		return a
	}
	third := n / 3
	med := func(ps []Point) int64 {
		var sum int64
		for _, p := range ps {
			sum += p.Bytes
		}
		return sum / int64(len(ps))
	}
	early, mid, late := med(points[:third]), med(points[third:n-third]), med(points[n-third:])
	switch {
	case late > early*6/5 && late > mid*21/20 && late-early > 1<<20:
		a.Verdict, a.Score = Leak, 80
	case late > early*6/5:
		a.Verdict, a.Score = Plateau, 60
	case late < early*4/5:
		a.Verdict, a.Score = Shrinking, 60
	}
	if d := points[n-1].Time.Sub(points[0].Time).Hours(); d > 0 {
		a.SlopePerHour = float64(late-early) / (d * 2 / 3)
	}
	return a
}
