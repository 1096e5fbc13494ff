package cpuprof

import (
	"bytes"
	"compress/gzip"
	"regexp"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// fixture builds a CPU profile from stacks written leaf first as
// "fn@file:line fn@file:line ...", each with its CPU time. Frames joined
// by "+" share a location (the first inlined into the second).
func fixture(stacks map[string]time.Duration) *profile.Profile {
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        10_000_000,
		DurationNanos: int64(time.Second),
	}
	funcs := map[string]*profile.Function{}
	locs := map[string]*profile.Location{}
	keys := make([]string, 0, len(stacks))
	for k := range stacks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, stack := range keys {
		var sample profile.Sample
		for _, loc := range strings.Fields(stack) {
			l, ok := locs[loc]
			if !ok {
				l = &profile.Location{ID: uint64(len(locs) + 1)}
				for _, fr := range strings.Split(loc, "+") {
					fn, pos, _ := strings.Cut(fr, "@")
					file, line, _ := strings.Cut(pos, ":")
					f, ok := funcs[fn]
					if !ok {
						f = &profile.Function{ID: uint64(len(funcs) + 1), Name: fn, SystemName: fn, Filename: file}
						funcs[fn] = f
						p.Function = append(p.Function, f)
					}
					n := 0
					for _, c := range line {
						n = n*10 + int(c-'0')
					}
					l.Line = append(l.Line, profile.Line{Function: f, Line: int64(n)})
				}
				locs[loc] = l
				p.Location = append(p.Location, l)
			}
			sample.Location = append(sample.Location, l)
		}
		d := stacks[stack]
		sample.Value = []int64{int64(d / (10 * time.Millisecond)), int64(d)}
		p.Sample = append(p.Sample, &sample)
	}
	return p
}

const ms = time.Millisecond

