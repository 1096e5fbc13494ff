package growonly

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A call that registers a waiter and leaves its removal to whoever
// answers leaks the entry on every exit that gets no answer:
//
//	ch := r.watch(key) // pending[key] = ch
//	select {
//	case res := <-ch:
//		return res, nil // the answer: Reconcile deleted the entry
//	case <-time.After(timeout):
//		return nil, errTimeout // pending[key] stays
//	}
//
// checkWaiterExits judges the stores checkExitPathsIn found no delete
// for in the storing function: the function waits on the stored value
// in a select, another function of the package (a responder) deletes
// from the map and stores nothing into it, and a return in another case
// of that select (a timeout, a cancelled context) ends the wait without
// an answer. Nothing removes that entry unless something else can, so
// the rule stays silent when the storing function deletes from the map
// or calls a function that does, defers a call of a function value (a
// cancel the registration returned), or when anything in the package
// ranges over the map (a sweep of expired waiters). AgentCube's create
// handler, https://github.com/volcano-sh/agentcube/pull/90, left its
// entry on a timeout this way.

// waiterInfo is what checkWaiterExits needs from the whole package.
type waiterInfo struct {
	storedAt  map[*types.Func]ast.Node         // the store of a storing helper
	deletesIn map[types.Object][]*ast.FuncDecl // the functions with a delete of a map
	// definitions are the expressions local variables are defined
	// from (`id := newToken()`).
	definitions map[*types.Var]ast.Expr
}

func (c *checker) checkWaiterExits(fd *ast.FuncDecl, st ast.Node, m types.Object, roots []types.Object,
	parents map[ast.Node]ast.Node, deletedIn, storedIn map[types.Object]map[ast.Node]bool, w waiterInfo) {
	info := c.pass.TypesInfo
	if deletedIn[m][fd] || slices.Contains(w.deletesIn[m], fd) || c.sweptMaps()[m] {
		return
	}
	// A responder deletes from the map and stores nothing into it,
	// directly or through a helper.
	answered := false
	deleters := make(map[*types.Func]bool)
	var responders []string
	for _, decl := range w.deletesIn[m] {
		if fn, ok := info.Defs[decl.Name].(*types.Func); ok {
			deleters[fn] = true
		}
		answered = answered || decl != fd && !storedIn[m][decl]
		responders = append(responders, decl.Name.Name)
	}
	for f := range deletedIn[m] {
		decl := f.(*ast.FuncDecl)
		if fn, ok := info.Defs[decl.Name].(*types.Func); ok {
			deleters[fn] = true
		}
		answered = answered || f != ast.Node(fd) && !storedIn[m][f]
	}
	if !answered {
		return
	}
	slices.Sort(responders)
	responders = slices.Compact(responders)
	// Whatever the storing function calls may remove the entry.
	removes := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(info, n).(*types.Func); ok && deleters[fn] {
				removes = true
			}
		case *ast.DeferStmt:
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				// defer func() { ... }(): its calls of the package's
				// deleters are seen above; a function value it calls
				// (cancel()) may remove the entry.
				removes = removes || callsFuncValue(info, lit.Body)
			} else if _, ok := typeutil.Callee(info, n.Call).(*types.Func); !ok {
				if _, builtin := typeutil.Callee(info, n.Call).(*types.Builtin); !builtin {
					removes = true // defer cancel()
				}
			}
		}
		return !removes
	})
	if removes {
		return
	}
	// The stored value, as the caller holds it: a helper's result
	// (`ch := r.watch(key)`) or the value stored.
	held := slices.Clone(roots)
	what := "the entry stored here"
	if call, ok := st.(*ast.CallExpr); ok {
		if as, ok := parents[call].(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			for _, lhs := range as.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && info.ObjectOf(id) != nil {
					held = append(held, info.ObjectOf(id))
				}
			}
		}
		if fn, ok := typeutil.Callee(info, call).(*types.Func); ok && w.storedAt[fn] != nil {
			pos := c.pass.Fset.Position(w.storedAt[fn].Pos())
			what = fmt.Sprintf("the entry %s stores in %s (%s:%d)", fn.Name(), m.Name(), filepath.Base(pos.Filename), pos.Line)
		}
	}
	receivesHeld := func(comm ast.Stmt) bool { return waitsOn(info, comm, held, st) }

	// The select that waits for the answer, and a return in another of
	// its cases.
	var wait *ast.SelectStmt
	var exit *ast.ReturnStmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if wait != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectStmt:
			if n.End() <= st.Pos() || storedInCase(n, st) {
				return true // a select before the store, or around it
			}
			for _, cc := range n.Body.List {
				if comm := cc.(*ast.CommClause).Comm; comm != nil && receivesHeld(comm) {
					wait = n
				}
			}
			if wait == nil {
				return true
			}
			for _, cc := range n.Body.List {
				cc := cc.(*ast.CommClause)
				if cc.Comm == nil || receivesHeld(cc.Comm) {
					continue
				}
				if ret := firstReturn(cc, func(ret *ast.ReturnStmt) bool { return !mentionsAny(info, ret, held) }); ret != nil && exit == nil {
					exit = ret
				}
			}
			return false
		}
		return true
	})
	if wait == nil {
		return
	}
	how := "ends the wait without an answer"
	// A return between the store and the wait (sending the request
	// failed) gives up before any answer can come, whether or not
	// another case of the select returns.
	if ret := firstReturn(fd.Body, func(ret *ast.ReturnStmt) bool {
		return st.End() <= ret.Pos() && ret.End() <= wait.Pos() &&
			!mentionsAny(info, ret, held) && !inConditionOf(parents, ret, st)
	}); ret != nil {
		exit, how = ret, "gives up before the wait"
	}
	if exit == nil {
		return
	}
	answers := "which answers it"
	if len(responders) > 1 {
		answers = "which answer it"
	}
	c.pass.Reportf(st.Pos(), "%s is deleted only by %s, %s: the return at line %d %s and leaves the entry behind (defer the delete)",
		what, strings.Join(responders, " and "), answers, c.pass.Fset.Position(exit.Pos()).Line, how)
}

