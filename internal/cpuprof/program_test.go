package cpuprof

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// toolchains are the Go versions of the programs the tests profile: the
// last bucket maps, the go command's own, the newest Swiss tables.
var toolchains = []string{"go1.23.12", "local", "go1.27.4"}

// TestMapLoads profiles the maploads program (testdata/maploads) built
// with each toolchain and checks what mapscope cpu must find there: the
// growth at the site filling a map made without a hint, none at the site
// filling a presized one (under 5% of the unhinted site's), lookups at
// the lookup loop and clears at the clear loop, and, with the source, the
// loop bound for the size hint.
func TestMapLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and profiles programs")
	}
	for _, tc := range toolchains {
		t.Run(tc, func(t *testing.T) {
			t.Parallel()
			run := heaptest.RunMapLoads(t, tc, 1)
			data, err := os.ReadFile(run.CPU)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Attribute(p, Options{MainModule: "example.com/maploads"})
			if err != nil {
				t.Fatal(err)
			}
			site := func(name string) *Site {
				for _, s := range res.Sites {
					if s.Line == run.Lines[name] && s.Function == run.Funcs[name] {
						return s
					}
				}
				return &Site{}
			}
			unhinted, presized := site("unhinted"), site("presized")
			grow, pgrow := unhinted.CPU[mapop.Grow], presized.CPU[mapop.Grow]
			t.Logf("%s: growth %v at the unhinted site (%d samples, %.0f%% of its map time), %v at the presized site (%v in all)",
				tc, time.Duration(grow), unhinted.Samples, 100*unhinted.GrowShare(), time.Duration(pgrow), time.Duration(presized.CPU.Total()))
			if grow < int64(50*time.Millisecond) {
				t.Errorf("growth at the unhinted site is %v, want at least 50ms", time.Duration(grow))
			}
			if pgrow*20 >= grow {
				t.Errorf("growth at the presized site is %v, not under 5%% of the unhinted site's %v", time.Duration(pgrow), time.Duration(grow))
			}
			if presized.CPU.Total() == 0 {
				t.Errorf("no map time at the presized site: the samples went elsewhere")
			}
			if res.Sites[0] != unhinted {
				t.Errorf("the costliest site is %s:%d, want the unhinted fill", res.Sites[0].Function, res.Sites[0].Line)
			}
			if mk := site("make"); mk.CPU[mapop.Make] == 0 && tc != "go1.23.12" {
				// Go 1.23 allocates a presized bucket array without
				// touching it; Swiss tables write every control word.
				t.Errorf("no make time at the presized map's make")
			}
			if lk := site("lookup"); lk.CPU[mapop.Lookup]+lk.CPU[mapop.Hash] < lk.CPU.Total()*9/10 || lk.CPU.Total() == 0 {
				t.Errorf("lookup site: %v, want lookups and hashing only", lk.CPU)
			}
			if cl := site("clear"); cl.CPU[mapop.Clear] == 0 || cl.CPU[mapop.Clear] != cl.CPU.Total() {
				t.Errorf("clear site: %v, want clears only", cl.CPU)
			}
			if Suggest(unhinted, false) == "" {
				t.Errorf("no suggestion for the unhinted site")
			}
			if s := Suggest(presized, false); s != "" {
				t.Errorf("suggestion for the presized site: %q", s)
			}

			// With the source, the unhinted site names its map and the
			// loop bound a size hint needs.
			ev, err := heap.Open(heap.Config{Source: run.Src})
			if err != nil {
				t.Fatal(err)
			}
			defer ev.Close()
			Annotate(res.Sites, ev.Source())
			if unhinted.Expr != "m" || unhinted.Type != "map[int]int" || unhinted.LoopTrips != "n" {
				t.Errorf("unhinted site from the source: %q %q, loop %q; want m map[int]int, n", unhinted.Expr, unhinted.Type, unhinted.LoopTrips)
			}
			if got, want := Suggest(unhinted, true), "make m with n as its size hint"; !strings.Contains(got, want) {
				t.Errorf("suggestion %q does not say %q", got, want)
			}
		})
	}
}