func TestAttributeFixture(t *testing.T) {
	p := fixture(map[string]time.Duration{
		// Growth under an assignment, the rest of the assignment, a
		// lookup with its hashing, a make.
		"internal/runtime/maps.(*table).split@table.go:1 runtime.mapassign_faststr@map.go:2 example.com/svc.(*Index).Add@index.go:40 main.main@main.go:9": 70 * ms,
		"runtime.mapassign_faststr@map.go:2 example.com/svc.(*Index).Add@index.go:40 main.main@main.go:9":                                                 30 * ms,
		"aeshashbody@asm.s:1 runtime.mapaccess1_faststr@map.go:3 example.com/svc.(*Index).Get@index.go:50 main.main@main.go:10":                           20 * ms,
		"runtime.mapaccess1_faststr@map.go:3 example.com/svc.(*Index).Get@index.go:50 main.main@main.go:10":                                               10 * ms,
		"runtime.makemap@map.go:4 example.com/svc.New@index.go:20 main.main@main.go:8":                                                                    10 * ms,
		// Through a decoder: the site is the user's line, the path names
		// the packages.
		"runtime.evacuate_faststr@map.go:9 runtime.growWork_faststr@map.go:8 runtime.mapassign_faststr@map.go:2 reflect.mapassign_faststr0@map.go:7 reflect.Value.SetMapIndex@value.go:1 encoding/json.(*decodeState).object@decode.go:1 encoding/json.Unmarshal@decode.go:2 example.com/svc.load@load.go:12": 40 * ms,
		// Inlined: the site is the inlined user frame.
		"runtime.mapdelete_fast64@map.go:5 example.com/svc.drop@svc.go:7+example.com/svc.run@svc.go:30": 10 * ms,
		// A server goroutine with no frame of the user's code.
		"runtime.mapaccess2_faststr@map.go:6 net/http.Header.Get@header.go:1 net/http.(*conn).serve@server.go:1": 10 * ms,
		// Not map code.
		"runtime.memequal@asm.s:2 example.com/svc.cmp@svc.go:3":                         50 * ms,
		"runtime.memhash@asm.s:3 hash/maphash.String@maphash.go:1 main.main@main.go:11": 10 * ms,
	})
	res, err := Attribute(mustConvert(t, p), Options{MainModule: "example.com/svc"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != int64(260*ms) || res.Samples != 26 {
		t.Errorf("total %v in %d samples, want 260ms in 26", time.Duration(res.Total), res.Samples)
	}
	if got := time.Duration(res.Map.Total()); got != 200*ms {
		t.Errorf("map time %v, want 200ms", got)
	}
	type want struct {
		fn      string
		line    int
		ops     map[mapop.Op]time.Duration
		foreign bool
		path    []string
	}
	for _, w := range []want{
		{"example.com/svc.(*Index).Add", 40, map[mapop.Op]time.Duration{mapop.Grow: 70 * ms, mapop.Assign: 30 * ms}, false, nil},
		{"example.com/svc.(*Index).Get", 50, map[mapop.Op]time.Duration{mapop.Hash: 20 * ms, mapop.Lookup: 10 * ms}, false, nil},
		{"example.com/svc.load", 12, map[mapop.Op]time.Duration{mapop.Grow: 40 * ms}, false, []string{"example.com/svc.load", "encoding/json", "reflect", "reflect.mapassign_faststr0"}},
		{"example.com/svc.New", 20, map[mapop.Op]time.Duration{mapop.Make: 10 * ms}, false, nil},
		{"example.com/svc.drop", 7, map[mapop.Op]time.Duration{mapop.Delete: 10 * ms}, false, nil},
		{"net/http.Header.Get", 1, map[mapop.Op]time.Duration{mapop.Lookup: 10 * ms}, true, nil},
	} {
		i := slices.IndexFunc(res.Sites, func(s *Site) bool { return s.Function == w.fn && s.Line == w.line })
		if i < 0 {
			t.Errorf("no site %s:%d", w.fn, w.line)
			continue
		}
		s := res.Sites[i]
		var ops Times
		for op, d := range w.ops {
			ops[op] = int64(d)
		}
		if s.CPU != ops || s.Foreign != w.foreign || !slices.Equal(s.Path, w.path) {
			t.Errorf("site %s:%d: ops %v, foreign %v, path %q; want %v, %v, %q", w.fn, w.line, s.CPU, s.Foreign, s.Path, ops, w.foreign, w.path)
		}
	}
	if len(res.Sites) != 6 {
		t.Errorf("%d sites, want 6", len(res.Sites))
	}
	if res.Sites[0].Function != "example.com/svc.(*Index).Add" {
		t.Errorf("costliest site %s, want (*Index).Add", res.Sites[0].Function)
	}
	if g := res.Sites[0].GrowShare(); g != 0.7 {
		t.Errorf("grow share %v, want 0.7", g)
	}

	// -focus moves the site to the first matching frame above the call.
	res, err = Attribute(mustConvert(t, p), Options{Focus: regexp.MustCompile(`^main\.`)})
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Sites[0]; s.Function != "main.main" || s.Line != 9 {
		t.Errorf("with -focus main: costliest site %s:%d, want main.main:9", s.Function, s.Line)
	}
}

// Without a main module, package main is the user's code, and frames of
// other modules are sites of their own, marked foreign.
func TestAttributePackageMain(t *testing.T) {
	p := fixture(map[string]time.Duration{
		"runtime.mapassign_fast64@map.go:1 example.com/lib.Fill@lib.go:5 main.main@main.go:9": 10 * ms,
		"runtime.mapassign_fast64@map.go:1 main.fill@main.go:20 main.main@main.go:9":          20 * ms,
	})
	res, err := Attribute(mustConvert(t, p), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sites) != 2 || res.Sites[0].Function != "main.fill" || res.Sites[1].Function != "main.main" {
		t.Fatalf("sites %v %v", res.Sites[0].Function, res.Sites[1].Function)
	}
}

// lineSource answers every line with the same description.
type lineSource struct{ line *heap.Line }

func (l lineSource) Line(fn, file string, line int) (*heap.Line, error) { return l.line, nil }

// TestAnnotateNamesFilledMaps: a line filling its map through a method of
// the map's type, or through a decoder, names that map.
func TestAnnotateNamesFilledMaps(t *testing.T) {
	for _, tc := range []struct {
		ops       []heap.Op
		expr, typ string
	}{
		{[]heap.Op{{Kind: heap.OpMapMethod, Expr: "s", Type: "sets.Set[string]"}}, "s", "sets.Set[string]"},
		{[]heap.Op{{Kind: heap.OpMapDecode, Expr: "m", Type: "map[string]int"}}, "m", "map[string]int"},
		{[]heap.Op{{Kind: heap.OpMapMake, Expr: "a", Type: "map[int]int"}, {Kind: heap.OpMapAssign, Expr: "b", Type: "map[int]int"}}, "b", "map[int]int"},
		{[]heap.Op{{Kind: heap.OpCall, Expr: "f(x)"}}, "", ""},
	} {
		s := &Site{Function: "main.f", File: "/src/main.go", Line: 3}
		Annotate([]*Site{s}, lineSource{&heap.Line{Ops: tc.ops}})
		if s.Expr != tc.expr || s.Type != tc.typ {
			t.Errorf("%v: named %q %q, want %q %q", tc.ops, s.Expr, s.Type, tc.expr, tc.typ)
		}
	}
}

func TestSuggest(t *testing.T) {
	grow := &Site{Samples: 10, Expr: "idx", LoopLine: 12, LoopTrips: "len(keys)"}
	grow.CPU[mapop.Grow], grow.CPU[mapop.Assign] = 80, 20
	if got := Suggest(grow, true); got != "the loop at line 12 runs len(keys) times: make idx with len(keys) as its size hint and this growth goes away" {
		t.Errorf("Suggest = %q", got)
	}
	grow.LoopTrips = ""
	if got := Suggest(grow, false); !strings.Contains(got, "-source finds the loop bound") {
		t.Errorf("Suggest without source = %q", got)
	}
	grow.Foreign = true
	grow.Function = "net/http.(*conn).serve"
	if got := Suggest(grow, true); !strings.Contains(got, "net/http grows a map of its own") {
		t.Errorf("Suggest foreign = %q", got)
	}
	dec := &Site{Samples: 5, Entry: "reflect.mapassign_faststr0", Library: "reflect", Path: []string{"main.load", "encoding/json", "reflect", "reflect.mapassign_faststr0"}}
	dec.CPU[mapop.Grow] = 10
	if got := Suggest(dec, true); got != "maps built through encoding/json grow as it fills them: decode into a struct, or into a map you made with a size hint" {
		t.Errorf("Suggest decoder = %q", got)
	}
	lib := &Site{Samples: 5, Entry: "runtime.mapassign_faststr", Library: "example.com/cache", Path: []string{"main.serve", "example.com/cache", "runtime.mapassign_faststr"}}
	lib.CPU[mapop.Grow] = 10
	if got := Suggest(lib, true); !strings.HasPrefix(got, "a map inside example.com/cache grows") {
		t.Errorf("Suggest library = %q", got)
	}
	// Without the source, the map may be the caller's all the same.
	if got := Suggest(lib, false); !strings.Contains(got, "if it is yours") || !strings.Contains(got, "-source tells which") {
		t.Errorf("Suggest library without source = %q", got)
	}
	// A map of a library's map type, filled through its method
	// (k8s.io/apimachinery's sets.Set[string].Insert): the source names
	// it, and it is the caller's to presize.
	set := &Site{Samples: 5, Entry: "runtime.mapassign_faststr", Library: "k8s.io/apimachinery/pkg/util/sets", Expr: "s", Type: "sets.Set[string]", LoopLine: 20, LoopTrips: "len(names)",
		Path: []string{"main.unhinted", "k8s.io/apimachinery/pkg/util/sets", "runtime.mapassign_faststr"}}
	set.CPU[mapop.Grow] = 10
	if got := Suggest(set, true); got != "the loop at line 20 runs len(names) times: make s with len(names) as its size hint and this growth goes away" {
		t.Errorf("Suggest library map type = %q", got)
	}
	cl := &Site{Samples: 3}
	cl.CPU[mapop.Clear] = 10
	if got := Suggest(cl, false); !strings.HasPrefix(got, "clear walks every table") {
		t.Errorf("Suggest clear = %q", got)
	}
	lk := &Site{Samples: 3}
	lk.CPU[mapop.Lookup] = 10
	if got := Suggest(lk, false); got != "" {
		t.Errorf("Suggest lookup = %q", got)
	}
	// A trace without CPU samples: the assists decide.
	as := &Site{Assists: 2}
	as.Assist[mapop.Grow] = 5
	if got := Suggest(as, false); !strings.Contains(got, "size hint") {
		t.Errorf("Suggest from assists = %q", got)
	}
}

// cpuProfileOnce records, once per test binary, a real CPU profile of this
// process filling maps.
var cpuProfileOnce = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return nil, err
	}
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
		fillForProfile()
	}
	pprof.StopCPUProfile()
	return buf.Bytes(), nil
})

