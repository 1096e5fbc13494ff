package trend

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

// line returns n snapshots every step, bytes from a to b in a straight
// line, counted as 18 KiB table samples would be.
func line(n int, step time.Duration, a, b float64) []Point {
	pts := make([]Point, n)
	for i := range pts {
		v := a + (b-a)*float64(i)/float64(n-1)
		bytes := int64(math.MaxInt64) // float64(MaxInt64) rounds up, past it
		if v < math.MaxInt64 {
			bytes = int64(v)
		}
		pts[i] = Point{Time: t0.Add(time.Duration(i) * step), Bytes: bytes, Objects: bytes / tableSize}
	}
	return pts
}

// valid checks what must hold of any Assessment.
func valid(t *testing.T, a Assessment) {
	t.Helper()
	if !slices.Contains(Verdicts, a.Verdict) {
		t.Errorf("verdict %q", a.Verdict)
	}
	if a.Score < 0 || a.Score > 100 {
		t.Errorf("score %d", a.Score)
	}
	for name, v := range map[string]float64{"SlopePerHour": a.SlopePerHour, "Tau": a.Tau, "P": a.P, "Fit": a.Fit} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %v", name, v)
		}
	}
	if a.P < 0 || a.P > 1 || a.Fit < 0 || a.Fit > 1 || a.Tau < -1 || a.Tau > 1 {
		t.Errorf("P %v, Fit %v, Tau %v out of range", a.P, a.Fit, a.Tau)
	}
	if a.Reason == "" || strings.Contains(a.Reason, "\n") || strings.Contains(a.Reason, "NaN") || strings.Contains(a.Reason, "Inf") {
		t.Errorf("reason %q", a.Reason)
	}
}

func TestAssessEdges(t *testing.T) {
	const max = math.MaxInt64
	var zeroTimes []Point
	for i := range 12 {
		zeroTimes = append(zeroTimes, Point{Bytes: int64(i) << 20})
	}
	mixedTimes := line(12, time.Minute, 0, 50<<20)
	mixedTimes[3].Time = time.Time{} // a snapshot without a time
	dupTimes := line(40, time.Minute, 1<<20, 80<<20)
	for i := 1; i < len(dupTimes); i += 2 {
		dupTimes[i].Time = dupTimes[i-1].Time
	}
	for _, c := range []struct {
		name   string
		pts    []Point
		want   Verdict
		reason string // a regexp the reason must match
	}{
		{"nil", nil, Stable, "no snapshots"},
		{"one", line(2, time.Minute, 5, 5)[:1], Stable, `too few snapshots to tell: 1 \(need 4\)`},
		{"three rising", line(3, time.Minute, 0, 100<<20), Stable, `too few snapshots to tell: 3`},
		{"all zero", line(30, time.Minute, 0, 0), Stable, `never sampled: 0 B in all 30 snapshots`},
		{"constant", line(30, time.Minute, 7<<20, 7<<20), Stable, `no trend: 7\.0 MiB at the start, 7\.0 MiB at the end`},
		{"equal times", zeroTimes, Stable, `no trend`},
		// a snapshot from year 1: in time, the whole climb is one step
		// at the end of a 2026-year series
		{"a zero time", mixedTimes, Growing, `mostly at one time`},
		{"duplicate times", dupTimes, Leak, `rose from .* MiB to 79 MiB`},
		{"negative", line(30, time.Minute, -5<<20, -1<<20), Stable, `never sampled`},
		{"negative to positive", line(30, time.Hour, -50<<20, 50<<20), Leak, ``},
		// 1 MB on top of 8 EiB: float64 has 2 KiB steps there, and 1 MB
		// is two samples
		{"near MaxInt64", line(30, time.Minute, max-1e6, max), Stable, `rose by only 97\d KiB, about 2 sampled`},
		{"MaxInt64 flat", line(30, time.Minute, max, max), Stable, `no trend: 8\.0 EiB`},
		{"MinInt64 to MaxInt64", line(30, time.Hour, math.MinInt64, max), Leak, ``},
		{"falling from MaxInt64", line(30, time.Hour, max, max/4), Shrinking, `fell from 8\.0 EiB`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := Assess(c.pts, Options{})
			valid(t, a)
			if a.Verdict != c.want {
				t.Errorf("verdict %s (%s), want %s", a.Verdict, a.Reason, c.want)
			}
			if !regexp.MustCompile(c.reason).MatchString(a.Reason) {
				t.Errorf("reason %q does not match %q", a.Reason, c.reason)
			}
		})
	}
}

