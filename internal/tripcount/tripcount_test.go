package tripcount

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// The loop forms of the issue that made heap advice and lint disagree,
// with their counts. Each body is checked typed and untyped.
var cases = []struct {
	name, decls, loop string
	want              string // "" for no known count
	nonNeg            bool
	untyped           string // the count without type information
}{
	{"i < n", "var n int", "for i := 0; i < n; i++ { use(i) }", "n", false, "n"},
	{"i < len", "var xs []int", "for i := 0; i < len(xs); i++ { use(i) }", "len(xs)", true, "len(xs)"},
	{"i <= n from 1", "var n int", "for i := 1; i <= n; i++ { use(i) }", "n", false, "n"},
	{"i <= n from 0", "var n int", "for i := 0; i <= n; i++ { use(i) }", "n+1", false, "n+1"},
	{"bound on the left", "var n int", "for i := 0; n > i; i++ { use(i) }", "n", false, "n"},
	{"i += 1", "var xs []int", "for i := 0; i < len(xs); i += 1 { use(i) }", "len(xs)", true, "len(xs)"},
	{"i != n", "var n int", "for i := 0; i != n; i++ { use(i) }", "n", false, "n"},
	{"counting down", "var n int", "for i := n; i > 0; i-- { use(i) }", "n", false, "n"},
	{"counting down to zero", "var xs []int", "for i := len(xs) - 1; i >= 0; i-- { use(i) }", "len(xs)", true, "len(xs)"},
	{"constant", "", "for i := 0; i < 10; i++ { use(i) }", "10", true, "10"},
	{"named constant", "const k = 16", "for i := 0; i < k; i++ { use(i) }", "k", true, "k"},
	{"counter declared before", "var n int; var i int", "for i = 0; i < n; i++ { use(i) }", "n", false, "n"},
	{"range n", "var n int", "for i := range n { use(i) }", "n", false, ""},
	{"range constant", "", "for i := range 8 { use(i) }", "8", true, "8"},
	{"range len", "var xs []int", "for i := range len(xs) { use(i) }", "len(xs)", true, ""},
	{"range slice", "var xs []string", "for _, x := range xs { use(x) }", "len(xs)", true, ""},
	{"range map", "var m map[string]int", "for k := range m { use(k) }", "len(m)", true, ""},
	{"range array", "var a [5]int", "for i := range a { use(i) }", "len(a)", true, ""},
	{"len of an array", "var a [5]int", "for i := 0; i < len(a); i++ { use(i) }", "len(a)", true, "len(a)"},
	{"constant arithmetic", "const k = 4", "for i := 0; i < k+1; i++ { use(i) }", "k+1", true, "k+1"},
	{"range array pointer", "var a *[7]int", "for i := range a { use(i) }", "len(a)", true, ""},
	{"range string bounds", "var s string", "for _, r := range s { use(r) }", "len(s)", true, ""},
	{"range channel", "var ch chan int", "for x := range ch { use(x) }", "", false, ""},
	{"range iterator", "var seq func(func(int) bool)", "for x := range seq { use(x) }", "", false, ""},
	{"break", "var xs []int", "for _, x := range xs { if x > 0 { break }; use(x) }", "", false, ""},
	{"break in a nested switch", "var xs []int", "for _, x := range xs { switch x { case 1: break }; use(x) }", "len(xs)", true, ""},
	{"break in a nested loop", "var xs []int", "for _, x := range xs { for { break }; use(x) }", "len(xs)", true, ""},
	{"counter assigned", "var n int", "for i := 0; i < n; i++ { i++ }", "", false, ""},
	{"bound assigned", "var n int", "for i := 0; i < n; i++ { n-- }", "", false, ""},
	{"bound is a call", "func f() int { return 1 }", "for i := 0; i < f(); i++ { use(i) }", "", false, ""},
	{"bound is a conversion", "var n uint32", "for i := 0; i < int(n); i++ { use(i) }", "int(n)", false, ""},
	{"step of two", "var n int", "for i := 0; i < n; i += 2 { use(i) }", "(n+1)/2", false, "(n+1)/2"},
	{"step of two over a length", "var xs []int", "for i := 0; i < len(xs); i += 2 { use(i) }", "(len(xs)+1)/2", true, "(len(xs)+1)/2"},
	{"step of three, constant", "", "for i := 0; i < 10; i += 3 { use(i) }", "4", true, "4"},
	{"step of two down", "var n int", "for i := n; i > 0; i -= 2 { use(i) }", "(n+1)/2", false, "(n+1)/2"},
	{"step of two to !=", "var n int", "for i := 0; i != n; i += 2 { use(i) }", "", false, ""},
	{"no condition", "", "for i := 0; ; i++ { use(i) }", "", false, ""},
	{"start above the bound", "var n int", "for i := 5; i < n; i++ { use(i) }", "n-5", false, "n-5"},
}

