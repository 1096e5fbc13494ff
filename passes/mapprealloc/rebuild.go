package mapprealloc

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/internal/tripcount"

	"golang.org/x/tools/go/analysis"
)

// A map rebuilt from empty to replace a long-lived one:
//
//	symbols := make(map[string]struct{})
//	h.postings.Iter(func(l Label) error { symbols[l.Name] = struct{}{}; ... })
//	h.symbols = symbols
//
// grows through every size step on each rebuild, however it is filled
// (a callback, a loop of unknown length), while the map it replaces
// says how large it will be: make(map[string]struct{}, len(h.symbols)).

// checkRebuild reports made when a later statement of the same block
// assigns the map, whole, to a field or a package-level variable of the
// same type, and the function inserts into it before. No fix is offered:
// the replaced map may be guarded by a lock taken after the make (as in
// Prometheus' head, where the fix is to be read under that lock).
func checkRebuild(pass *analysis.Pass, q *quietCode, made madeMapStmt, rest []ast.Stmt) {
	var target ast.Expr
	for i, stmt := range rest {
		if reassigns(pass, stmt, made.obj) {
			return
		}
		as, ok := stmt.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for j, rhs := range as.Rhs {
			if isIdentOf(pass, rhs, made.obj) && longLivedPlace(pass, as.Lhs[j]) &&
				types.Identical(pass.TypesInfo.TypeOf(as.Lhs[j]), made.obj.Type()) && inserts(pass, rest[:i], made.obj) {
				target = as.Lhs[j]
			}
		}
		if target != nil {
			break
		}
	}
	if target == nil || q.silent(made.stmt, nil) {
		return
	}
	t := exprText(pass, target)
	pass.Report(analysis.Diagnostic{
		Pos: made.init.Pos(),
		End: made.init.End(),
		Message: fmt.Sprintf("map %s is made without a size hint but is filled to replace %s: size it like the map it replaces, len(%s)",
			made.name(), t, t),
	})
}

// longLivedPlace reports whether e is a struct field or a package-level
// variable: a place whose map outlives the function.
func longLivedPlace(pass *analysis.Pass, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		v, ok := pass.TypesInfo.ObjectOf(e.Sel).(*types.Var)
		return ok && (v.IsField() || v.Parent() == v.Pkg().Scope())
	case *ast.Ident:
		v, ok := pass.TypesInfo.ObjectOf(e).(*types.Var)
		return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
	}
	return false
}

// inserts reports whether stmts insert into the map m repeatedly, a
// number of times nothing in the function knows: inside a function
// literal (a callback run per element) or a loop whose length is not
// known before it starts. A few inserts in straight-line code make a
// small map, whose hint cannot matter; a loop of known length is
// checkFill's business, which declines it for a reason (keys that repeat,
// inserts under a condition: a set of the hosts of a few server URLs).
func inserts(pass *analysis.Pass, stmts []ast.Stmt, m *types.Var) bool {
	found := false
	var visit func(n ast.Node, repeated bool)
	visit = func(n ast.Node, repeated bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if found {
				return false
			}
			var body *ast.BlockStmt
			switch n := n.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				if _, known := tripcount.Of(pass.TypesInfo, n.(ast.Stmt)); known && !repeated {
					return false
				}
				if f, ok := n.(*ast.ForStmt); ok {
					body = f.Body
				} else {
					body = n.(*ast.RangeStmt).Body
				}
			case *ast.FuncLit:
				body = n.Body
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if ix, ok := ast.Unparen(lhs).(*ast.IndexExpr); ok && repeated && isIdentOf(pass, ix.X, m) {
						found = true
					}
				}
			}
			if body != nil && !repeated {
				visit(body, true)
				return false
			}
			return !found
		})
	}
	for _, stmt := range stmts {
		visit(stmt, false)
	}
	return found
}

// reassigns reports whether stmt assigns the variable m itself.
func reassigns(pass *analysis.Pass, stmt ast.Stmt, m *types.Var) bool {
	found := false
	ast.Inspect(stmt, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok {
			for _, lhs := range as.Lhs {
				if isIdentOf(pass, lhs, m) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}
