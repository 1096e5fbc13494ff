package growonly

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// Two maps where the values of one hold the keys of the other, cleaned up
// together:
//
//	for s, e := range c.refs {
//		if e.lastIter < c.iter {
//			delete(c.refs, s)
//			delete(c.lsets, e.ref) // c.lsets is keyed by the ref field
//		}
//	}
//
// An insertion into c.refs that overwrites an entry drops the old
// entry's ref, and with it the only way its c.lsets key was ever
// deleted. checkOverwrites reports an insertion a[k] = &T{f: ...} when
// every delete of map b is delete(b, e.f) in a range over a with value
// e, the function inserting neither deletes from b nor looks k up in a
// first (which could find and clean the old entry), so an existing key
// is overwritten blindly.

func (c *checker) checkOverwrites(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	fieldOf := func(e ast.Expr) *types.Var {
		if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
			if v, ok := info.ObjectOf(sel.Sel).(*types.Var); ok && v.IsField() && mapKind(v.Type()) == builtinMapKind {
				return v.Origin()
			}
		}
		return nil
	}
	// keyedBy[b] is the (a, f) pair every delete of b reads its key from;
	// broken marks the maps with another delete or a clear.
	keyedBy := make(map[*types.Var]*valueKey)
	broken := make(map[*types.Var]bool)
	var inserts []inspector.Cursor
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.CallExpr)(nil), (*ast.AssignStmt)(nil)) {
			switch n := cur.Node().(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
					if ix, ok := ast.Unparen(n.Lhs[0]).(*ast.IndexExpr); ok && fieldOf(ix.X) != nil {
						inserts = append(inserts, cur)
					}
				}
				for _, lhs := range n.Lhs {
					if m := fieldOf(lhs); m != nil {
						broken[m] = true // replaced: its keys go with it
					}
				}
			case *ast.CallExpr:
				b, ok := typeutil.Callee(info, n).(*types.Builtin)
				if !ok || (b.Name() != "delete" && b.Name() != "clear") || len(n.Args) == 0 {
					continue
				}
				m := fieldOf(n.Args[0])
				if m == nil {
					continue
				}
				l := valueFieldKey(info, cur, n, fieldOf)
				if l == nil || (keyedBy[m] != nil && *keyedBy[m] != *l) {
					broken[m] = true
					continue
				}
				keyedBy[m] = l
			}
		}
	}
	for _, cur := range inserts {
		as := cur.Node().(*ast.AssignStmt)
		ix := ast.Unparen(as.Lhs[0]).(*ast.IndexExpr)
		a := fieldOf(ix.X)
		for b, l := range keyedBy {
			if broken[b] || l.a != a || !setsField(info, as.Rhs[0], l.f) {
				continue
			}
			fn := enclosingDecl(cur)
			if fn == nil || deletesOrLooksUp(info, fn, ix, b, fieldOf) {
				continue
			}
			c.pass.Reportf(as.Pos(), "%s = ... overwrites the entry whose %s field keys %s.%s: that key is never deleted once its entry is gone",
				types.ExprString(ix), l.f.Name(), types.ExprString(ast.Unparen(ix.X).(*ast.SelectorExpr).X), b.Name())
			break
		}
	}
}

// valueFieldKey returns (a, f) when the delete call is delete(b, e.f)
// inside `for _, e := range a`, a a map field.
// valueKey names the map a whose values' field f keys another map.
type valueKey struct {
	a, f *types.Var
}

func valueFieldKey(info *types.Info, cur inspector.Cursor, call *ast.CallExpr, fieldOf func(ast.Expr) *types.Var) *valueKey {
	if len(call.Args) != 2 {
		return nil
	}
	sel, ok := ast.Unparen(call.Args[1]).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	root, ok := ast.Unparen(sel.X).(*ast.Ident)
	f, ok2 := info.ObjectOf(sel.Sel).(*types.Var)
	if !ok || !ok2 || !f.IsField() {
		return nil
	}
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			return nil
		}
		if v, ok := rs.Value.(*ast.Ident); ok && info.Defs[v] != nil && info.Defs[v] == info.Uses[root] {
			if a := fieldOf(rs.X); a != nil {
				return &valueKey{a, f.Origin()}
			}
			return nil
		}
	}
	return nil
}

// setsField reports whether e is a composite literal (or its address)
// that sets field f.
func setsField(info *types.Info, e ast.Expr, f *types.Var) bool {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return false
	}
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && info.ObjectOf(id) == f {
				return true
			}
		}
	}
	return false
}

// deletesOrLooksUp reports whether fn deletes from b, or reads a[k] (the
// inserted key) before the insertion ix.
func deletesOrLooksUp(info *types.Info, fn ast.Node, ix *ast.IndexExpr, b *types.Var, fieldOf func(ast.Expr) *types.Var) bool {
	mapText, keyText := types.ExprString(ix.X), types.ExprString(ix.Index)
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if bi, ok := typeutil.Callee(info, n).(*types.Builtin); ok && bi.Name() == "delete" && len(n.Args) > 0 && fieldOf(n.Args[0]) == b {
				found = true
			}
		case *ast.IndexExpr:
			if n != ix && n.Pos() < ix.Pos() && types.ExprString(n.X) == mapText && types.ExprString(n.Index) == keyText {
				found = true
			}
		}
		return !found
	})
	return found
}
