package growonly

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Values that come with a request or an event. Outside package main a
// key chosen by the caller, or looked up before it is inserted (a memo
// cache), is usually bounded by what the program asks for: a set of
// names, types or configured sizes. It is not when it came with a
// request or an event: there are as many as there are requests. The
// analyzer follows such values through the package:
//
//   - the parameters of a function that serves requests (it takes an
//     *http.Request, an http.ResponseWriter or a net.Conn) or one
//     subscriber (it blocks in a run loop until the subscriber goes, as
//     a streaming RPC's Watch does), except those of a configuration type
//     (astutil.ConfigType);
//   - in the body of a goroutine's run loop (`for { select ... }`, a
//     range over a channel), the local variables it defines from values
//     that are not constants: one event per iteration;
//   - local variables assigned from an expression that reads one of
//     those, or whose address is given to a call that reads one
//     (json.NewDecoder(r.Body).Decode(&ev)), and the parameters of the
//     package's functions that are passed one, to any depth of calls.

// collectTaint computes c.tainted over the package's files, to a fixed
// point.
func (c *checker) collectTaint(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	c.tainted = make(map[*types.Var]bool)
	var files []inspector.Cursor
	for fileCur := range inspect.Root().Children() {
		if !astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			files = append(files, fileCur)
		}
	}
	changed := false
	taint := func(id *ast.Ident) {
		if id == nil || id.Name == "_" {
			return
		}
		v, ok := info.ObjectOf(id).(*types.Var)
		if ok && !v.IsField() && v.Parent() != c.pass.Pkg.Scope() && !c.tainted[v] {
			c.tainted[v] = true
			changed = true
		}
	}
	for _, fileCur := range files {
		for cur := range fileCur.Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			var ft *ast.FuncType
			var body *ast.BlockStmt
			switch n := cur.Node().(type) {
			case *ast.FuncDecl:
				ft, body = n.Type, n.Body
			case *ast.FuncLit:
				ft, body = n.Type, n.Body
			}
			if !servesRequests(info, ft) && (body == nil || !astutil.BlocksInRunLoop(info, body)) {
				continue
			}
			for _, field := range ft.Params.List {
				if astutil.ConfigType(info.TypeOf(field.Type)) {
					continue
				}
				for _, id := range field.Names {
					taint(id)
				}
			}
		}
	}
	for first := true; first || changed; first = false {
		changed = false
		for _, fileCur := range files {
			for cur := range fileCur.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.RangeStmt)(nil), (*ast.CallExpr)(nil)) {
				switch n := cur.Node().(type) {
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if i < len(n.Values) && c.isTainted(n.Values[i]) {
							taint(id)
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						id, ok := ast.Unparen(lhs).(*ast.Ident)
						if !ok {
							continue
						}
						rhs := n.Rhs[0]
						if len(n.Rhs) == len(n.Lhs) {
							rhs = n.Rhs[i]
						}
						if c.isTainted(rhs) || (n.Tok == token.DEFINE && c.inRunLoop(cur) && !isConstant(info, rhs)) {
							taint(id)
						}
					}
				case *ast.RangeStmt:
					if astutil.IsRunLoop(info, n) || c.isTainted(n.X) || (n.Tok == token.DEFINE && c.inRunLoop(cur)) {
						if id, ok := n.Key.(*ast.Ident); ok {
							taint(id)
						}
						if id, ok := n.Value.(*ast.Ident); ok {
							taint(id)
						}
					}
				case *ast.CallExpr:
					// A call that reads the request fills the variables
					// whose address it is given: json.NewDecoder(r.Body).Decode(&ev).
					if c.isTainted(n) {
						for _, arg := range n.Args {
							if u, ok := ast.Unparen(arg).(*ast.UnaryExpr); ok && u.Op == token.AND {
								if id, ok := ast.Unparen(u.X).(*ast.Ident); ok {
									taint(id)
								}
							}
						}
					}
					fn, ok := typeutil.Callee(info, n).(*types.Func)
					if !ok || fn.Pkg() != c.pass.Pkg {
						continue
					}
					params := fn.Origin().Signature().Params()
					for i, arg := range n.Args {
						if params.Len() == 0 || !c.isTainted(arg) {
							continue
						}
						p := params.At(min(i, params.Len()-1))
						if !c.tainted[p] && p.Name() != "" && p.Name() != "_" {
							c.tainted[p] = true
							changed = true
						}
					}
				}
			}
		}
	}
}

// isTainted reports whether e reads a value that came with a request or
// an event.
func (c *checker) isTainted(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok && c.tainted[v] {
				found = true
			}
		}
		return !found
	})
	return found
}

// inRunLoop reports whether cur is in the body of a goroutine's run loop
// of the innermost function around it.
func (c *checker) inRunLoop(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.ForStmt)(nil), (*ast.RangeStmt)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.ForStmt:
			if astutil.IsRunLoop(c.pass.TypesInfo, n) && n.Body.Pos() <= cur.Node().Pos() {
				return true
			}
		case *ast.RangeStmt:
			if astutil.IsRunLoop(c.pass.TypesInfo, n) && n.Body.Pos() <= cur.Node().Pos() {
				return true
			}
		}
	}
	return false
}

func isConstant(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil
}
