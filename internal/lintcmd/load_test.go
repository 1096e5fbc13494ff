package lintcmd

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestDropPrivateFuncs(t *testing.T) {
	const src = `package dep

var table = build()

var X = func() int { return inBody() }()

type T struct{}

func (T) private() {}
func (T) Public()  {}

func build() map[string]int { return nil }
func inBody() int           { return 0 }
func unused(x int) int      { return x }
func init()                 {}
func Exported()             {}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "dep.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	dropPrivateFuncs([]*ast.File{f})
	var got []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			got = append(got, fd.Name.Name)
		}
	}
	// build is named by a package-level var; inBody only inside a function
	// literal, which is kept too (the scan does not tell them apart).
	want := []string{"private", "Public", "build", "inBody", "Exported"}
	if !slices.Equal(got, want) {
		t.Errorf("functions kept: %v, want %v", got, want)
	}
}

// TestDependencyTrimTypeChecks lints a module whose package imports a
// dependency that needs what dropPrivateFuncs must keep: a helper named
// by a package-level var, and an unexported method through which a type
// satisfies the dependency's interface in the importer.
func TestDependencyTrimTypeChecks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"dep/dep.go": `package dep

// Sizes is filled by a helper the trim must keep.
var Sizes = sizes()

func sizes() map[string]int { return map[string]int{"a": 1} }

func helper(n int) int { return n * 2 }

// Doer has an unexported method: only this package's types satisfy it.
type Doer interface{ do() int }

type Impl struct{}

func (Impl) do() int { return helper(1) }

func New() Impl { return Impl{} }

func Run(d Doer) int { return d.do() }

func init() { _ = helper(2) }
`,
		"app/app.go": `package app

import "example.com/m/dep"

var n = len(dep.Sizes)

func Use() int {
	var d dep.Doer = dep.New()
	return dep.Run(d) + n
}
`,
	}
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	l, err := listIn(context.Background(), dir, env, []string{"./app"}, false)
	if err != nil {
		t.Fatal(err)
	}
	var analyzed []string
	if err := l.checkAndAnalyze(context.Background(), func(p *packages.Package) {
		analyzed = append(analyzed, p.PkgPath)
	}); err != nil {
		t.Fatal(err)
	}
	if errs := l.errors(); len(errs) > 0 {
		t.Errorf("load errors: %v", errs)
	}
	if !slices.Equal(analyzed, []string{"example.com/m/app"}) {
		t.Errorf("analyzed %v, want [example.com/m/app]", analyzed)
	}
}
