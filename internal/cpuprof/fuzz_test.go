package cpuprof

import (
	"bytes"
	"regexp"
	"testing"
	"time"
)

// FuzzCPU feeds Decode and Attribute arbitrary bytes, seeded with a real
// CPU profile of this process and a fixture: they may refuse the input,
// never panic, and what they accept must add up.
func FuzzCPU(f *testing.F) {
	f.Add(realProfile(f))
	var buf bytes.Buffer
	if err := fixture(map[string]time.Duration{
		"internal/runtime/maps.(*table).split@t.go:1 runtime.mapassign_fast64@m.go:2 main.fill@main.go:9+main.main@main.go:3": 30 * ms,
		"aeshashbody@a.s:1 runtime.mapaccess1_faststr@m.go:3 main.get@main.go:12":                                             10 * ms,
	}).Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("go 1.23 trace\x00\x00\x00"))
	f.Add([]byte{0x1f, 0x8b})
	focus := regexp.MustCompile(`main`)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(data)
		if err != nil {
			return
		}
		for _, opt := range []Options{{}, {MainModule: "example.com/x"}, {Focus: focus}} {
			res, err := Attribute(p, opt)
			if err != nil {
				t.Fatalf("Decode accepted a profile Attribute refuses: %v", err)
			}
			var sum Times
			for _, s := range res.Sites {
				sum.Add(&s.CPU)
				_ = Suggest(s, false)
			}
			if sum != res.Map {
				t.Fatalf("sites add up to %v, the map total is %v", sum, res.Map)
			}
		}
	})
}
