package mapclear

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"go/version"

	"github.com/mapscope/mapscope/internal/facts"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var doc string

// Analyzer reports long-lived maps emptied by deleting every key or by
// clear.
var Analyzer = &analysis.Analyzer{
	Name:     "mapclear",
	Doc:      astutil.MustExtractDoc(doc, "mapclear"),
	URL:      "https://pkg.go.dev/github.com/mapscope/mapscope/passes/mapclear",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	// //mapscope:ignore and //nolint comments silence a finding.
	astutil.Suppress(pass)
	inspect := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	filter := []ast.Node{
		(*ast.File)(nil),
		(*ast.RangeStmt)(nil),
		(*ast.CallExpr)(nil),
	}
	long := astutil.LongLivedTypes(pass, false)
	var file *ast.File
	inTest := false
	inspect.Preorder(filter, func(n ast.Node) {
		if _, ok := n.(*ast.File); !ok && inTest {
			return
		}
		switch n := n.(type) {
		case *ast.File:
			file = n
			// A test's maps live as long as the test; only production
			// code keeps a peak for the life of a program.
			inTest = astutil.IsTestFile(pass, n)
		case *ast.RangeStmt:
			checkRangeDelete(pass, file, n)
		case *ast.CallExpr:
			checkClear(pass, n)
		}
	})
	checkOneByOne(pass, inspect, long)
	return nil, nil
}

// checkRangeDelete reports "for k := range m { delete(m, k) }".
func checkRangeDelete(pass *analysis.Pass, file *ast.File, rs *ast.RangeStmt) {
	key, ok := rs.Key.(*ast.Ident)
	if !ok || key.Name == "_" || len(rs.Body.List) != 1 {
		return
	}
	if v, ok := rs.Value.(*ast.Ident); rs.Value != nil && (!ok || v.Name != "_") {
		return
	}
	if !isMap(pass, rs.X) {
		return
	}
	stmt, ok := rs.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return
	}
	call, ok := stmt.X.(*ast.CallExpr)
	if !ok || !isBuiltin(pass, call.Fun, "delete") || len(call.Args) != 2 {
		return
	}
	keyObj := pass.TypesInfo.ObjectOf(key)
	if arg, ok := ast.Unparen(call.Args[1]).(*ast.Ident); !ok || pass.TypesInfo.ObjectOf(arg) != keyObj {
		return
	}
	if !samePath(pass, rs.X, call.Args[0]) {
		return
	}
	name, ok := longLived(pass, rs.X)
	if !ok {
		return
	}
	diag := analysis.Diagnostic{
		Pos:     rs.Pos(),
		End:     rs.End(),
		Message: fmt.Sprintf("deleting every key of %s keeps its memory: clear(%s) keeps it for reuse, re-making the map releases it", name, name),
		URL:     facts.URL(facts.DeleteAllFrees),
	}
	mapType := pass.TypesInfo.TypeOf(rs.X).Underlying().(*types.Map)
	if hasClear(pass, file) && !mayHoldNaN(mapType.Key()) {
		diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   "replace the loop with clear(" + name + ")",
			TextEdits: []analysis.TextEdit{{Pos: rs.Pos(), End: rs.End(), NewText: []byte("clear(" + name + ")")}},
		}}
	}
	pass.Report(diag)
}

// checkClear reports clear(m) on a package-level map. On a field, clear is
// the deliberate reuse idiom (a cache that swaps two maps and clears one
// per cycle to save allocations, a subscription set emptied and refilled),
// even on a long-lived value: the peak is reused, so it is not reported
// (docs/lint-results.md: go-redis's PubSub, prometheus's scrape cache).
func checkClear(pass *analysis.Pass, call *ast.CallExpr) {
	if !isBuiltin(pass, call.Fun, "clear") || len(call.Args) != 1 || !isMap(pass, call.Args[0]) {
		return
	}
	name, ok := longLived(pass, call.Args[0])
	if !ok || !packageLevel(pass, call.Args[0]) {
		return
	}
	pass.Report(analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.End(),
		Message: fmt.Sprintf("clear(%s) keeps the memory of the map's largest size: re-make the map to release it", name),
		URL:     facts.URL(facts.ClearFrees),
	})
}