func TestOf(t *testing.T) {
	for _, tc := range cases {
		info, loop := typedLoop(t, tc.name, tc.decls, tc.loop)

		got, ok := Of(info, loop)
		if ok != (tc.want != "") || got.Expr != tc.want {
			t.Errorf("%s: Of = %q, %v; want %q", tc.name, got.Expr, ok, tc.want)
			continue
		}
		if ok && got.NonNegative != tc.nonNeg {
			t.Errorf("%s: NonNegative = %v, want %v", tc.name, got.NonNegative, tc.nonNeg)
		}
		if ok && len(got.Vars) == 0 {
			t.Errorf("%s: no loop variables", tc.name)
		}
		untyped, ok := Of(nil, loop)
		if ok != (tc.untyped != "") || untyped.Expr != tc.untyped {
			t.Errorf("%s: untyped Of = %q, %v; want %q", tc.name, untyped.Expr, ok, tc.untyped)
		}
	}
}

// Over a map, the values repeat: only the key is new in every iteration.
func TestRangeMapVars(t *testing.T) {
	src := "package p\n\nfunc f(m map[string]int) {\n\tfor k, v := range m { _, _ = k, v }\n}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	if _, err := (&types.Config{}).Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	loop := f.Decls[0].(*ast.FuncDecl).Body.List[0]
	c, ok := Of(info, loop)
	if !ok || len(c.Vars) != 1 || c.Vars[0].Name() != "k" {
		t.Errorf("Of(range over a map) vars = %v, %v; want [k]", c.Vars, ok)
	}
}

// TestBound: a loop that may break has its count as a bound, not exact; a
// goto leaves it unknown, and a loop without break is exact as in Of.
func TestBound(t *testing.T) {
	for _, tc := range []struct {
		name, loop string
		want       string
		exact      bool
	}{
		{"break", "for i := 0; i < n; i++ { if i > 3 { break }; use(i) }", "n", false},
		{"no break", "for i := 0; i < n; i++ { use(i) }", "n", true},
		{"goto", "for i := 0; i < n; i++ { if i > 3 { goto end }; use(i) }; end:", "", false},
	} {
		info, loop := typedLoop(t, tc.name, "var n int", tc.loop)
		got, ok := Bound(info, loop)
		if !ok {
			got.Expr = ""
		}
		if got.Expr != tc.want || ok && got.Exact != tc.exact {
			t.Errorf("%s: Bound = %q exact %v, want %q exact %v", tc.name, got.Expr, got.Exact, tc.want, tc.exact)
		}
		if _, ok := Of(info, loop); ok && !tc.exact {
			t.Errorf("%s: Of knows a count", tc.name)
		}
	}
}

// typedLoop type-checks a function holding loop after decls, and returns
// the type information and the loop.
func typedLoop(t *testing.T, name, decls, loop string) (*types.Info, ast.Stmt) {
	t.Helper()
	src := "package p\n\nfunc use(any) {}\n\n" + decls + "\n\nfunc f_() {\n\t" + loop + "\n}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: importer.Default()}
	if _, err := conf.Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return info, f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List[0]
}
