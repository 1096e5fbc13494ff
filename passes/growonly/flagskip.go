package growonly

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A cleanup that returns early once a "done" flag is set does not run
// for an entry whose flag was set by another function that does not
// delete it:
//
//	func (h *handler) Finalize() {
//		if h.done.Load() {
//			return // SendResponse(..., true) already set done
//		}
//		h.close()
//		h.w.unregister(h.reqID)
//	}
//
//	func (h *handler) close() { h.done.Store(true) } // called by SendResponse too
//
// flagSkippedDelete judges such a delete for checkIneffectiveDeletes:
// the delete, or every call of the function holding it when its key is
// that function's parameter, follows in its function F an early return
// (`if ... || x.f { return }`, or x.f.Load() of an atomic.Bool) on a
// boolean field f of the map's values (the entry's own state), and a function G other than F sets f to true
// (`x.f = true`, x.f.Store(true)) without deleting from the map, G being
// exported or called from a function other than F. Whatever path sets
// the flag through G skips the delete for good. Deleting before the
// early return, or in G, is the fix.

// flagSkippedDelete returns the reason the delete at delCur is skipped
// once a flag another function sets is true, or "".
func (c *checker) flagSkippedDelete(delCur inspector.Cursor) string {
	info := c.pass.TypesInfo
	del := delCur.Node().(*ast.CallExpr)
	d := enclosingFuncDecl(delCur)
	if d == nil {
		return ""
	}
	dFn, _ := info.Defs[d.Name].(*types.Func)
	// The sites that run the delete: the delete itself, or the calls of
	// its function when the key is a parameter (a helper).
	type site struct {
		fn   *ast.FuncDecl
		node ast.Node
	}
	var sites []site
	deleting := map[*ast.FuncDecl]bool{d: true}
	if id, ok := ast.Unparen(del.Args[1]).(*ast.Ident); ok && isParamOf(info, delCur, info.Uses[id]) {
		for fd := range astutil.FuncDecls(c.pass) {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && dFn != nil && typeutil.Callee(info, call) == types.Object(dFn) {
					sites = append(sites, site{fd, call})
					deleting[fd] = true
				}
				return true
			})
		}
		if len(sites) == 0 {
			return ""
		}
	} else {
		sites = []site{{d, del}}
	}
	// Every site follows an early return on a flag field of the map's
	// values: the entry's own state, not its owner's (a subsystem
	// disabled as a whole).
	var elem *types.Struct
	if mt, ok := info.TypeOf(del.Args[0]).Underlying().(*types.Map); ok {
		elem, _ = types.Unalias(derefType(mt.Elem())).Underlying().(*types.Struct)
	}
	if elem == nil {
		return ""
	}
	flags := make(map[*types.Var]*ast.FuncDecl) // flag -> the function testing it
	for _, s := range sites {
		f := earlyReturnFlag(info, s.fn.Body, s.node)
		if f == nil || !hasField(elem, f) {
			return ""
		}
		flags[f] = s.fn
	}
	// A function other than the tester sets a flag to true, deletes
	// nothing from the map, and runs on its own (exported, or called from
	// a function other than the tester).
	callers := make(map[*types.Func]map[*ast.FuncDecl]bool)
	type setter struct {
		fn   *ast.FuncDecl
		flag *types.Var
	}
	var setters []setter
	for fd := range astutil.FuncDecls(c.pass) {
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if callee, ok := typeutil.Callee(info, n).(*types.Func); ok {
					if callers[callee] == nil {
						callers[callee] = make(map[*ast.FuncDecl]bool)
					}
					callers[callee][fd] = true
				}
				if f := flagStoredTrue(info, n); f != nil && flags[f] != nil {
					setters = append(setters, setter{fd, f})
				}
			case *ast.AssignStmt:
				if len(n.Lhs) == 1 && len(n.Rhs) == 1 && n.Tok == token.ASSIGN && isTrue(info, n.Rhs[0]) {
					if f := fieldVar(info, n.Lhs[0]); f != nil && flags[f] != nil {
						setters = append(setters, setter{fd, f})
					}
				}
			}
			return true
		})
	}
	for _, s := range setters {
		tester := flags[s.flag]
		if s.fn == tester || deleting[s.fn] {
			continue
		}
		fn, _ := info.Defs[s.fn.Name].(*types.Func)
		if fn == nil {
			continue
		}
		runsAlone := fn.Exported()
		for caller := range callers[fn] {
			runsAlone = runsAlone || (caller != tester && !deleting[caller])
		}
		if !runsAlone {
			continue
		}
		return fmt.Sprintf("is deleted from only after %s returns early on %s, which %s sets without deleting: an entry whose %s was set there stays",
			tester.Name.Name, s.flag.Name(), s.fn.Name.Name, s.flag.Name())
	}
	return ""
}

// enclosingFuncDecl returns the function declaration around cur, or nil when
// cur is in a function literal or outside functions.
func enclosingFuncDecl(cur inspector.Cursor) *ast.FuncDecl {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fd, _ := enc.Node().(*ast.FuncDecl)
		return fd
	}
	return nil
}

// earlyReturnFlag returns the boolean field f of an `if ... || x.f {
// return }` (or x.f.Load()) among the statements of body before the one
// holding n, or nil.
func earlyReturnFlag(info *types.Info, body *ast.BlockStmt, n ast.Node) *types.Var {
	for _, st := range body.List {
		if st.Pos() <= n.Pos() && n.End() <= st.End() {
			return nil
		}
		ifs, ok := st.(*ast.IfStmt)
		if !ok || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) != 1 {
			continue
		}
		if _, ok := ifs.Body.List[0].(*ast.ReturnStmt); !ok {
			continue
		}
		for _, e := range disjuncts(ifs.Cond) {
			e = ast.Unparen(e)
			if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 0 {
				if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Load" && isAtomicBool(info.TypeOf(sel.X)) {
					e = sel.X
				}
			}
			if f := fieldVar(info, e); f != nil && (isBool(f.Type()) || isAtomicBool(f.Type())) {
				return f
			}
		}
	}
	return nil
}

// disjuncts splits e at its top-level || operators.
func disjuncts(e ast.Expr) []ast.Expr {
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.LOR {
		return append(disjuncts(b.X), disjuncts(b.Y)...)
	}
	return []ast.Expr{e}
}

// flagStoredTrue returns f for a call x.f.Store(true) on an atomic.Bool.
func flagStoredTrue(info *types.Info, call *ast.CallExpr) *types.Var {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Store" || len(call.Args) != 1 || !isTrue(info, call.Args[0]) || !isAtomicBool(info.TypeOf(sel.X)) {
		return nil
	}
	return fieldVar(info, sel.X)
}

// fieldVar returns the field e selects, or nil.
func fieldVar(info *types.Info, e ast.Expr) *types.Var {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if v, ok := info.ObjectOf(sel.Sel).(*types.Var); ok && v.IsField() {
		return v.Origin()
	}
	return nil
}

func isTrue(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && tv.Value.String() == "true"
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Bool
}

func isAtomicBool(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync/atomic" && n.Obj().Name() == "Bool"
}

// hasField reports whether f is one of st's fields.
func hasField(st *types.Struct, f *types.Var) bool {
	for i := range st.NumFields() {
		if st.Field(i).Origin() == f {
			return true
		}
	}
	return false
}
