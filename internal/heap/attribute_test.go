package heap

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

// builder makes small profiles as readable literals: each sample is a
// stack of "function file:line" frames, leaf first, with an address per
// frame so that a fake binary can tell call sites apart.
type builder struct {
	p     *profile.Profile
	funcs map[string]*profile.Function
	locs  map[string]*profile.Location
}

func newBuilder() *builder {
	return &builder{
		p: &profile.Profile{
			SampleType: []*profile.ValueType{
				{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
				{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"},
			},
		},
		funcs: map[string]*profile.Function{},
		locs:  map[string]*profile.Location{},
	}
}

// frame parses "fn file:line@addr"; frames joined by "|" share one
// location (inlining: innermost first).
func (b *builder) loc(spec string) *profile.Location {
	if l, ok := b.locs[spec]; ok {
		return l
	}
	l := &profile.Location{ID: uint64(len(b.p.Location) + 1)}
	for _, fr := range strings.Split(spec, "|") {
		fr, addr, _ := strings.Cut(fr, "@")
		fn, pos, _ := strings.Cut(fr, " ")
		file, line := "", 0
		if pos != "" {
			i := strings.LastIndexByte(pos, ':')
			file = pos[:i]
			fmt.Sscan(pos[i+1:], &line)
		}
		if addr != "" {
			fmt.Sscanf(addr, "%x", &l.Address)
		}
		f, ok := b.funcs[fn+file]
		if !ok {
			f = &profile.Function{ID: uint64(len(b.p.Function) + 1), Name: fn, Filename: file}
			b.funcs[fn+file] = f
			b.p.Function = append(b.p.Function, f)
		}
		l.Line = append(l.Line, profile.Line{Function: f, Line: int64(line)})
	}
	b.locs[spec] = l
	b.p.Location = append(b.p.Location, l)
	return l
}

func (b *builder) sample(bytes int64, frames ...string) *builder {
	s := &profile.Sample{Value: []int64{1, bytes, 1, bytes}}
	for _, f := range frames {
		s.Location = append(s.Location, b.loc(f))
	}
	b.p.Sample = append(b.p.Sample, s)
	return b
}

// fakeBinary answers Callee from a table of addresses.
type fakeBinary map[uint64]string

func (f fakeBinary) Callee(loc *profile.Location) (string, bool) {
	name, ok := f[loc.Address]
	return name, ok
}

// fakeSource answers Line from a table keyed by "file:line".
type fakeSource map[string]*Line

func (f fakeSource) Line(fn, file string, line int) (*Line, error) {
	if !strings.HasPrefix(file, "/src/") {
		return nil, fmt.Errorf("%s: %w", file, ErrOutside)
	}
	if l, ok := f[fmt.Sprintf("%s:%d", file, line)]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("%s:%d: source does not match profile", file, line)
}

func attribute(t *testing.T, b *builder, opt Options) *Result {
	t.Helper()
	fig, err := heapprof.Select(b.p, "inuse")
	if err != nil {
		t.Fatal(err)
	}
	opt.Figures = fig
	return Attribute(b.p, opt)
}

// only returns the single site of r, failing the test otherwise.
func only(t *testing.T, r *Result) *Site {
	t.Helper()
	if len(r.Sites) != 1 {
		for _, s := range r.Sites {
			t.Logf("site %s %s:%d %s %q", s.Function, s.File, s.Line, s.Kind, s.Map)
		}
		t.Fatalf("got %d sites, want 1", len(r.Sites))
	}
	return r.Sites[0]
}

func TestStackEvidence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		frames []string
		kind   Kind
		site   string
		path   string
	}{
		{"full stack growth (mapwatch, Go 1.24+)", []string{
			"runtime.mallocgc", "runtime.newarray", "internal/runtime/maps.newarray",
			"internal/runtime/maps.newGroups", "internal/runtime/maps.(*table).reset",
			"internal/runtime/maps.newTable", "internal/runtime/maps.(*table).split",
			"internal/runtime/maps.(*table).rehash", "runtime.mapassign_fast64",
			"main.fill /src/main.go:10", "main.main /src/main.go:3",
		}, Grow, "main.fill", ""},
		{"full stack growth, buckets (Go 1.23)", []string{
			"runtime.mallocgc", "runtime.newarray", "runtime.makeBucketArray", "runtime.hashGrow",
			"runtime.mapassign_faststr", "main.fill /src/main.go:10",
		}, Grow, "main.fill", ""},
		{"full stack make", []string{
			"runtime.mallocgc", "runtime.newarray", "internal/runtime/maps.newarray",
			"internal/runtime/maps.NewMap", "runtime.makemap", "main.build /src/main.go:20",
		}, Make, "main.build", ""},
		{"full stack non-map", []string{
			"runtime.mallocgc", "runtime.newobject", "main.newT /src/main.go:30", "main.main /src/main.go:3",
		}, NonMap, "main.newT", ""},
		{"json into a map", []string{
			"reflect.mapassign_faststr0", "reflect.Value.SetMapIndex",
			"encoding/json.(*decodeState).object", "encoding/json.(*decodeState).value",
			"encoding/json.Unmarshal", "main.decode /src/main.go:40",
		}, Reflect, "main.decode", "main.decode -> encoding/json -> reflect.mapassign_faststr0"},
		{"sync.Map on hash-tries (Go 1.24+)", []string{
			"internal/sync.newEntryNode[...]", "internal/sync.(*HashTrieMap[...]).Swap",
			"sync.(*Map).Swap", "sync.(*Map).Store", "main.store /src/main.go:50",
		}, SyncMap, "main.store", ""},
		{"sync.Map on a builtin map (Go 1.23)", []string{
			"sync.(*Map).Store", "main.store /src/main.go:50",
		}, SyncMap, "main.store", ""},
		{"maps.Clone", []string{"maps.clone", "maps.Clone[...]", "main.copyIt /src/main.go:60"}, Clone, "main.copyIt", ""},
		{"package map literal", []string{"main.map.init.0 /src/main.go:5", "runtime.doInit1", "runtime.main"}, Make, "main.map.init.0", ""},
		{"stripped, no evidence", []string{"main.fill /src/main.go:10", "main.main /src/main.go:3"}, Unknown, "main.fill", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := attribute(t, newBuilder().sample(4096, tc.frames...), Options{})
			s := only(t, r)
			if s.Kind != tc.kind || s.Function != tc.site {
				t.Errorf("got %s at %s, want %s at %s", s.Kind, s.Function, tc.kind, tc.site)
			}
			if tc.kind != Unknown && !slices.Equal(s.Evidence, []Evidence{FromStack}) {
				t.Errorf("evidence = %v, want [stack]", s.Evidence)
			}
			if tc.kind == Unknown && s.Note == "" {
				t.Error("unknown site without a note saying why")
			}
			if tc.path != "" && strings.Join(s.Path, " -> ") != tc.path {
				t.Errorf("path = %q, want %q", strings.Join(s.Path, " -> "), tc.path)
			}
		})
	}
}

