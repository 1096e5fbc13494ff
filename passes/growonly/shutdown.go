package growonly

import (
	"go/ast"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Releases that run only when the owner shuts down. A server that empties
// its connection table in Close, or drops its stream map in shutdown(),
// holds every entry until then: between, the map only grows. What counts
// is a release of the whole map (clear, a delete inside a range over the
// same map, an assignment of nil or a new map) in a function whose name
// is, or begins with, close, shutdown or stop (any case), that the
// package never calls from inside a loop nor uses as a value: a periodic
// sweep (closeExpired, called from a ticker's loop) releases entries for
// real. A delete of one key (closeConn(c) dropping c's entry) is the
// ordinary cleanup, and counts wherever it is.

// shutdownRelease returns the name of the shutdown function when the
// release of the map at exprCur empties the whole map and runs only at
// shutdown, or "".
func (c *checker) shutdownRelease(exprCur inspector.Cursor) string {
	if !c.releasesWholeMap(exprCur) {
		return ""
	}
	for enc := range exprCur.Enclosing((*ast.FuncDecl)(nil)) {
		fd := enc.Node().(*ast.FuncDecl)
		if !astutil.IsShutdownName(fd.Name.Name) {
			return ""
		}
		fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
		if !ok || c.calledRepeatedly(fn) {
			return ""
		}
		return fd.Name.Name
	}
	return ""
}

// releasesWholeMap reports whether the use of the map at exprCur empties
// it: clear(m), delete(m, k) in a range over m, or m = nil or a new map.
func (c *checker) releasesWholeMap(exprCur inspector.Cursor) bool {
	info := c.pass.TypesInfo
	cur := astutil.UnparenUp(exprCur)
	switch cur.ParentEdgeKind() {
	case edge.CallExpr_Args:
		call := cur.Parent().Node().(*ast.CallExpr)
		b, ok := typeutil.Callee(info, call).(*types.Builtin)
		if !ok {
			return false
		}
		switch b.Name() {
		case "clear":
			return true
		case "delete":
			mapText := types.ExprString(ast.Unparen(call.Args[0]))
			for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
				if r, ok := enc.Node().(*ast.RangeStmt); ok {
					return types.ExprString(ast.Unparen(r.X)) == mapText
				}
				return false
			}
		}
	case edge.AssignStmt_Lhs:
		as := cur.Parent().Node().(*ast.AssignStmt)
		_, i := cur.ParentEdge()
		if len(as.Lhs) == len(as.Rhs) {
			return astutil.IsNil(info, as.Rhs[i]) || c.isNewMap(as.Rhs[i])
		}
	}
	return false
}

// calledRepeatedly reports whether fn may run any time: the package
// calls it in a loop or a callback, or uses it as a value.
func (c *checker) calledRepeatedly(fn *types.Func) bool {
	if c.repeated == nil {
		c.repeated = astutil.RepeatedFuncs(c.pass, c.pass.ResultOf[inspect.Analyzer].(*inspector.Inspector))
	}
	return c.repeated[fn]
}
