package growonly

import (
	"go/ast"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A map whose entries are deleted only while ranging over another map
// keeps every key inserted on a path that does not insert it into the
// other map too:
//
//	if lbls == "" {
//		t.droppedSeries[s.Ref] = struct{}{} // never in seriesSegmentIndexes
//		continue
//	}
//	t.seriesSegmentIndexes[s.Ref] = index
//	...
//	for k, v := range t.seriesSegmentIndexes {
//		if v < index {
//			delete(t.droppedSeries, k)
//		}
//	}
//
// checkSweptBy reports such an insertion: every delete of the map field
// is `delete(a, k)` in a `for k := range b` over one other map field b,
// and nothing else shrinks or replaces it, and the insertion a[key] is in
// a function that inserts b[key] (the same key expression) on another
// path: not in its block, nor before it in an enclosing block.

type sweptField struct {
	inserts  []inspector.Cursor // the a[key] index expressions inserted into
	sweptBy  *types.Var         // the field every delete ranges over
	released bool               // another delete, clear, replacement or escape
}

func (c *checker) checkSweptBy(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	fields := make(map[*types.Var]*sweptField)
	var order []*types.Var
	fieldOf := func(e ast.Expr) *types.Var {
		if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
			if v, ok := info.ObjectOf(sel.Sel).(*types.Var); ok && v.IsField() && v.Pkg() == c.pass.Pkg && mapKind(v.Type()) == builtinMapKind {
				return v.Origin()
			}
		}
		return nil
	}
	// inserted[b][key text] holds b's insertions, for coverage.
	inserted := make(map[*types.Var]map[string][]inspector.Cursor)
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.SelectorExpr)(nil)) {
			v := fieldOf(cur.Node().(ast.Expr))
			if v == nil {
				continue
			}
			sf := fields[v]
			if sf == nil {
				sf = &sweptField{}
				fields[v] = sf
				order = append(order, v)
			}
			outer := astutil.UnparenUp(cur)
			parent := outer.Parent()
			switch outer.ParentEdgeKind() {
			case edge.IndexExpr_X:
				switch astutil.UnparenUp(parent).ParentEdgeKind() {
				case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
					sf.inserts = append(sf.inserts, parent)
					key := types.ExprString(parent.Node().(*ast.IndexExpr).Index)
					if inserted[v] == nil {
						inserted[v] = make(map[string][]inspector.Cursor)
					}
					inserted[v][key] = append(inserted[v][key], parent)
				}
				continue
			case edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y, edge.KeyValueExpr_Key:
				continue
			case edge.CallExpr_Args:
				call := parent.Node().(*ast.CallExpr)
				b, _ := typeutil.Callee(info, call).(*types.Builtin)
				if b != nil && b.Name() == "len" {
					continue
				}
				if b != nil && b.Name() == "delete" && len(call.Args) == 2 {
					if by := rangedOver(info, cur, call.Args[1], fieldOf); by != nil && by != v && (sf.sweptBy == nil || sf.sweptBy == by) {
						sf.sweptBy = by
						continue
					}
				}
			}
			sf.released = true
		}
	}
	for _, v := range order {
		sf := fields[v]
		if sf.released || sf.sweptBy == nil {
			continue
		}
		for _, ins := range sf.inserts {
			key := types.ExprString(ins.Node().(*ast.IndexExpr).Index)
			// Only a function that fills the sweeping map itself, on
			// another path, shows that this path skips it; another
			// function may insert only keys the sweeping map already
			// has (a watch's callback for a watched name).
			if covered(ins, inserted[sf.sweptBy][key]) || !sameFunc(ins, inserted[sf.sweptBy][key]) {
				continue
			}
			by := types.ExprString(ast.Unparen(ins.Node().(*ast.IndexExpr).X).(*ast.SelectorExpr).X) + "." + sf.sweptBy.Name()
			c.pass.Reportf(ins.Node().Pos(), "map field %s is deleted from only while ranging over %s, which this path skips: %s is never inserted there, so its entry stays",
				v.Name(), by, key)
			if c.siblingReported == nil {
				c.siblingReported = make(map[*types.Var]bool)
			}
			c.siblingReported[v] = true
			break
		}
	}
}

// rangedOver returns the map field that the delete at cur ranges over
// with key as the range key, or nil.
func rangedOver(info *types.Info, cur inspector.Cursor, key ast.Expr, fieldOf func(ast.Expr) *types.Var) *types.Var {
	id, ok := ast.Unparen(key).(*ast.Ident)
	if !ok {
		return nil
	}
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			return nil
		}
		if k, ok := rs.Key.(*ast.Ident); ok && info.Defs[k] != nil && info.Defs[k] == info.Uses[id] {
			return fieldOf(rs.X)
		}
	}
	return nil
}

// covered reports whether one of others (insertions into the sweeping
// map under the same key) runs whenever the insertion ins does: it is in
// the same block as ins, or in an enclosing block before the statement
// that holds ins.
func covered(ins inspector.Cursor, others []inspector.Cursor) bool {
	insBlock, _ := blockOf(ins)
	for _, o := range others {
		oBlock, _ := blockOf(o)
		if oBlock == insBlock {
			return true
		}
		for stmt := range ins.Enclosing() {
			switch stmt.Node().(type) {
			case *ast.FuncDecl, *ast.FuncLit:
				// Blocks outside the function do not run with it.
			default:
				if stmt.Parent().Node() == oBlock && o.Node().Pos() < stmt.Node().Pos() {
					return true
				}
				continue
			}
			break
		}
	}
	return false
}

// blockOf returns the innermost block holding cur, and the statement of
// that block that holds it.
func blockOf(cur inspector.Cursor) (*ast.BlockStmt, inspector.Cursor) {
	for stmt := range cur.Enclosing() {
		if _, ok := stmt.Node().(*ast.FuncDecl); ok {
			break
		}
		if b, ok := stmt.Parent().Node().(*ast.BlockStmt); ok {
			return b, stmt
		}
	}
	return nil, cur
}

// sameFunc reports whether one of others is in the function declaration
// that holds ins.
func sameFunc(ins inspector.Cursor, others []inspector.Cursor) bool {
	fn := enclosingDecl(ins)
	for _, o := range others {
		if fn != nil && enclosingDecl(o) == fn {
			return true
		}
	}
	return false
}

func enclosingDecl(cur inspector.Cursor) ast.Node {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		return enc.Node()
	}
	return nil
}