func TestBinaryEvidence(t *testing.T) {
	bin := fakeBinary{
		0x100: "runtime.mapassign_fast64",
		0x200: "runtime.newobject",
		0x300: "runtime.makemap_small",
		0x400: "runtime.somethingNew",
		0x500: "runtime.growslice",
	}
	for _, tc := range []struct {
		addr uint64
		kind Kind
	}{{0x100, Grow}, {0x200, NonMap}, {0x300, Make}, {0x400, Unknown}, {0x500, NonMap}, {0x999, Unknown}} {
		t.Run(fmt.Sprintf("%#x", tc.addr), func(t *testing.T) {
			b := newBuilder().sample(100, fmt.Sprintf("main.f /src/main.go:7@%x", tc.addr))
			s := only(t, attribute(t, b, Options{Binary: bin}))
			if s.Kind != tc.kind {
				t.Fatalf("kind = %s, want %s", s.Kind, tc.kind)
			}
			if tc.kind != Unknown && !slices.Equal(s.Evidence, []Evidence{FromBinary}) {
				t.Errorf("evidence = %v, want [binary]", s.Evidence)
			}
			if tc.addr == 0x400 && !strings.Contains(s.Note, "runtime.somethingNew") {
				t.Errorf("note %q does not name the unfamiliar callee", s.Note)
			}
		})
	}
}

