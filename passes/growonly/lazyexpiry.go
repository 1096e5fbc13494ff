package growonly

import (
	"fmt"
	"go/ast"
	"go/types"

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
// same key expression and compares that entry's times (a function or
// method of package time, After, Before, Sub, Since or Until, called on
// the entry, or a function of the package given the entry that calls
// one), and nothing in the package ranges
// over the map (no sweep visits the keys nobody asks for). Other deletes
// of the map (a Reset on success) run only for their own keys too. A
// sweep over the map, on a timer or every so many calls, is the fix.

// lazyExpiry returns the reason the deletes of m leave expired keys
// behind, or "".
func (c *checker) lazyExpiry(m *types.Var, u *mapUses) string {
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
	if c.sweptMaps()[m] {
		return "" // a sweep may visit every key
	}
	for _, delCur := range u.deletes {
		del := delCur.Node().(*ast.CallExpr)
		fd := enclosingFuncDecl(delCur)
		if fd == nil {
			continue
		}
		key := types.ExprString(del.Args[1])
		// entry: an expression that reads the map under the key, or a
		// local variable defined from one (ev := l.events[ip], or with
		// comma-ok: cached, ok := c.items[key]).
		isEntry := func(e ast.Expr) bool {
			ix, ok := ast.Unparen(e).(*ast.IndexExpr)
			return ok && refersTo(ix.X) && types.ExprString(ix.Index) == key
		}
		reads := false
		entries := make(map[types.Object]bool)
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IndexExpr:
				reads = reads || isEntry(n)
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i, lhs := range n.Lhs {
						if id, ok := lhs.(*ast.Ident); ok && isEntry(n.Rhs[i]) {
							entries[info.ObjectOf(id)] = true
						}
					}
				} else if len(n.Lhs) == 2 && len(n.Rhs) == 1 && isEntry(n.Rhs[0]) {
					if id, ok := n.Lhs[0].(*ast.Ident); ok {
						entries[info.ObjectOf(id)] = true
					}
				}
			}
			return true
		})
		mentionsEntry := func(n ast.Node) bool {
			found := false
			ast.Inspect(n, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					found = found || entries[info.ObjectOf(n)]
				case *ast.IndexExpr:
					found = found || isEntry(n)
				}
				return !found
			})
			return found
		}
		// The entry's own times are compared before the delete
		// (now.Sub(ev[len(ev)-1]), events[i].After(cutoff),
		// expired(l.events[ip], now)): a time read of something else, or
		// after the delete (the age of a connection logged as it
		// closes), is no expiry.
		timed := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || timed || call.Pos() >= del.Pos() || !mentionsEntry(call) {
				return !timed
			}
			if comparesTime(info, call) {
				timed = true
			} else if decl := astutil.FuncDecl(c.pass, typeutil.StaticCallee(info, call)); decl != nil && decl.Body != nil {
				timed = comparesTimes(info, decl.Body)
			}
			return !timed
		})
		if reads && timed {
			return fmt.Sprintf("is deleted from only when %s finds the entry under the key at hand expired, and nothing ranges over it: a key that is not used again stays however old it is",
				fd.Name.Name)
		}
	}
	return ""
}

// comparesTime reports whether call is After, Before, Sub, Since or Until
// of package time.
func comparesTime(info *types.Info, call *ast.CallExpr) bool {
	f, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || f.Pkg() == nil || f.Pkg().Path() != "time" {
		return false
	}
	switch f.Name() {
	case "After", "Before", "Sub", "Since", "Until":
		return true
	}
	return false
}

// comparesTimes reports whether n makes a call comparesTime accepts.
func comparesTimes(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && comparesTime(info, call) {
			found = true
		}
		return !found
	})
	return found
}

func asVar(o types.Object) *types.Var {
	v, _ := o.(*types.Var)
	return v
}
