package heap

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

var fuzzSink map[string][]byte

// anyCallee pretends every address calls some allocator, chosen by the
// address, so that the fuzzer reaches every branch of the ladder.
type anyCallee struct{}

func (anyCallee) Callee(loc *profile.Location) (string, bool) {
	names := []string{"runtime.mapassign_fast64", "runtime.newobject", "runtime.makemap", "maps.clone", "runtime.x", ""}
	n := names[loc.Address%uint64(len(names))]
	return n, n != ""
}

// anySource describes every line with operations chosen by the line number.
type anySource struct{}

func (anySource) Line(fn, file string, line int) (*Line, error) {
	if line%7 == 0 {
		return nil, ErrOutside
	}
	var ops []Op
	for k := OpKind(1); k <= OpCall; k++ {
		if line>>k&1 == 1 {
			ops = append(ops, Op{Kind: k, Expr: "m", Type: "map[int]int"})
		}
	}
	return &Line{Ops: ops, LoopLine: line - 1, LoopTrips: "n"}, nil
}

func FuzzAttribute(f *testing.F) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	fuzzSink = map[string][]byte{}
	for i := range 200 {
		fuzzSink[string(rune(i))] = make([]byte, i)
	}
	runtime.MemProfileRate = old
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := heapprof.Parse(data)
		if err != nil {
			return
		}
		for _, sample := range []string{"inuse", "alloc"} {
			fig, err := heapprof.Select(p, sample)
			if err != nil {
				continue
			}
			r := Attribute(p, Options{Figures: fig, Binary: anyCallee{}, Source: anySource{}})
			var sum int64
			for _, s := range r.Sites {
				sum += s.Bytes
				Suggest(s, sample)
			}
			if sum > r.Total {
				t.Fatalf("sites hold %d bytes, more than the profile's %d", sum, r.Total)
			}
		}
	})
}