func TestSourceEvidence(t *testing.T) {
	src := fakeSource{
		"/src/main.go:10": {Ops: []Op{{Kind: OpMapAssign, Expr: "s.sessions", Type: "map[string]*Session"}}, LoopLine: 9, LoopTrips: "len(ids)"},
		"/src/main.go:11": {Ops: []Op{{Kind: OpMapAssign, Expr: "m", Type: "map[int]*T"}, {Kind: OpAlloc, Expr: "&T{...}", Type: "*T"}}},
		"/src/main.go:12": {Ops: []Op{{Kind: OpAlloc, Expr: "make([]byte, n)", Type: "[]byte"}}},
		"/src/main.go:13": {},
		"/src/main.go:14": {Ops: []Op{{Kind: OpMapLiteral, Expr: "map[string]int{...}", Type: "map[string]int"}}},
		"/src/main.go:15": {Ops: []Op{{Kind: OpMapMake, Expr: "make(map[int]int, n)", Type: "map[int]int", Hint: "n"}}},
		// s.seen[id] = time.Now().UnixNano(): the calls allocate, if at
		// all, in their own frames; the line's own allocation is the map's.
		"/src/main.go:16": {Ops: []Op{{Kind: OpMapAssign, Expr: "s.seen", Type: "map[string]int64"}, {Kind: OpCall, Expr: "time.Now()"}, {Kind: OpCall, Expr: "time.Now().UnixNano()"}}},
		// m[k] = fmt.Sprint(i): the conversion of i to any is the line's.
		"/src/main.go:17": {Ops: []Op{{Kind: OpMapAssign, Expr: "m", Type: "map[int]string"}, {Kind: OpCall, Expr: "fmt.Sprint(i)"}, {Kind: OpAlloc, Expr: "any(i)", Type: "int"}}},
		"/src/main.go:18": {Ops: []Op{{Kind: OpCall, Expr: "load(k)"}}},
	}
	for _, tc := range []struct {
		line       int
		kind       Kind
		expr, typ  string
		noteSubstr string
	}{
		{10, Grow, "s.sessions", "map[string]*Session", ""},
		{11, Unknown, "", "", "-binary tells them apart"},
		{12, NonMap, "", "", ""},
		{13, Unknown, "", "", "source match"},
		{14, Make, "map[string]int{...}", "map[string]int", ""},
		{15, Make, "make(map[int]int, n)", "map[int]int", ""},
		{16, Grow, "s.seen", "map[string]int64", ""},
		{17, Unknown, "", "", "-binary tells them apart"},
		{18, Unknown, "", "", "only calls functions"},
		{99, Unknown, "", "", "give -binary or -source"},
	} {
		t.Run(fmt.Sprint(tc.line), func(t *testing.T) {
			b := newBuilder().sample(100, fmt.Sprintf("main.f /src/main.go:%d", tc.line))
			r := attribute(t, b, Options{Source: src})
			s := only(t, r)
			if s.Kind != tc.kind || s.Map != tc.expr || s.Type != tc.typ {
				t.Errorf("got %s %q %q, want %s %q %q", s.Kind, s.Map, s.Type, tc.kind, tc.expr, tc.typ)
			}
			if tc.noteSubstr != "" && !strings.Contains(s.Note, tc.noteSubstr) {
				t.Errorf("note %q does not contain %q", s.Note, tc.noteSubstr)
			}
			if tc.line == 10 {
				if got := Suggest(s, "inuse"); !strings.Contains(got, "len(ids)") {
					t.Errorf("suggestion %q does not mention the loop's trip count", got)
				}
			}
			if tc.line == 99 && r.SourceMismatched != 1 {
				t.Errorf("SourceMismatched = %d, want 1", r.SourceMismatched)
			}
		})
	}
}

// A line such as m[k] = &T{} allocates the T and grows the map through two
// calls; only the binary tells the two samples apart, and the source names
// the map.
func TestBinaryAndSourceSplitALine(t *testing.T) {
	src := fakeSource{"/src/main.go:11": {Ops: []Op{{Kind: OpMapAssign, Expr: "m", Type: "map[int]*T"}, {Kind: OpAlloc, Expr: "&T{...}", Type: "*T"}}}}
	bin := fakeBinary{0x10: "runtime.newobject", 0x20: "runtime.mapassign_fast64"}
	b := newBuilder().
		sample(64, "main.f /src/main.go:11@10").
		sample(8192, "main.f /src/main.go:11@20").
		sample(64, "main.f /src/main.go:11@10")
	r := attribute(t, b, Options{Source: src, Binary: bin})
	if len(r.Sites) != 2 {
		t.Fatalf("got %d sites, want 2", len(r.Sites))
	}
	grow, non := r.Sites[0], r.Sites[1]
	if grow.Kind != Grow || grow.Map != "m" || grow.Bytes != 8192 || !slices.Equal(grow.Evidence, []Evidence{FromBinary, FromSource}) {
		t.Errorf("growth site = %+v", grow)
	}
	if non.Kind != NonMap || non.Bytes != 128 || non.Samples != 2 || non.Map != "" {
		t.Errorf("non-map site = %+v", non)
	}
	if mb, _ := r.MapBytes(); mb != 8192 {
		t.Errorf("MapBytes = %d, want 8192", mb)
	}
}

