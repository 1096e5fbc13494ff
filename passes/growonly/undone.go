package growonly

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A delete that a later insertion on the same path undoes:
//
//	if n <= 0 {
//		delete(lqws, key)
//	}
//	...
//	if ls, ok := lqws[key]; !ok || ls != n {
//		lqws[key] = n // runs after the delete, with n <= 0
//	}
//
// checkUndone reports, within one function, an insertion m[k] that comes
// after delete(m, k) (the same map and key: the same expressions over
// the same variables, not two loops' variables of one name) in a later
// statement of a block holding both (so not in another branch of the
// delete's if), with no return or branch statement between them, unless
// the delete's own branch ends in one (`delete(m, k); continue`: the
// path leaves before the insertion) or a condition around the insertion
// is the negation of one around the delete (`n <= 0` and `n > 0`: the
// paths exclude each other). The delete and the insertion must each sit
// under an if of their own: a delete followed by an insertion in one
// block re-inserts on purpose, and so does a delete under an if that
// looked the key up in the same map (`if old := m[k]; old != 0 { ...;
// delete(m, k) }`, then m[k] = new: bigcache's set replaces an entry).

func (c *checker) checkUndone(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for declCur := range fileCur.Preorder((*ast.FuncDecl)(nil)) {
			body := declCur.Node().(*ast.FuncDecl).Body
			if body == nil {
				continue
			}
			var dels, ins []inspector.Cursor
			for cur := range declCur.Preorder((*ast.CallExpr)(nil), (*ast.AssignStmt)(nil)) {
				switch n := cur.Node().(type) {
				case *ast.CallExpr:
					if b, ok := typeutil.Callee(info, n).(*types.Builtin); ok && b.Name() == "delete" && len(n.Args) == 2 {
						dels = append(dels, cur)
					}
				case *ast.AssignStmt:
					if len(n.Lhs) == 1 && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
						if ix, ok := ast.Unparen(n.Lhs[0]).(*ast.IndexExpr); ok && mapKind(info.TypeOf(ix.X)) == builtinMapKind {
							ins = append(ins, cur)
						}
					}
				}
			}
			for _, d := range dels {
				call := d.Node().(*ast.CallExpr)
				m, k := types.ExprString(call.Args[0]), types.ExprString(call.Args[1])
				for _, i := range ins {
					ix := ast.Unparen(i.Node().(*ast.AssignStmt).Lhs[0]).(*ast.IndexExpr)
					if i.Node().Pos() < d.Node().End() || !sameExpr(info, ix.X, call.Args[0]) || !sameExpr(info, ix.Index, call.Args[1]) {
						continue
					}
					if undoes(info, d, i) {
						c.pass.Reportf(i.Node().Pos(), "delete(%s, %s) at line %d is undone by the insertion here, on the same path: the key stays",
							m, k, c.pass.Fset.Position(call.Pos()).Line)
						break
					}
				}
			}
		}
	}
}

// undoes reports whether the insertion at ins runs after the delete at
// del on some path (see checkUndone).
func undoes(info *types.Info, del, ins inspector.Cursor) bool {
	// The statements of a common block holding each.
	dAnc := ancestors(del)
	var block *ast.BlockStmt
	var dStmt, iStmt ast.Node
	for _, a := range ancestors(ins) {
		for j, b := range dAnc {
			if a.node == b.node {
				if bl, ok := a.node.(*ast.BlockStmt); ok && a.child != nil && dAnc[j].child != nil {
					block, iStmt, dStmt = bl, a.child, dAnc[j].child
				}
				break
			}
		}
		if block != nil || iStmt != nil {
			break
		}
	}
	if block == nil || dStmt == iStmt {
		return false // in another branch of one statement, or no common block
	}
	// Each under an if of its own, with nothing leaving between.
	if !underIf(del, dStmt) || !underIf(ins, iStmt) || leavesAfter(del, dStmt) || replaces(info, del, dStmt) {
		return false
	}
	between := false
	for _, s := range block.List {
		if s.Pos() >= dStmt.End() && s.End() <= iStmt.Pos() {
			ast.Inspect(s, func(n ast.Node) bool {
				switch n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ReturnStmt, *ast.BranchStmt:
					between = true
				}
				return !between
			})
		}
	}
	if between {
		return false
	}
	for _, dc := range conditions(del, dStmt) {
		for _, ic := range conditions(ins, iStmt) {
			if negates(dc, ic) {
				return false
			}
		}
	}
	return true
}

