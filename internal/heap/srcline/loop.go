package srcline

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/internal/tripcount"
	"golang.org/x/tools/go/ast/astutil"
)

// loop describes the innermost loop around the line's map assignment (or
// its first operation, or the line itself), stopping at the boundary of
// the function or closure the line is in.
func (c *classifier) loop() *Loop {
	var pos token.Pos
	for _, f := range c.ops {
		if f.op.Kind == MapAssign || f.op.Kind == MapMethod {
			pos = f.pos
			break
		}
	}
	if !pos.IsValid() && len(c.ops) > 0 {
		pos = c.ops[0].pos
	}
	if !pos.IsValid() {
		tf := c.fset.File(c.file.Pos())
		if tf == nil || c.line > tf.LineCount() {
			return nil
		}
		pos = tf.LineStart(c.line)
	}
	lp, _, _ := enclosingLoop(c.file, pos)
	if lp == nil {
		return nil
	}
	res := &Loop{Line: c.lineOf(lp.Pos()), KnownTrips: c.trips(lp)}
	for _, f := range c.ops {
		if f.op.Kind != MapAssign && f.op.Kind != MapMethod || f.stmt == nil {
			continue
		}
		if l, b, child := enclosingLoop(c.file, f.pos); l == lp && child == f.stmt && c.runsEveryIteration(b, child) {
			res.InsertsOncePerIteration = true
			res.LocalMap = c.localOutside(f.node, lp)
		}
	}
	return res
}

// localOutside reports whether the map indexed by ix (or whose method ix
// calls) is a local variable
// of the function around the loop, declared in its body before the loop
// (not a parameter, a field, a package variable, or a variable of an
// enclosing function captured by a closure).
func (c *classifier) localOutside(ix ast.Node, lp ast.Stmt) bool {
	if c.info == nil {
		return false
	}
	var m ast.Expr
	switch x := ix.(type) {
	case *ast.IndexExpr:
		m = x.X
	case *ast.CallExpr: // a method of a named map type: s.Insert(k)
		fun := ast.Unparen(x.Fun)
		if ix, ok := fun.(*ast.IndexExpr); ok {
			fun = ast.Unparen(ix.X)
		}
		sel, ok := fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		m = sel.X
	default:
		return false
	}
	id, ok := ast.Unparen(m).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v.IsField() {
		return false
	}
	body := enclosingBody(c.file, lp.Pos())
	return body != nil && body.Pos() < v.Pos() && v.Pos() < lp.Pos()
}

// enclosingBody returns the body of the innermost function (declaration
// or literal) around pos.
func enclosingBody(f *ast.File, pos token.Pos) *ast.BlockStmt {
	path, _ := astutil.PathEnclosingInterval(f, pos, pos)
	for _, n := range path {
		switch n := n.(type) {
		case *ast.FuncLit:
			return n.Body
		case *ast.FuncDecl:
			return n.Body
		}
	}
	return nil
}

// enclosingLoop returns the innermost for or range statement whose body
// holds pos, its body, and the statement of the body holding pos.
func enclosingLoop(f *ast.File, pos token.Pos) (ast.Stmt, *ast.BlockStmt, ast.Stmt) {
	path, _ := astutil.PathEnclosingInterval(f, pos, pos)
	for i, n := range path {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil, nil, nil
		case *ast.ForStmt:
			body = n.Body
		case *ast.RangeStmt:
			body = n.Body
		default:
			continue
		}
		if i < 1 || path[i-1] != body {
			continue // pos is in the loop header
		}
		var child ast.Stmt
		if i >= 2 {
			child, _ = path[i-2].(ast.Stmt)
		}
		return n.(ast.Stmt), body, child
	}
	return nil, nil, nil
}

// runsEveryIteration reports whether child, a statement of the loop body,
// runs on every iteration: a simple statement with no continue or goto
// before it.
func (c *classifier) runsEveryIteration(body *ast.BlockStmt, child ast.Stmt) bool {
	switch child.(type) {
	case *ast.AssignStmt, *ast.IncDecStmt, *ast.ExprStmt:
	default:
		return false
	}
	for _, s := range body.List {
		if s == child {
			return true
		}
		if syntax.BranchesOut(s, token.CONTINUE) {
			return false
		}
	}
	return false
}

// trips returns the trip count of a loop when it is known before the loop
// starts, as an expression (tripcount, shared with the mapprealloc
// analyzer so that heap advice and lint findings agree).
func (c *classifier) trips(lp ast.Stmt) string {
	n, ok := tripcount.Of(c.info, lp)
	if !ok {
		return ""
	}
	return n.Expr
}
