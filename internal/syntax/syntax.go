// Package syntax holds the questions about Go syntax that both sides of
// mapscope ask, the analyzers and heap analysis, so that they get one
// answer: which variable an expression is rooted at, whether a block
// assigns a variable, whether a statement can leave its loop.
package syntax

import (
	"go/ast"
	"go/token"
)

// RootIdent returns the variable an expression is a part of: x for x,
// x.a.b, x[i].a, (*x).a and (x).a; nil for anything else (a call, a
// literal).
func RootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// FieldRoot returns the variable a field path starts from: s for s, s.a.b,
// (*s).a and (s).a; nil for anything else, an index or a call included
// (s.m[k] is an element of s.m, not a field of s).
func FieldRoot(e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// Assigns reports whether n assigns to, increments, takes the address of,
// or ranges into a variable whose root identifier satisfies match.
func Assigns(n ast.Node, match func(*ast.Ident) bool) bool {
	found := false
	hit := func(e ast.Expr) {
		if id := RootIdent(e); id != nil && match(id) {
			found = true
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				hit(l)
			}
		case *ast.IncDecStmt:
			hit(x.X)
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				hit(x.X)
			}
		case *ast.RangeStmt:
			if x.Key != nil {
				hit(x.Key)
			}
			if x.Value != nil {
				hit(x.Value)
			}
		}
		return !found
	})
	return found
}

// BranchesOut reports whether n holds a goto, a labeled branch, or a
// break or continue (tok) that leaves the statement n is part of: not one
// that belongs to a loop (or, for break, a switch or select) nested in n.
// Function literals are not part of the flow.
func BranchesOut(n ast.Node, tok token.Token) bool {
	found := false
	var walk func(root ast.Node, nested bool)
	walk = func(root ast.Node, nested bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if found || n == nil {
				return false
			}
			switch x := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if n != root {
					walk(n, true)
					return false
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != root && tok == token.BREAK {
					walk(n, true)
					return false
				}
			case *ast.BranchStmt:
				switch {
				case x.Tok == token.GOTO:
					found = true
				case x.Tok == tok && (x.Label != nil || !nested):
					found = true
				}
			}
			return true
		})
	}
	walk(n, false)
	return found
}
