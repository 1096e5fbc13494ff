package maptest_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/maptest"
)

// leakyServer is the bug maptest exists for: a session map that only grows.
type leakyServer struct {
	next     int
	sessions map[string]int
}

func (s *leakyServer) handle() {
	s.next++
	s.sessions[fmt.Sprint("session-", s.next)] = s.next // never deleted
}

// cleanServer keeps a bounded window of sessions and rebuilds the map
// when deletes have piled up, so its map memory stays bounded.
type cleanServer struct {
	next     int
	sessions map[int]int
	deletes  int
}

func (s *cleanServer) handle() {
	s.next++
	s.sessions[s.next] = s.next
	if len(s.sessions) > 50 {
		delete(s.sessions, s.next-50)
		s.deletes++
	}
	if s.deletes >= 100 {
		fresh := make(map[int]int, len(s.sessions))
		for k, v := range s.sessions {
			fresh[k] = v
		}
		s.sessions, s.deletes = fresh, 0
	}
}

var sink int

// countWords uses a local map: nothing survives the call.
func countWords() {
	counts := map[string]int{}
	for _, w := range strings.Fields("a b c d e f g h i j k l m n o p q r s t a b c") {
		counts[w]++
	}
	sink += len(counts)
}

// fakeTB records what VerifyNoGrowth reports.
type fakeTB struct{ errors []string }

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// lineOf returns the line of this file that ends with marker.
func lineOf(t *testing.T, marker string) int {
	t.Helper()
	data, err := os.ReadFile("maptest_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("no line ends with %q", marker)
	return 0
}

func TestCatchesLeakingHandler(t *testing.T) {
	s := &leakyServer{sessions: map[string]int{}}
	var ft fakeTB
	maptest.VerifyNoGrowth(&ft, s.handle)
	if len(ft.errors) != 1 {
		t.Fatalf("VerifyNoGrowth reported %d sites for a session map that never deletes, want 1: %q", len(ft.errors), ft.errors)
	}
	msg := ft.errors[0]
	line := lineOf(t, "// never deleted")
	for _, want := range []string{
		"maptest: map s.sessions (map[string]int) grows with iterations at ",
		"maptest_test.(*leakyServer).handle",
		fmt.Sprintf("maptest_test.go:%d (grow)", line),
		"B per iteration",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("report %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "churn") {
		t.Errorf("a map that is never deleted from is reported as churn: %q", msg)
	}
	// A fresh server: the checkpoints assume the leak starts with the run.
	s = &leakyServer{sessions: map[string]int{}}
	g := maptest.Find(s.handle)
	if len(g) == 0 {
		t.Fatal("Find found no growth on the leaking handler")
	}
	// Each session adds a string key and an int: at least 24 bytes of slot
	// per entry, before load factor and doubling.
	if g[0].PerIteration() < 24 {
		t.Errorf("leak measured at %.1f B per iteration, want >= 24", g[0].PerIteration())
	}
	if g[0].Line != line || !strings.HasSuffix(g[0].File, "maptest_test.go") || g[0].Kind != "grow" ||
		g[0].Map != "s.sessions" || g[0].Type != "map[string]int" {
		t.Errorf("growth = %+v, want grow of s.sessions (map[string]int) at maptest_test.go:%d", g[0], line)
	}
}

func TestPassesCleanHandlers(t *testing.T) {
	cases := map[string]func(){
		"local map":      countWords,
		"rebuilt map":    (&cleanServer{sessions: map[int]int{}}).handle,
		"no maps at all": func() { sink += len(fmt.Sprint(sink)) },
	}
	for name, f := range cases {
		var ft fakeTB
		maptest.VerifyNoGrowth(&ft, f)
		for _, e := range ft.errors {
			t.Errorf("%s: false positive: %s", name, e)
		}
	}
}

// Maps named from the source, in the shapes code writes them.
type (
	index   map[int]string
	catalog struct{ byID index }
	shop    struct {
		inner catalog
		tags  map[int][]string
	}
)

var (
	registry = map[string]int{}
	seen     map[int]bool
	shops    = &shop{tags: map[int][]string{}}
	counter  int
)

func register() {
	counter++
	registry[fmt.Sprint(counter)] = counter // registry
}

func markSeen() {
	counter++
	seen[counter] = true // seen
}

func tag(s *shop) {
	counter++
	s.tags[counter] = nil // tags
}

func (s *shop) add() {
	counter++
	s.inner.byID[counter] = "x" // byID
}

func store(m map[int]int) {
	counter++
	m[counter] = counter // param
}

func TestNamesMapsFromSource(t *testing.T) {
	// Fresh maps: the growth must start with the measurement.
	registry, seen = map[string]int{}, map[int]bool{}
	shops.tags, shops.inner.byID = map[int][]string{}, index{}
	param := map[int]int{}
	for _, c := range []struct {
		name, marker, expr, typ string
		f                       func()
	}{
		{"package var made by a literal", "// registry", "registry", "map[string]int", register},
		{"package var declared with its type", "// seen", "seen", "map[int]bool", markSeen},
		{"field of a parameter", "// tags", "s.tags", "map[int][]string", func() { tag(shops) }},
		{"field of a field, of a named map type", "// byID", "s.inner.byID", "index", shops.add},
		{"parameter", "// param", "m", "map[int]int", func() { store(param) }},
	} {
		g := maptest.Find(c.f)
		if len(g) != 1 {
			t.Errorf("%s: %d growing sites, want 1: %v", c.name, len(g), g)
			continue
		}
		if g[0].Line != lineOf(t, c.marker) || g[0].Map != c.expr || g[0].Type != c.typ {
			t.Errorf("%s: %s:%d names map %q of type %q, want %q of type %q at line %d",
				c.name, g[0].File, g[0].Line, g[0].Map, g[0].Type, c.expr, c.typ, lineOf(t, c.marker))
		}
	}
}

// fifo is a bounded cache: 64 entries, the oldest evicted. Its map
// memory is bounded on Go 1.25+, and keeps growing on Go 1.24, whose
// Swiss tables never prune the tombstones deletes leave
// (map-runtime-facts.md: 128 -> 512 slots over 1e6 calls).
type fifo struct {
	m          map[int]int
	head, next int
}

func (f *fifo) put() {
	f.m[f.next] = f.next // fifo put
	f.next++
	if len(f.m) > 64 {
		delete(f.m, f.head) // fifo evict
		f.head++
	}
}

// TestBoundedFIFOByGoVersion asserts what docs/maptest.md says: the same
// bounded FIFO passes on Go 1.25+ and is reported on Go 1.24 (its tables
// really grow), with a note saying why. Where it grows depends on the
// hash seed (on Go 1.24 about two runs in three report it), so the test
// runs fresh FIFOs: on Go 1.24 one of 12 must be reported (all 12 passing
// has a chance under 1e-5), on Go 1.25+ none may be.
func TestBoundedFIFOByGoVersion(t *testing.T) {
	var reports []string
	for i := 0; i < 12; i++ {
		f := &fifo{m: map[int]int{}}
		var ft fakeTB
		maptest.VerifyNoGrowth(&ft, f.put)
		reports = append(reports, ft.errors...)
	}
	if !fifoGrows {
		for _, e := range reports {
			t.Errorf("a 64-entry FIFO reported on a Go that prunes tombstones: %s", e)
		}
		return
	}
	if len(reports) == 0 {
		t.Fatal("the 64-entry FIFO was never reported in 12 runs, on a Go whose FIFO tables grow")
	}
	for _, msg := range reports {
		for _, want := range []string{
			"maptest: map f.m (map[int]int) grows with iterations at github.com/mapscope/mapscope/maptest_test.(*fifo).put",
			fmt.Sprintf("maptest_test.go:%d (grow)", lineOf(t, "// fifo put")),
			fmt.Sprintf("less than one slot (16 B) per call and f.m is also deleted from (line %d): its length may be bounded", lineOf(t, "// fifo evict")),
			fifoNote,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("report does not contain %q:\n%s", want, msg)
			}
		}
	}
	t.Logf("%d of 12 runs reported the FIFO; the first:\n%s", len(reports), reports[0])
}

func TestIgnoreFunctionAndTolerance(t *testing.T) {
	s := &leakyServer{sessions: map[string]int{}}
	var ft fakeTB
	maptest.VerifyNoGrowth(&ft, s.handle, maptest.IgnoreFunction("leakyServer"))
	if len(ft.errors) != 0 {
		t.Errorf("ignored function still reported: %v", ft.errors)
	}
	s = &leakyServer{sessions: map[string]int{}}
	ft = fakeTB{}
	maptest.VerifyNoGrowth(&ft, s.handle, maptest.Tolerance(1<<30))
	if len(ft.errors) != 0 {
		t.Errorf("growth under the tolerance reported: %v", ft.errors)
	}
	// No warm-up: the leak is still found, from the first call.
	s = &leakyServer{sessions: map[string]int{}}
	if g := maptest.Find(s.handle, maptest.Warmup(0), maptest.Iterations(21*8)); len(g) != 1 || g[0].Calls[0] != 0 {
		t.Errorf("Find with Warmup(0): %v, want the leak with a first checkpoint at 0 calls", g)
	}
}

// TestInvalidOptionsPanic: every invalid value panics, naming the option.
func TestInvalidOptionsPanic(t *testing.T) {
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { maptest.Warmup(-1) }, "maptest: Warmup(-1): want 0 or more calls"},
		{func() { maptest.Iterations(20) }, "maptest: Iterations(20): want at least 21 (three rounds of 1:4:16 parts)"},
		{func() { maptest.Iterations(0) }, "maptest: Iterations(0)"},
		{func() { maptest.Tolerance(-1) }, "maptest: Tolerance(-1): want 0 or more bytes"},
		{func() { maptest.IgnoreFunction("") }, `maptest: IgnoreFunction(""): an empty pattern would ignore every site`},
		{func() { maptest.Find(func() {}, nil) }, "maptest: nil Option"},
	} {
		if got := panicOf(c.f); !strings.Contains(got, c.want) {
			t.Errorf("panic %q, want it to contain %q", got, c.want)
		}
	}
}

func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return "no panic"
}

func ExampleVerifyNoGrowth() {
	s := &leakyServer{sessions: map[string]int{}}
	for _, g := range maptest.Find(s.handle) {
		fmt.Println(g.Kind, g.Map, g.Type)
	}
	// Output:
	// grow s.sessions map[string]int
}
