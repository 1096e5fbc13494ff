package maptest_test

import (
	"fmt"
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

func TestCatchesLeakingHandler(t *testing.T) {
	s := &leakyServer{sessions: map[string]int{}}
	var ft fakeTB
	maptest.VerifyNoGrowth(&ft, s.handle)
	if len(ft.errors) == 0 {
		t.Fatal("VerifyNoGrowth passed a handler whose session map never deletes")
	}
	msg := ft.errors[0]
	for _, want := range []string{"maptest_test.(*leakyServer).handle", "maptest_test.go:", "(grow)", "B per iteration"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report %q does not contain %q", msg, want)
		}
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
	if g[0].Site.Line == 0 || !strings.HasSuffix(g[0].Site.File, "maptest_test.go") {
		t.Errorf("growth attributed to %s:%d", g[0].Site.File, g[0].Site.Line)
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
}

func ExampleVerifyNoGrowth() {
	s := &leakyServer{sessions: map[string]int{}}
	for _, g := range maptest.Find(s.handle) {
		fmt.Println(g.Site.Kind, strings.Contains(g.Site.Function, "leakyServer"))
	}
	// Output:
	// grow true
}
