package heap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// libraryProgram leaks through a library's map: go-cache's items, filled
// with entries that never expire, keyed by request ids.
const libraryProgram = `package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"

	"github.com/patrickmn/go-cache"
)

type receipt struct{ id string; total int }

var processed = cache.New(cache.NoExpiration, 0)

func handle(i int) {
	id := "req-" + strconv.Itoa(i)
	processed.Set(id, &receipt{id: id, total: i}, cache.NoExpiration)
}

func main() {
	runtime.MemProfileRate = 1
	for i := 0; i < 30000; i++ {
		handle(i)
	}
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	pprof.WriteHeapProfile(f)
	f.Close()
}
`

const libraryGoMod = "module example.com/webhooks\n\ngo 1.21\n\nrequire github.com/patrickmn/go-cache v2.1.0+incompatible\n"

const libraryGoSum = `github.com/patrickmn/go-cache v2.1.0+incompatible h1:HRMgzkcYKYpi3C8ajMPV8OFXaaRUnok+kx1WdO15EQc=
github.com/patrickmn/go-cache v2.1.0+incompatible/go.mod h1:3Qf8kWWT7OJRJbdiICTKqZju1ZixQ/KpMGzzAfe6+WQ=
`

// TestLibraryMapNamed checks that -source reads a dependency's source
// from the module cache and names the library's map at its own line,
// reached from the user's line, with advice for code the user does not
// own; with and without -trimpath, on Go 1.26 and 1.23.
func TestLibraryMapNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and profiles a program with a library from the module proxy")
	}
	prog := heaptest.WriteProgram(t, libraryGoMod, libraryGoSum, libraryProgram)
	for _, toolchain := range []string{"local", "go1.23.12"} {
		for _, flags := range [][]string{nil, {"-trimpath"}} {
			t.Run(toolchain+strings.Join(flags, ""), func(t *testing.T) {
				exe := prog.Build(t, toolchain, "", nil, flags...)
				p := heaptest.RunForProfile(t, exe, nil)
				fig, err := heapprof.Select(p, "inuse")
				if err != nil {
					t.Fatal(err)
				}
				an, err := Open(Config{Source: prog.Dir}, Profile{Name: "webhooks", Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				defer an.Close()
				res, err := an.Attribute(p, fig)
				if err != nil {
					t.Fatal(err)
				}
				var found *Site
				for _, s := range res.Sites {
					if s.Owner != nil && s.Map == "c.items" {
						found = s
					}
				}
				if found == nil {
					for _, s := range res.Sites {
						t.Logf("site %s:%d %s %q owner=%v note=%s", s.File, s.Line, s.Kind, s.Map, s.Owner, s.Note)
					}
					t.Fatal("no site names go-cache's c.items")
				}
				if found.Function != "main.handle" || found.Kind != Grow || found.Type != "map[string]cache.Item" {
					t.Errorf("site %s %s %s, want main.handle grow map[string]cache.Item", found.Function, found.Kind, found.Type)
				}
				if o := found.Owner; o.Module != "github.com/patrickmn/go-cache" || o.Version != "v2.1.0+incompatible" || !strings.HasSuffix(o.File, "cache.go") {
					t.Errorf("owner %+v, want go-cache's cache.go at v2.1.0+incompatible", o)
				}
				if adv := Suggest(found, "inuse"); !strings.Contains(adv, "own map") || strings.Contains(adv, "size hint") {
					t.Errorf("advice %q is not for a library's map", adv)
				}
				if res.SourceMismatched != 0 {
					t.Errorf("source mismatches: %v", res.SourceErrors)
				}
			})
		}
	}
}

// TestWarnsPartialModuleList: when the go command, without the network,
// lists the build list only in part, -source says so and what to run.
func TestWarnsPartialModuleList(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":     "module example.com/partial\n\ngo 1.23\n\nrequire (\n\texample.com/lib v1.0.0\n\texample.com/notcached v1.0.0\n)\n\nreplace example.com/lib => ./lib\n",
		"go.sum":     "example.com/notcached v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"main.go":    "package main\n\nimport \"example.com/lib\"\n\nfunc main() { lib.Fill(map[int]int{}, 10) }\n",
		"lib/go.mod": "module example.com/lib\n\ngo 1.23\n",
		"lib/lib.go": "package lib\n\nfunc Fill(m map[int]int, n int) {\n\tfor i := 0; i < n; i++ {\n\t\tm[i] = i\n\t}\n}\n",
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := Open(Config{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	line, err := ev.Source().Line("example.com/lib.Fill", filepath.Join(dir, "lib", "lib.go"), 5)
	if err != nil || len(line.Ops) == 0 || line.Ops[0].Expr != "m" {
		t.Fatalf("library line: %+v, %v", line, err)
	}
	warn := strings.Join(ev.Warnings(), "\n")
	if !strings.Contains(warn, "example.com/notcached@v1.0.0") || !strings.Contains(warn, "go mod download") {
		t.Errorf("warnings %q do not name the module and what to run", warn)
	}
}