func TestLiteralFilledByMapassignIsMake(t *testing.T) {
	src := fakeSource{"/src/main.go:14": {Ops: []Op{{Kind: OpMapLiteral, Expr: "map[string]int{...}", Type: "map[string]int"}}}}
	bin := fakeBinary{0x30: "runtime.mapassign_faststr"}
	s := only(t, attribute(t, newBuilder().sample(100, "main.f /src/main.go:14@30"), Options{Source: src, Binary: bin}))
	if s.Kind != Make || s.Type != "map[string]int" {
		t.Errorf("got %s %q, want make of the literal", s.Kind, s.Type)
	}
}

func TestBinarySourceConflict(t *testing.T) {
	src := fakeSource{"/src/main.go:12": {Ops: []Op{{Kind: OpAlloc, Expr: "make([]byte, n)"}}}}
	bin := fakeBinary{0x30: "runtime.mapassign_faststr"}
	s := only(t, attribute(t, newBuilder().sample(100, "main.f /src/main.go:12@30"), Options{Source: src, Binary: bin}))
	if s.Kind != Grow || !strings.Contains(s.Note, "does the source match") {
		t.Errorf("got %s with note %q; want the binary's kind and a note on the conflict", s.Kind, s.Note)
	}
}

func TestUserFrame(t *testing.T) {
	frames := []string{
		"reflect.mapassign_faststr0", "encoding/json.Unmarshal",
		"github.com/lib/cache.(*C).Fill /gopath/lib/cache.go:5",
		"example.com/svc/internal/store.(*Store).Load /src/internal/store/store.go:33",
		"main.main /src/main.go:3",
	}
	for _, tc := range []struct {
		name string
		opt  Options
		want string
	}{
		{"first non-standard frame", Options{}, "github.com/lib/cache.(*C).Fill"},
		{"main module", Options{MainModule: "example.com/svc"}, "example.com/svc/internal/store.(*Store).Load"},
		{"focus", Options{Focus: regexp.MustCompile(`^main\.`)}, "main.main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := only(t, attribute(t, newBuilder().sample(10, frames...), tc.opt))
			if s.Function != tc.want || s.Kind != Reflect {
				t.Errorf("site %s (%s), want %s (reflect)", s.Function, s.Kind, tc.want)
			}
		})
	}
}

func TestOutsideFramesAreNotMismatches(t *testing.T) {
	src := fakeSource{}
	b := newBuilder().sample(10, "encoding/json.(*decodeState).literalStore /usr/go/src/encoding/json/decode.go:900")
	r := attribute(t, b, Options{Source: src})
	if r.SourceMismatched != 0 || len(r.SourceErrors) != 0 {
		t.Errorf("frames outside the module counted as mismatches: %v", r.SourceErrors)
	}
	if !errors.Is(fmt.Errorf("x: %w", ErrOutside), ErrOutside) {
		t.Fatal("ErrOutside does not wrap")
	}
}

func TestZeroSamplesMakeNoSite(t *testing.T) {
	b := newBuilder()
	b.p.Sample = append(b.p.Sample, &profile.Sample{Value: []int64{5, 500, 0, 0}, Location: []*profile.Location{b.loc("main.f /src/main.go:1")}})
	r := attribute(t, b, Options{})
	if len(r.Sites) != 0 || r.Total != 0 {
		t.Errorf("freed samples made sites: %+v", r.Sites)
	}
}