// longLived reports whether e names a package-level variable or a struct
// field, and returns the name to show for it.
func longLived(pass *analysis.Pass, e ast.Expr) (string, bool) {
	e = ast.Unparen(e)
	if !pure(pass, e) {
		return "", false
	}
	switch e := e.(type) {
	case *ast.Ident:
		v, ok := pass.TypesInfo.ObjectOf(e).(*types.Var)
		return e.Name, ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
	case *ast.SelectorExpr:
		sel := pass.TypesInfo.Selections[e]
		if sel == nil { // pkg.Var
			_, ok := pass.TypesInfo.ObjectOf(e.Sel).(*types.Var)
			return types.ExprString(e), ok
		}
		return types.ExprString(e), sel.Kind() == types.FieldVal
	}
	return "", false
}

// packageLevel reports whether e names a package-level variable.
func packageLevel(pass *analysis.Pass, e ast.Expr) bool {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		if pass.TypesInfo.Selections[e] != nil {
			return false // a field
		}
		id = e.Sel
	default:
		return false
	}
	v, ok := pass.TypesInfo.ObjectOf(id).(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// pure reports whether e is a variable or a field path, so that two
// occurrences of it denote the same map.
func pure(pass *analysis.Pass, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, ok := pass.TypesInfo.ObjectOf(e).(*types.Var)
		return ok
	case *ast.SelectorExpr:
		sel := pass.TypesInfo.Selections[e]
		if sel == nil {
			_, ok := pass.TypesInfo.ObjectOf(e.Sel).(*types.Var)
			return ok
		}
		return sel.Kind() == types.FieldVal && pure(pass, e.X)
	case *ast.StarExpr:
		return pure(pass, e.X)
	}
	return false
}

// samePath reports whether a and b are the same variable or field path.
func samePath(pass *analysis.Pass, a, b ast.Expr) bool {
	a, b = ast.Unparen(a), ast.Unparen(b)
	switch a := a.(type) {
	case *ast.Ident:
		b, ok := b.(*ast.Ident)
		return ok && pass.TypesInfo.ObjectOf(a) == pass.TypesInfo.ObjectOf(b) && pass.TypesInfo.ObjectOf(a) != nil
	case *ast.SelectorExpr:
		b, ok := b.(*ast.SelectorExpr)
		if !ok || pass.TypesInfo.ObjectOf(a.Sel) != pass.TypesInfo.ObjectOf(b.Sel) {
			return false
		}
		if pass.TypesInfo.Selections[a] == nil { // pkg.Var: the object decides
			return pass.TypesInfo.Selections[b] == nil
		}
		return samePath(pass, a.X, b.X)
	case *ast.StarExpr:
		b, ok := b.(*ast.StarExpr)
		return ok && samePath(pass, a.X, b.X)
	}
	return false
}

func isMap(pass *analysis.Pass, e ast.Expr) bool {
	t := pass.TypesInfo.TypeOf(e)
	if t == nil {
		return false
	}
	if _, isParam := types.Unalias(t).(*types.TypeParam); isParam {
		return false
	}
	_, ok := t.Underlying().(*types.Map)
	return ok
}

func isBuiltin(pass *analysis.Pass, fun ast.Expr, name string) bool {
	id, ok := ast.Unparen(fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := pass.TypesInfo.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// hasClear reports whether the file is compiled with a Go version that
// has the clear builtin.
func hasClear(pass *analysis.Pass, file *ast.File) bool {
	v := pass.TypesInfo.FileVersions[file]
	if v == "" {
		v = pass.Pkg.GoVersion()
	}
	return v == "" || version.Compare(v, "go1.21") >= 0
}

// mayHoldNaN reports whether a key of type t can be a NaN, which a
// range-delete loop cannot remove but clear does.
func mayHoldNaN(t types.Type) bool {
	return mayHoldNaNSeen(t, make(map[types.Type]bool))
}

func mayHoldNaNSeen(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsFloat|types.IsComplex) != 0
	case *types.Interface:
		return true
	case *types.Array:
		return mayHoldNaNSeen(u.Elem(), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if mayHoldNaNSeen(u.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.TypeParam:
		return true
	}
	return false
}
