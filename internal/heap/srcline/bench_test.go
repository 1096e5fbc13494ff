package srcline

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The benchmarks look up lines of this package inside the mapscope module
// itself: a real package with dependencies outside the standard library.
const selfModuleRoot = "../.."

func selfLine(b *testing.B) (fn, file string, line int) {
	b.Helper()
	tr, err := Open(selfModuleRoot)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("classify.go")
	if err != nil {
		b.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "c.ops = append(c.ops, found{") {
			return tr.ModulePath() + "/internal/heap/srcline.(*classifier).add", tr.ModulePath() + "/internal/heap/srcline/classify.go", i + 1
		}
	}
	b.Fatal("line not found")
	return
}

// BenchmarkOpenLookup is the cost of the first answer: Open, index the
// tree, parse and type-check one package (go list -export for its
// dependencies).
func BenchmarkOpenLookup(b *testing.B) { benchOpenLookup(b, Options{}) }

// BenchmarkOpenLookupFromSource is the same with Options.FromSource.
func BenchmarkOpenLookupFromSource(b *testing.B) { benchOpenLookup(b, Options{FromSource: true}) }

func benchOpenLookup(b *testing.B, opts Options) {
	fn, file, line := selfLine(b)
	for b.Loop() {
		tr, err := OpenWith(selfModuleRoot, opts)
		if err != nil {
			b.Fatal(err)
		}
		got, err := tr.Lookup(fn, file, line)
		if err != nil || len(got.Ops) == 0 {
			b.Fatalf("%+v %v", got, err)
		}
	}
}

// BenchmarkLookupLoaded is the cost of a lookup in a package already
// loaded.
func BenchmarkLookupLoaded(b *testing.B) {
	fn, file, line := selfLine(b)
	tr, err := Open(selfModuleRoot)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.Lookup(fn, file, line); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := tr.Lookup(fn, file, line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSourceImporter is the alternative that was measured and not
// taken: go/types with the "source" importer, type-checking every
// dependency from source on each load.
func BenchmarkSourceImporter(b *testing.B) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fset := token.NewFileSet()
		var files []*ast.File
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, n, nil, 0)
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, f)
		}
		conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
		if _, err := conf.Check("github.com/mapscope/mapscope/internal/heap/srcline", fset, files, info); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFrames are one line in each of three packages of testdata/mod.
var benchFrames = []struct {
	Frame
	line int
}{
	{Frame{"example.com/svc/internal/store.(*Store).Put", "example.com/svc/internal/store/store.go"}, 50},
	{Frame{"main.fill", "example.com/svc/cmd/alloc/main.go"}, 44},
	{Frame{"main.main", "example.com/svc/cmd/other/main.go"}, 9},
}

func benchThreePackages(b *testing.B, preload bool) {
	for b.Loop() {
		tr, err := Open(filepath.Join("testdata", "mod"))
		if err != nil {
			b.Fatal(err)
		}
		if preload {
			frames := make([]Frame, len(benchFrames))
			for i, f := range benchFrames {
				frames[i] = f.Frame
			}
			tr.Preload(frames)
		}
		for _, f := range benchFrames {
			if _, err := tr.Lookup(f.Func, f.File, f.line); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkThreePackagesLazy loads three packages one go command run each.
func BenchmarkThreePackagesLazy(b *testing.B) { benchThreePackages(b, false) }

// BenchmarkThreePackagesPreload loads them in one run.
func BenchmarkThreePackagesPreload(b *testing.B) { benchThreePackages(b, true) }