// callsFuncValue reports whether n calls a function value: a variable,
// a field or a call's result rather than a declared function, a method
// or a builtin (conversions are no calls).
func callsFuncValue(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return true
		}
		switch typeutil.Callee(info, call).(type) {
		case *types.Func, *types.Builtin:
		default:
			if _, lit := ast.Unparen(call.Fun).(*ast.FuncLit); !lit {
				found = true
			}
		}
		return !found
	})
	return found
}

// storedInCase reports whether st is in the body of one of sel's cases.
func storedInCase(sel *ast.SelectStmt, st ast.Node) bool {
	for _, cc := range sel.Body.List {
		for _, stmt := range cc.(*ast.CommClause).Body {
			if stmt.Pos() <= st.Pos() && st.End() <= stmt.End() {
				return true
			}
		}
	}
	return false
}

// drawsKey reports whether call calls a storing helper whose key is a
// local variable of the helper defined from no parameter of it (`id :=
// newToken()`, `c.seq++; id := c.seq`): one new entry per call.
func (w waiterInfo) drawsKey(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || w.storedAt[fn] == nil {
		return false
	}
	var keyExpr ast.Expr
	switch st := w.storedAt[fn].(type) {
	case *ast.AssignStmt: // m[id] = ch
		if ix, ok := ast.Unparen(st.Lhs[0]).(*ast.IndexExpr); ok {
			keyExpr = ix.Index
		}
	case *ast.CallExpr: // m.Store(id, ch)
		keyExpr = st.Args[0]
	}
	id, ok := ast.Unparen(keyExpr).(*ast.Ident)
	if !ok {
		return false
	}
	key, ok := info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	def := w.definitions[key]
	if def == nil {
		return false
	}
	params := fn.Signature().Params()
	drawn := true
	ast.Inspect(def, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			for p := range params.Variables() {
				if info.Uses[id] == p {
					drawn = false
				}
			}
		}
		return drawn
	})
	return drawn
}

// firstReturn returns the first return statement in n, outside function
// literals, that ok accepts.
func firstReturn(n ast.Node, ok func(*ast.ReturnStmt) bool) *ast.ReturnStmt {
	var first *ast.ReturnStmt
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if first == nil && ok(n) {
				first = n
			}
		}
		return first == nil
	})
	return first
}

// localDefinitions maps the local variables of decls defined by `:=` to
// the expression each is defined from.
func localDefinitions(info *types.Info, decls []*ast.FuncDecl) map[*types.Var]ast.Expr {
	defs := make(map[*types.Var]ast.Expr)
	for _, fd := range decls {
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && len(as.Lhs) == len(as.Rhs) {
				for i, lhs := range as.Lhs {
					if id, ok := lhs.(*ast.Ident); ok {
						if v, ok := info.Defs[id].(*types.Var); ok {
							defs[v] = as.Rhs[i]
						}
					}
				}
			}
			return true
		})
	}
	return defs
}

// sweptMaps returns the maps a range statement or a sync.Map's Range
// visits in the package's non-test files: a sweep there may drop any
// key. Built on first use.
func (c *checker) sweptMaps() map[types.Object]bool {
	if c.swept != nil {
		return c.swept
	}
	info := c.pass.TypesInfo
	c.swept = make(map[types.Object]bool)
	for _, f := range c.pass.Files {
		if astutil.IsTestFile(c.pass, f) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.RangeStmt:
				if m := mapVarOf(info, n.X); m != nil {
					c.swept[m] = true
				}
			case *ast.CallExpr:
				if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Range" && mapKind(info.TypeOf(sel.X)) == syncMapKind {
					if m := mapVarOf(info, sel.X); m != nil {
						c.swept[m] = true
					}
				}
			}
			return true
		})
	}
	return c.swept
}