// TestAssessOrder: Assess sorts a copy, leaves the caller's slice alone
// and gives the same answer for any order of the same points.
func TestAssessOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	pts := scenarios()[0].gen(rng)
	want := Assess(pts, Options{})
	for range 5 {
		shuffled := slices.Clone(pts)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		kept := slices.Clone(shuffled)
		if got := Assess(shuffled, Options{}); got != want {
			t.Errorf("shuffled: %+v, sorted: %+v", got, want)
		}
		if !slices.Equal(shuffled, kept) {
			t.Error("Assess reordered its argument")
		}
	}
	if want.First != pts[0].Bytes || want.Last != pts[len(pts)-1].Bytes {
		t.Errorf("First, Last = %d, %d; want %d, %d", want.First, want.Last, pts[0].Bytes, pts[len(pts)-1].Bytes)
	}
}

// TestAssessReasons checks the figures and units of a reason.
func TestAssessReasons(t *testing.T) {
	for _, c := range []struct {
		name   string
		pts    []Point
		want   Verdict
		reason string
	}{
		{"leak per hour", line(40, 3*time.Minute, 1<<20, 40<<20), Leak,
			`^rose from \d\.\d MiB to 40 MiB in 1\.9h at a steady 2\d MiB/h \(Mann-Kendall p < 0\.001, 40 snapshots\)$`},
		{"leak per minute", line(30, time.Second, 0, 30<<20), Leak,
			`^rose from \d\.\d MiB to 30 MiB in 29s at a steady 6\d MiB/min \(Mann-Kendall p < 0\.001, 30 snapshots\)$`},
		{"shrinking", line(20, time.Hour, 200<<20, 20<<20), Shrinking,
			`^fell from 200 MiB to 20 MiB in 19h at 9\.\d MiB/h \(Mann-Kendall p < 0\.001, 20 snapshots\)$`},
		{"plateau", append(line(20, time.Minute, 2<<20, 2<<20), shift(line(40, time.Minute, 50<<20, 50<<20), 20*time.Minute)...), Plateau,
			`^rose from 2\.0 MiB to 50 MiB, then flat for the last 3\dm \(Mann-Kendall p < 0\.001, 60 snapshots\)$`},
		{"a couple of samples", append(line(30, time.Minute, 0, 0), shift(line(10, time.Minute, 2*simWeight(tableSize), 2*simWeight(tableSize)), 30*time.Minute)...), Stable,
			`^rose by only 1\.0 MiB, about 2 sampled allocations: too few to tell \(Mann-Kendall p < 0\.001, 40 snapshots\)$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := Assess(c.pts, Options{})
			valid(t, a)
			if a.Verdict != c.want || !regexp.MustCompile(c.reason).MatchString(a.Reason) {
				t.Errorf("got %s: %q\nwant %s: %s", a.Verdict, a.Reason, c.want, c.reason)
			}
		})
	}
}

func shift(pts []Point, d time.Duration) []Point {
	for i := range pts {
		pts[i].Time = pts[i].Time.Add(d)
	}
	return pts
}

// TestSampleRate: the evidence rule counts samples at the profile's rate.
// Two table samples' worth of bytes is too little at the default rate and
// plenty when every allocation is recorded.
func TestSampleRate(t *testing.T) {
	pts := line(30, time.Minute, 0, 2*simWeight(tableSize))
	for i := range pts {
		pts[i].Objects = 0 // no objects: the weight is the rate
	}
	if a := Assess(pts, Options{}); a.Verdict != Stable {
		t.Errorf("default rate: %s: %s", a.Verdict, a.Reason)
	}
	if a := Assess(pts, Options{SampleRate: 1}); a.Verdict != Leak {
		t.Errorf("rate 1: %s: %s", a.Verdict, a.Reason)
	}
	if a, b := Assess(pts, Options{SampleRate: -5}), Assess(pts, Options{}); a != b {
		t.Errorf("a negative rate is not the default: %+v", a)
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{bytesStr(0), "0 B"},
		{bytesStr(1023), "1023 B"},
		{bytesStr(1536), "1.5 KiB"},
		{bytesStr(38 << 20), "38 MiB"},
		{bytesStr(-3 << 20), "-3.0 MiB"},
		{bytesStr(math.MaxInt64), "8.0 EiB"},
		{hoursStr(30.0 / 3600), "30s"},
		{hoursStr(0.75), "45m"},
		{hoursStr(2), "2h"},
		{hoursStr(2.5), "2.5h"},
		{hoursStr(24 * 3.2), "3.2d"},
		{hoursStr(math.NaN()), "?"},
		{rateStr(19<<20, 2), "19 MiB/h"},
		{rateStr(60<<20, 0.5), "1.0 MiB/min"},
		{pValue(0.0004), "p < 0.001"},
		{pValue(0.0042), "p = 0.004"},
		{pValue(0.3), "p = 0.30"},
		{plural(1, "snapshot"), "1 snapshot"},
		{plural(40, "snapshot"), "40 snapshots"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// FuzzAssess feeds Assess arbitrary series: it must not panic and must
// keep its fields in range. Plain go test runs the seeds.
func FuzzAssess(f *testing.F) {
	f.Add([]byte{})
	f.Add(slices.Repeat([]byte{0xff}, 16*12))
	f.Add(slices.Repeat([]byte{0, 0, 0, 0, 0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0}, 9))
	rng := rand.New(rand.NewPCG(1, 1))
	seed := make([]byte, 16*50)
	for i := range seed {
		seed[i] = byte(rng.IntN(256))
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		var pts []Point
		for len(data) >= 16 {
			// 8 bytes of time (nanoseconds from t0, any sign), 8 of bytes
			ns := int64(binary.BigEndian.Uint64(data))
			b := int64(binary.BigEndian.Uint64(data[8:]))
			pts = append(pts, Point{Time: t0.Add(time.Duration(ns)), Bytes: b, Objects: b >> 14})
			data = data[16:]
		}
		a := Assess(pts, Options{})
		valid(t, a)
		if b := Assess(pts, Options{}); a != b {
			t.Errorf("not deterministic: %+v then %+v", a, b)
		}
	})
}

func BenchmarkAssess(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		sc   string
	}{
		{"leak/n=100", 100, "leak/retained-large"},
		{"leak/n=1000", 1000, "leak/retained-large"},
		{"plateau/n=1000", 1000, "plateau/one-jump"},
		{"flat/n=1000", 1000, "flat/noisy"},
		{"leak/n=10000", 10000, "leak/retained-large"},
	} {
		var gen func(*rand.Rand) []Point
		for _, s := range scenarios() {
			if s.name == c.sc {
				gen = s.gen
			}
		}
		// the scenario's shape at n snapshots: resample its series
		rng := rand.New(rand.NewPCG(3, 3))
		pts := stretch(gen(rng), c.n)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				Assess(pts, Options{})
			}
		})
	}
}

// stretch interpolates a series to n points, keeping its span.
func stretch(pts []Point, n int) []Point {
	out := make([]Point, n)
	span := pts[len(pts)-1].Time.Sub(pts[0].Time)
	for i := range out {
		f := float64(i) / float64(n-1)
		j := min(int(f*float64(len(pts)-1)), len(pts)-1)
		out[i] = Point{Time: pts[0].Time.Add(time.Duration(f * float64(span))), Bytes: pts[j].Bytes, Objects: pts[j].Objects}
	}
	return out
}
