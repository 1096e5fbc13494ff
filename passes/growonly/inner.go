package growonly

import (
	"go/ast"
	"go/types"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A map of maps whose inner maps are emptied but whose outer keys are
// never removed:
//
//	delete(c.store[old.key].cache, old.cmd) // the inner map empties
//	// nothing ever deletes c.store[old.key]
//
// checkInnerOnly reports the outer map field or package-level map: the
// package deletes from the maps it holds, so their entries are meant to
// go, but every key of the outer map stays, with an empty inner map, for
// as long as the outer map lives, whatever its owner's lifetime.

func (c *checker) checkInnerOnly(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	type outer struct {
		insert   ast.Node
		innerDel *ast.CallExpr
		released bool
	}
	maps := make(map[*types.Var]*outer)
	var order []*types.Var
	fresh := make(map[*types.Var]bool)
	mapVar := func(e ast.Expr) *types.Var {
		var v *types.Var
		switch e := ast.Unparen(e).(type) {
		case *ast.SelectorExpr:
			v, _ = info.ObjectOf(e.Sel).(*types.Var)
			if v != nil && !v.IsField() && v.Parent() != v.Pkg().Scope() {
				return nil
			}
		case *ast.Ident:
			v, _ = info.ObjectOf(e).(*types.Var)
			if v != nil && (v.Pkg() == nil || v.Parent() != v.Pkg().Scope()) {
				return nil
			}
		}
		if v == nil || v.Pkg() != c.pass.Pkg || mapKind(v.Type()) != builtinMapKind {
			return nil
		}
		return v.Origin()
	}
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		astutil.AddFreshLocals(info, fileCur, fresh)
		for cur := range fileCur.Preorder((*ast.Ident)(nil)) {
			id := cur.Node().(*ast.Ident)
			var exprCur inspector.Cursor
			switch cur.ParentEdgeKind() {
			case edge.SelectorExpr_Sel:
				exprCur = cur.Parent()
			default:
				exprCur = cur
			}
			if exprCur.ParentEdgeKind() == edge.SelectorExpr_Sel {
				continue
			}
			if info.Defs[id] != nil {
				continue // a declaration, not a use
			}
			v := mapVar(exprCur.Node().(ast.Expr))
			if v == nil {
				continue
			}
			o := maps[v]
			if o == nil {
				o = &outer{}
				maps[v] = o
				order = append(order, v)
			}
			outerCur := astutil.UnparenUp(exprCur)
			parent := outerCur.Parent()
			switch outerCur.ParentEdgeKind() {
			case edge.IndexExpr_X:
				ixCur := astutil.UnparenUp(parent)
				switch ixCur.ParentEdgeKind() {
				case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
					// A constant key, or one of few values (an enum), is
					// a fixed set of entries, emptied or not.
					key := parent.Node().(*ast.IndexExpr).Index
					tv := info.Types[key]
					if o.insert == nil && tv.Value == nil && !c.boundedKey(tv.Type, 0) {
						o.insert = parent.Node()
					}
				}
				// delete(m[k], x) or delete(m[k].f, x): an inner delete.
				top := ixCur
				for top.ParentEdgeKind() == edge.SelectorExpr_X {
					top = astutil.UnparenUp(top.Parent())
				}
				if top.ParentEdgeKind() == edge.CallExpr_Args {
					if _, i := top.ParentEdge(); i == 0 {
						call := top.Parent().Node().(*ast.CallExpr)
						if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "delete" && o.innerDel == nil {
							o.innerDel = call
						}
					}
				}
				continue
			case edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y, edge.KeyValueExpr_Key:
				continue
			case edge.CallExpr_Args:
				if b, ok := typeutil.Callee(info, parent.Node().(*ast.CallExpr)).(*types.Builtin); ok && b.Name() == "len" {
					continue
				}
			case edge.AssignStmt_Lhs:
				if root := syntax.FieldRoot(exprCur.Node().(ast.Expr)); root != nil {
					if rv, ok := info.Uses[root].(*types.Var); ok && fresh[rv] {
						continue
					}
				}
			case edge.ValueSpec_Values, edge.ValueSpec_Names:
				continue
			}
			o.released = true
		}
	}
	for _, v := range order {
		o := maps[v]
		if o.released || o.insert == nil || o.innerDel == nil {
			continue
		}
		name := v.Name()
		what := "map"
		if v.IsField() {
			what = "map field"
			if owner := fieldOwner(c.pass.Pkg, v); owner != "" {
				name = owner + "." + name
			}
		}
		c.pass.Reportf(o.insert.Pos(), "%s %s only grows: %s empties the maps it holds, but nothing deletes their keys from it, clears it or replaces it",
			what, name, types.ExprString(o.innerDel))
		if c.siblingReported == nil {
			c.siblingReported = make(map[*types.Var]bool)
		}
		c.siblingReported[v] = true
	}
}

// fieldOwner names the struct type of pkg that declares field f.
func fieldOwner(pkg *types.Package, f *types.Var) string {
	for _, name := range pkg.Scope().Names() {
		tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		if st, ok := tn.Type().Underlying().(*types.Struct); ok {
			for i := range st.NumFields() {
				if st.Field(i) == f {
					return tn.Name()
				}
			}
		}
	}
	return ""
}
