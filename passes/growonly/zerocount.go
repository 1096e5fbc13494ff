package growonly

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
)

// A map of counts (subscribers per topic, references per key) is released
// one key at a time when a count drops to zero. Testing the count read
// before the decrement is off by one:
//
//	if count, ok := m[k]; ok {
//		if count <= 0 {
//			delete(m, k)
//		} else {
//			m[k] = count - 1 // the last release stores 0
//		}
//	}
//
// When every insertion stores a positive count (1, count+1), an entry
// reaches 0 only through the decrement, and the delete then needs one
// more release than there were acquisitions: balanced callers leave
// every key behind at 0. zeroCountDelete judges such a delete for
// checkIneffectiveDeletes. Testing the count after the decrement
// (`count--; if count == 0`), or against 1 before it, is the fix.

// zeroCountDelete returns the reason the delete at delCur never runs for
// balanced acquire/release pairs, or "".
func (c *checker) zeroCountDelete(delCur inspector.Cursor, inserts []inspector.Cursor) string {
	info := c.pass.TypesInfo
	del := delCur.Node().(*ast.CallExpr)
	mapText, keyText := types.ExprString(del.Args[0]), types.ExprString(del.Args[1])
	// The if whose then-branch holds the delete.
	var ifs *ast.IfStmt
	for a := range delCur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if n, ok := a.Node().(*ast.IfStmt); ok && n.Body.Pos() <= del.Pos() && del.End() <= n.Body.End() {
			ifs = n
		}
		break
	}
	if ifs == nil || ifs.Else == nil {
		return ""
	}
	count := zeroTest(info, ifs.Cond)
	if count == nil {
		return ""
	}
	// count is read from m[k] (`count, ok := m[k]` or `count := m[k]`).
	var body ast.Node
	for a := range delCur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		body = a.Node()
		break
	}
	if body == nil || !readFrom(info, body, count, mapText, keyText) {
		return ""
	}
	// The else-branch stores count - 1 under the same key.
	decrement := false
	ast.Inspect(ifs.Else, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Tok != token.ASSIGN {
			return true
		}
		ix, ok := ast.Unparen(as.Lhs[0]).(*ast.IndexExpr)
		if ok && types.ExprString(ix.X) == mapText && types.ExprString(ix.Index) == keyText && offsetOf(info, as.Rhs[0], count, token.SUB) {
			decrement = true
		}
		return !decrement
	})
	if !decrement {
		return ""
	}
	// Every other insertion stores a positive count.
	for _, ins := range inserts {
		as, ok := ins.Parent().Node().(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Tok != token.ASSIGN {
			return ""
		}
		if ifs.Else.Pos() <= as.Pos() && as.End() <= ifs.Else.End() {
			continue // the decrement
		}
		rhs := as.Rhs[0]
		if bin, ok := ast.Unparen(rhs).(*ast.BinaryExpr); ok && bin.Op == token.ADD && positiveConst(info, bin.Y) {
			continue // count + 1: at least 1 when counts start positive
		}
		if !positiveConst(info, rhs) {
			return ""
		}
	}
	return fmt.Sprintf("is deleted from only when %s, read before the decrement, is already 0, and every insertion stores a positive count: the last release stores 0 instead of deleting, and the key stays",
		count.Name())
}

// zeroTest returns the local variable cond compares with zero as `x <= 0`,
// `x == 0` or `x < 1` (either side), or nil.
func zeroTest(info *types.Info, cond ast.Expr) *types.Var {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	x, y, op := bin.X, bin.Y, bin.Op
	if _, ok := ast.Unparen(x).(*ast.Ident); !ok {
		x, y = y, x
		switch op {
		case token.GEQ:
			op = token.LEQ
		case token.GTR:
			op = token.LSS
		}
	}
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.IsField() {
		return nil
	}
	if b, ok := v.Type().Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
		return nil
	}
	tv, ok := info.Types[y]
	if !ok || tv.Value == nil {
		return nil
	}
	n, exact := constant.Int64Val(constant.ToInt(tv.Value))
	if !exact {
		return nil
	}
	switch {
	case (op == token.LEQ || op == token.EQL) && n == 0, op == token.LSS && n == 1:
		return v
	}
	return nil
}

// readFrom reports whether v is declared in body by `v, ok := m[k]` or
// `v := m[k]`, with the map and key written as mapText and keyText.
func readFrom(info *types.Info, body ast.Node, v *types.Var, mapText, keyText string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if found || !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 {
			return !found
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok || info.Defs[id] != v {
			return true
		}
		ix, ok := ast.Unparen(as.Rhs[0]).(*ast.IndexExpr)
		found = ok && types.ExprString(ix.X) == mapText && types.ExprString(ix.Index) == keyText
		return false
	})
	return found
}

// offsetOf reports whether e is `v OP c` for a positive constant c.
func offsetOf(info *types.Info, e ast.Expr, v *types.Var, op token.Token) bool {
	bin, ok := ast.Unparen(e).(*ast.BinaryExpr)
	if !ok || bin.Op != op {
		return false
	}
	id, ok := ast.Unparen(bin.X).(*ast.Ident)
	return ok && info.Uses[id] == v && positiveConst(info, bin.Y)
}

// positiveConst reports whether e is an integer constant greater than 0.
func positiveConst(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return false
	}
	return constant.Sign(tv.Value) > 0
}