// replaces reports whether an if around the delete at del, within top,
// looks up the key it deletes in the same map, in its init or condition:
// the old entry is removed to be replaced.
func replaces(info *types.Info, del inspector.Cursor, top ast.Node) bool {
	call := del.Node().(*ast.CallExpr)
	for a := range del.Enclosing((*ast.IfStmt)(nil)) {
		ifs := a.Node().(*ast.IfStmt)
		if ifs.Pos() < top.Pos() || ifs.End() > top.End() {
			break
		}
		found := false
		for _, part := range []ast.Node{ifs.Init, ifs.Cond} {
			if part == nil {
				continue
			}
			ast.Inspect(part, func(n ast.Node) bool {
				if ix, ok := n.(*ast.IndexExpr); ok && sameExpr(info, ix.X, call.Args[0]) && sameExpr(info, ix.Index, call.Args[1]) {
					found = true
				}
				return !found
			})
		}
		if found {
			return true
		}
	}
	return false
}

// leavesAfter reports whether the path through the delete at del leaves
// before the end of top, the statement holding it: a return, continue,
// goto, labelled break or panic follows it in a block between the two.
func leavesAfter(del inspector.Cursor, top ast.Node) bool {
	child := del.Node()
	for a := range del.Enclosing() {
		n := a.Node()
		if n == child {
			continue
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		list := astutil.Stmts(n)
		after := false
		for _, st := range list {
			if after && terminates(st) {
				return true
			}
			after = after || st == child
		}
		if n == top {
			return false
		}
		child = n
	}
	return false
}

// terminates reports whether st, a statement of a block, leaves it for
// good: return, continue, goto, a labelled break, or a call of panic.
func terminates(st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		// A bare break in a case clause only ends the switch, and the
		// path goes on after it; count it as leaving only with a label.
		return st.Tok != token.BREAK || st.Label != nil
	case *ast.ExprStmt:
		call, ok := ast.Unparen(st.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		return ok && id.Name == "panic"
	}
	return false
}

// sameExpr reports whether a and b are written alike and every identifier
// in them denotes the same object: two loops' variables named k are not
// one key.
func sameExpr(info *types.Info, a, b ast.Expr) bool {
	if types.ExprString(a) != types.ExprString(b) {
		return false
	}
	objs := func(e ast.Expr) []types.Object {
		var out []types.Object
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				out = append(out, info.ObjectOf(id))
			}
			return true
		})
		return out
	}
	oa, ob := objs(a), objs(b)
	if len(oa) != len(ob) {
		return false
	}
	for i := range oa {
		if oa[i] != ob[i] {
			return false
		}
	}
	return true
}

type ancestor struct {
	node  ast.Node
	child ast.Node // the ancestor's child on the way down
}

func ancestors(cur inspector.Cursor) []ancestor {
	var out []ancestor
	child := cur.Node()
	for a := range cur.Enclosing() {
		if a.Node() == child {
			continue
		}
		out = append(out, ancestor{a.Node(), child})
		if _, ok := a.Node().(*ast.FuncDecl); ok {
			break
		}
		child = a.Node()
	}
	return out
}

// underIf reports whether cur lies in an if statement within top.
func underIf(cur inspector.Cursor, top ast.Node) bool {
	for a := range cur.Enclosing((*ast.IfStmt)(nil)) {
		if top.Pos() <= a.Node().Pos() && a.Node().End() <= top.End() {
			return true
		}
		break
	}
	return false
}

// conditions returns the conditions of the ifs around cur within top,
// the body's own condition for a branch taken when it holds.
func conditions(cur inspector.Cursor, top ast.Node) []*ast.BinaryExpr {
	var out []*ast.BinaryExpr
	pos := cur.Node().Pos()
	for a := range cur.Enclosing((*ast.IfStmt)(nil)) {
		ifs := a.Node().(*ast.IfStmt)
		if ifs.Pos() < top.Pos() || ifs.End() > top.End() {
			break
		}
		if b, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr); ok && ifs.Body.Pos() <= pos && pos < ifs.Body.End() {
			out = append(out, b)
		}
	}
	return out
}

// negates reports whether b is the negation of a: the same operands
// compared with the opposite operator (n <= 0 and n > 0).
func negates(a, b *ast.BinaryExpr) bool {
	opposite := map[token.Token]token.Token{
		token.LEQ: token.GTR, token.GTR: token.LEQ,
		token.LSS: token.GEQ, token.GEQ: token.LSS,
		token.EQL: token.NEQ, token.NEQ: token.EQL,
	}
	return opposite[a.Op] == b.Op && types.ExprString(a.X) == types.ExprString(b.X) && types.ExprString(a.Y) == types.ExprString(b.Y)
}