// SampleSites is kept only when asked for (heap -o writes the samples
// back labelled): it holds a pointer per sample of the profile.
func TestSampleSitesOnlyWhenAsked(t *testing.T) {
	b := newBuilder().
		sample(4096, "runtime.mapassign_faststr runtime/map.go:1", "main.f /src/main.go:1").
		sample(64, "runtime.newobject runtime/malloc.go:1", "main.g /src/main.go:2")
	b.p.Sample = append(b.p.Sample, &profile.Sample{Value: []int64{5, 500, 0, 0}, Location: []*profile.Location{b.loc("main.f /src/main.go:1")}})
	if r := attribute(t, b, Options{}); r.SampleSites != nil {
		t.Errorf("SampleSites kept without being asked for: %v", r.SampleSites)
	}
	r := attribute(t, b, Options{SampleSites: true})
	if len(r.SampleSites) != 3 || r.SampleSites[0] == nil || r.SampleSites[1] == nil || r.SampleSites[2] != nil {
		t.Fatalf("SampleSites = %v, want the sites of the two live samples and nil for the freed one", r.SampleSites)
	}
	if r.SampleSites[0].Line != 1 || !r.SampleSites[0].Kind.IsMap() || r.SampleSites[1].Line != 2 || r.SampleSites[1].Kind.IsMap() {
		t.Errorf("SampleSites = %+v, %+v", *r.SampleSites[0], *r.SampleSites[1])
	}
}

// A stack without a frame of the user's code (a server goroutine of
// net/http growing a header map) is the library's own: the advice must
// not tell the user to change code they do not own.
func TestForeignSiteAdvice(t *testing.T) {
	frames := []string{"net/textproto.readMIMEHeader /go/src/net/textproto/reader.go:592@40", "net/http.(*conn).serve /go/src/net/http/server.go:2102"}
	bin := fakeBinary{0x40: "runtime.mapassign_faststr"}
	s := only(t, attribute(t, newBuilder().sample(100, frames...), Options{Binary: bin, MainModule: "example.com/svc"}))
	if !s.Foreign || s.Kind != Grow {
		t.Fatalf("site %s %s foreign=%v, want a foreign grow site", s.Function, s.Kind, s.Foreign)
	}
	got := Suggest(s, "alloc")
	if strings.Contains(got, "size hint") || !strings.Contains(got, "net/textproto") {
		t.Errorf("advice %q: want no size hint, and the package named", got)
	}
	// The same stack reached from the user's code is the user's site.
	frames = append(frames, "example.com/svc.(*Server).handle /src/server.go:40")
	s = only(t, attribute(t, newBuilder().sample(100, frames...), Options{Binary: bin, MainModule: "example.com/svc"}))
	if s.Foreign || s.Function != "example.com/svc.(*Server).handle" {
		t.Errorf("site %s foreign=%v, want the user's frame", s.Function, s.Foreign)
	}
}

// TestMapTypeMethod: a map of a library's map type grown inside its
// method (k8s.io/apimachinery's sets.Set[string].Insert, called as
// s.Insert(n) in a loop) is the caller's map, named at the caller's line
// with the loop bound, not the library's own map.
func TestMapTypeMethod(t *testing.T) {
	src := fakeSource{
		"/src/lib/set.go:51": {Ops: []Op{{Kind: OpMapAssign, Expr: "s", Type: "sets.Set[T]"}}, Module: "example.com/lib", Version: "v1.0.0"},
		"/src/main.go:22":    {Ops: []Op{{Kind: OpMapMethod, Expr: "s", Type: "sets.Set[string]"}}, LoopLine: 21, LoopTrips: "len(names)"},
	}
	b := newBuilder().sample(4096, "runtime.mallocgc", "runtime.newarray", "internal/runtime/maps.newarray",
		"internal/runtime/maps.newGroups", "internal/runtime/maps.(*table).reset", "internal/runtime/maps.newTable",
		"internal/runtime/maps.(*table).split", "internal/runtime/maps.(*table).rehash", "runtime.mapassign_faststr",
		"example.com/lib.Set[go.shape.string].Insert /src/lib/set.go:51", "main.unhinted /src/main.go:22", "main.main /src/main.go:3")
	s := only(t, attribute(t, b, Options{Source: src, MainModule: "example.com/app"}))
	if s.Kind != Grow || s.Function != "main.unhinted" || s.Map != "s" || s.Type != "sets.Set[string]" || s.Owner != nil || s.LoopTrips != "len(names)" {
		t.Errorf("got %s at %s: %q %q owner %+v loop %q; want grow at main.unhinted: s sets.Set[string], no owner, len(names)", s.Kind, s.Function, s.Map, s.Type, s.Owner, s.LoopTrips)
	}
	if got := Suggest(s, "inuse"); strings.Contains(got, "own map") {
		t.Errorf("suggestion %q calls the caller's map the library's", got)
	}
}
