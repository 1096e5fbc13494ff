package growonly

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// Entries that expire, dropped only when their own key is used again:
//
//	func (l *Limiter) Record(ip string) {
//		l.gc(ip, time.Now())
//		l.events[ip] = append(l.events[ip], now)
//	}
//
//	func (l *Limiter) gc(ip string, now time.Time) {
//		if expired(l.events[ip], now) {
//			delete(l.events, ip)
//		}
//	}
//
// The delete says entries are meant to go once they are old, but it runs
// only for the key at hand: an address that never comes back keeps its
// entry for good. lazyExpiry judges a map for checkIneffectiveDeletes as
// a whole: some delete sits in a function that reads the map under the
// same key expression and calls a function or method of package time
// (After, Before, Sub, Since, Until), and nothing in the package ranges
// over the map (no sweep visits the keys nobody asks for). Other deletes
// of the map (a Reset on success) run only for their own keys too. A
// sweep over the map, on a timer or every so many calls, is the fix.

// lazyExpiry returns the reason the deletes of m leave expired keys
// behind, or "".
func (c *checker) lazyExpiry(m *types.Var, u *mapUses, inspect *inspector.Inspector) string {
	info := c.pass.TypesInfo
	refersTo := func(e ast.Expr) bool {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return originOf(asVar(info.Uses[e])) == m
		case *ast.SelectorExpr:
			return originOf(asVar(info.ObjectOf(e.Sel))) == m
		}
		return false
	}
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.RangeStmt)(nil)) {
			if refersTo(cur.Node().(*ast.RangeStmt).X) {
				return "" // a sweep may visit every key
			}
		}
	}
	for _, delCur := range u.deletes {
		del := delCur.Node().(*ast.CallExpr)
		fd := enclosingFuncDecl(delCur)
		if fd == nil {
			continue
		}
		key := types.ExprString(del.Args[1])
		reads, timed := false, false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IndexExpr:
				reads = reads || (refersTo(n.X) && types.ExprString(n.Index) == key)
			case *ast.CallExpr:
				if f, ok := typeutil.Callee(info, n).(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() == "time" {
					switch f.Name() {
					case "After", "Before", "Sub", "Since", "Until":
						timed = true
					}
				}
			}
			return true
		})
		if reads && timed {
			return fmt.Sprintf("is deleted from only when %s finds the entry under the key at hand expired, and nothing ranges over it: a key that is not used again stays however old it is",
				fd.Name.Name)
		}
	}
	return ""
}

func asVar(o types.Object) *types.Var {
	v, _ := o.(*types.Var)
	return v
}