var fillSink int

func fillForProfile() {
	m := make(map[int]int)
	for i := range 50000 {
		m[i] = i
	}
	fillSink += len(m)
}

func realProfile(t testing.TB) []byte {
	t.Helper()
	data, err := cpuProfileOnce()
	if err != nil {
		t.Skipf("cannot profile CPU here: %v", err)
	}
	return data
}

// This test process's own profile: its map sites are in this package.
func TestAttributeOwnProfile(t *testing.T) {
	p, err := Decode(realProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Attribute(p, Options{MainModule: "github.com/mapscope/mapscope"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sites) == 0 {
		t.Skip("no samples in map code: the machine is too busy to profile")
	}
	s := res.Sites[0]
	if s.Function != "github.com/mapscope/mapscope/internal/cpuprof.fillForProfile" || s.CPU[mapop.Grow] == 0 {
		t.Errorf("costliest site %s with %v, want fillForProfile growing", s.Function, s.CPU)
	}
}

func TestParseBad(t *testing.T) {
	var heapBuf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&heapBuf, 0); err != nil {
		t.Fatal(err)
	}
	cpu := realProfile(t)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"random", []byte("not a profile at all, really"), "not a pprof profile"},
		{"truncated", cpu[:len(cpu)/2], "truncated gzip data"},
		{"heap", heapBuf.Bytes(), "a heap profile, not a CPU profile"},
		{"trace", []byte("go 1.23 trace\x00\x00\x00rest"), "an execution trace, not a CPU profile: use mapscope trace"},
		{"gzip of nothing", gz(nil), "empty profile inside gzip data"},
	} {
		_, err := Decode(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func mustConvert(t *testing.T, pp *profile.Profile) *Profile {
	t.Helper()
	p, err := FromProfile(pp)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Decode reads runtime/pprof's protobuf itself; what it reads must be
// what pprof's parser reads, for the fixture written both gzip-compressed
// and plain, and for a real profile.
func TestDecodeAgreesWithPprof(t *testing.T) {
	fx := fixture(map[string]time.Duration{
		"internal/runtime/maps.(*table).split@t.go:1 runtime.mapassign_fast64@m.go:2 main.fill@main.go:9+main.main@main.go:3": 30 * ms,
		"aeshashbody@a.s:1 runtime.mapaccess1_faststr@m.go:3 main.get@main.go:12":                                             10 * ms,
	})
	var zipped, plain bytes.Buffer
	if err := fx.Write(&zipped); err != nil {
		t.Fatal(err)
	}
	if err := fx.WriteUncompressed(&plain); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"gzip": zipped.Bytes(), "plain": plain.Bytes(), "real": realProfile(t)} {
		fast, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pp, err := profile.ParseData(data)
		if err != nil {
			t.Fatal(err)
		}
		slow := mustConvert(t, pp)
		for _, opt := range []Options{{}, {MainModule: "github.com/mapscope/mapscope"}} {
			a, err := Attribute(fast, opt)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Attribute(slow, opt)
			if err != nil {
				t.Fatal(err)
			}
			if a.Total != b.Total || a.Samples != b.Samples || a.Map != b.Map || a.Duration != b.Duration || len(a.Sites) != len(b.Sites) {
				t.Fatalf("%s: Decode gives %+v, pprof's parser %+v", name, *a, *b)
			}
			for i := range a.Sites {
				x, y := a.Sites[i], b.Sites[i]
				if x.Function != y.Function || x.File != y.File || x.Line != y.Line || x.CPU != y.CPU || x.Samples != y.Samples {
					t.Errorf("%s: site %d: %+v vs %+v", name, i, *x, *y)
				}
			}
		}
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
