package growonly

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// An entry stored for one call (a request ID, a waiter) and deleted on
// some of the call's exits but not all is left behind by the others:
//
//	c.waiters.Store(extra, waiter)
//	select {
//	case resp := <-waiter:
//		return resp, nil // extra stays
//	case <-time.After(timeout):
//		c.waiters.Delete(extra)
//		return ...
//	}
//
// checkExitPaths looks, in each function, at the entries stored under a
// key held in a local variable of that function, directly or through a
// package function that only stores (AddPendingResponse(rsp)), and at the
// deletes of the same map under that key in the same function, directly
// or through a package function that deletes. When there is at least one
// such delete, every return after the store must be preceded by one (in
// its block, in an enclosing block, or deferred), or be reached by a
// receive from the stored value when a responder, another function of
// the package that deletes from the map and stores nothing into it,
// exists (whoever signals the value removed the entry).
//
// Only the waiter pattern is judged: the function waits on the stored
// value (receives from it, or from a channel in it) as a call waits for
// its answer, so that once it returns nobody but the responder knows the
// key. A return that hands the key or the value to the caller is left
// alone (a stream handle outlives the call, its caller deletes it), as is
// a return in an if whose condition made the store (it failed).

// mapOp is a store or delete of a map, direct or through a helper.
type mapOp struct {
	node  ast.Node
	roots []types.Object // the local variables the key (and value) come from
}

func (c *checker) checkExitPaths(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	target := func(e ast.Expr) types.Object { return mapVarOf(info, e) }
	// direct returns the map n stores into (store) or deletes from, and
	// the expressions its key and value are read from.
	direct := func(n ast.Node) (m types.Object, store bool, from []ast.Expr) {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if ix, ok := ast.Unparen(n.Lhs[0]).(*ast.IndexExpr); ok && mapKind(info.TypeOf(ix.X)) == builtinMapKind {
					return target(ix.X), true, []ast.Expr{ix.Index, n.Rhs[0]}
				}
			}
		case *ast.CallExpr:
			if b, ok := typeutil.Callee(info, n).(*types.Builtin); ok && b.Name() == "delete" && len(n.Args) == 2 {
				return target(n.Args[0]), false, n.Args[1:]
			}
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if !ok || mapKind(info.TypeOf(sel.X)) != syncMapKind || len(n.Args) == 0 {
				break
			}
			switch sel.Sel.Name {
			case "Store", "LoadOrStore", "Swap":
				return target(sel.X), true, n.Args
			case "Delete", "LoadAndDelete", "CompareAndDelete":
				return target(sel.X), false, n.Args[:1]
			}
		}
		return nil, false, nil
	}
	// Package functions that only store into, or only delete from, one
	// map: helpers whose calls count as the store or delete.
	storer := make(map[*types.Func]types.Object)
	storedAt := make(map[*types.Func]ast.Node)          // a storer's store
	deletesIn := make(map[types.Object][]*ast.FuncDecl) // map -> functions with a delete of it
	deleter := make(map[*types.Func]types.Object)
	deletedIn := make(map[types.Object]map[ast.Node]bool) // map -> functions deleting from it
	storedIn := make(map[types.Object]map[ast.Node]bool)  // map -> functions storing into it
	var decls []*ast.FuncDecl
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for declCur := range fileCur.Preorder((*ast.FuncDecl)(nil)) {
			fd := declCur.Node().(*ast.FuncDecl)
			if fd.Body == nil {
				continue
			}
			decls = append(decls, fd)
			var stores, deletes []types.Object
			var lastStore ast.Node
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if m, store, _ := direct(n); m != nil {
					if store {
						stores = append(stores, m)
						lastStore = n
						if storedIn[m] == nil {
							storedIn[m] = make(map[ast.Node]bool)
						}
						storedIn[m][fd] = true
					} else {
						if !slices.Contains(deletesIn[m], fd) {
							deletesIn[m] = append(deletesIn[m], fd)
						}
						deletes = append(deletes, m)
						if deletedIn[m] == nil {
							deletedIn[m] = make(map[ast.Node]bool)
						}
						deletedIn[m][fd] = true
					}
				}
				return true
			})
			fn, _ := info.Defs[fd.Name].(*types.Func)
			switch {
			case fn == nil:
			case len(stores) == 1 && len(deletes) == 0:
				storer[fn] = stores[0]
				storedAt[fn] = lastStore
			case len(deletes) == 1 && len(stores) == 0:
				deleter[fn] = deletes[0]
			}
		}
	}
	// Functions that delete through a helper delete too; the helpers
	// themselves are not who removes an entry.
	for _, fd := range decls {
		fn, _ := info.Defs[fd.Name].(*types.Func)
		if deleter[fn] != nil {
			for _, m := range deletedIn {
				delete(m, fd)
			}
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if callee, ok := typeutil.Callee(info, call).(*types.Func); ok && deleter[callee] != nil {
					m := deleter[callee]
					if deletedIn[m] == nil {
						deletedIn[m] = make(map[ast.Node]bool)
					}
					deletedIn[m][fd] = true
				} else if ok && storer[callee] != nil {
					m := storer[callee]
					if storedIn[m] == nil {
						storedIn[m] = make(map[ast.Node]bool)
					}
					storedIn[m][fd] = true
				}
			}
			return true
		})
	}
	w := waiterInfo{storedAt: storedAt, deletesIn: deletesIn, definitions: localDefinitions(info, decls)}
	for _, fd := range decls {
		c.checkExitPathsIn(fd, direct, storer, deleter, deletedIn, storedIn, w)
	}
}

func (c *checker) checkExitPathsIn(fd *ast.FuncDecl, direct func(ast.Node) (types.Object, bool, []ast.Expr),
	storer, deleter map[*types.Func]types.Object, deletedIn, storedIn map[types.Object]map[ast.Node]bool, w waiterInfo) {
	info := c.pass.TypesInfo
	locals := func(es []ast.Expr) []types.Object {
		var out []types.Object
		for _, e := range es {
			ast.Inspect(e, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok && !v.IsField() && fd.Body.Pos() <= v.Pos() && v.Pos() < fd.Body.End() {
						out = append(out, v)
					}
				}
				return true
			})
		}
		return out
	}
	type op struct {
		m     types.Object
		store bool
		node  ast.Node
		roots []types.Object
	}
	// opOf returns the store or delete n makes, directly or through a
	// package helper, recorded at node at.
	opOf := func(n, at ast.Node) (op, bool) {
		if call, ok := n.(*ast.CallExpr); ok {
			if fn, ok := typeutil.Callee(info, call).(*types.Func); ok {
				if m := storer[fn]; m != nil {
					return op{m, true, at, locals(call.Args)}, true
				}
				if m := deleter[fn]; m != nil {
					return op{m, false, at, locals(call.Args)}, true
				}
			}
		}
		if m, store, from := direct(n); m != nil {
			return op{m, store, at, locals(from)}, true
		}
		return op{}, false
	}
	var ops []op
	var returns []*ast.ReturnStmt
	parents := make(map[ast.Node]ast.Node)
	var stack []ast.Node
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if len(stack) > 0 {
			parents[n] = stack[len(stack)-1]
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false // another function's exits
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.ReturnStmt:
			returns = append(returns, n)
		case *ast.DeferStmt:
			// defer func() { delete(m, key) }(): the literal's deletes
			// run on every return after the defer, as a deferred delete
			// does; they are recorded at the defer.
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				ast.Inspect(lit.Body, func(m ast.Node) bool {
					if o, ok := opOf(m, n); ok && !o.store {
						ops = append(ops, o)
					}
					return true
				})
			}
		}
		if o, ok := opOf(n, n); ok {
			ops = append(ops, o)
		}
		return true
	})
	// precedes reports whether d runs before ret on every path to ret:
	// it is a statement of a block that holds ret, before it, or deferred.
	precedes := func(d, ret ast.Node) bool {
		if d.Pos() > ret.Pos() {
			return false
		}
		dStmt, _ := listStmt(parents, d)
		if _, ok := dStmt.(*ast.DeferStmt); ok {
			return true
		}
		block := parents[dStmt]
		for n := ret; n != nil; n = parents[n] {
			if n == block {
				return true
			}
		}
		return false
	}
	shares := func(a, b []types.Object) bool {
		for _, x := range a {
			for _, y := range b {
				if x == y {
					return true
				}
			}
		}
		return false
	}
	for _, st := range ops {
		if !st.store {
			continue
		}
		if len(st.roots) == 0 {
			// A helper that draws the key itself (`id := newToken()`)
			// stores one entry per call too.
			if call, ok := st.node.(*ast.CallExpr); ok && w.drawsKey(info, call) {
				c.checkWaiterExits(fd, st.node, st.m, nil, parents, deletedIn, storedIn, w)
			}
			continue
		}
		var dels []op
		for _, d := range ops {
			if !d.store && d.m == st.m && d.node.Pos() > st.node.Pos() && shares(d.roots, st.roots) {
				dels = append(dels, d)
			}
		}
		if len(dels) == 0 {
			c.checkWaiterExits(fd, st.node, st.m, st.roots, parents, deletedIn, storedIn, w)
			continue
		}
		if !waitsOn(info, fd.Body, st.roots, nil) {
			continue
		}
		for _, ret := range returns {
			if ret.Pos() < st.node.Pos() || mentionsAny(info, ret, st.roots) || inConditionOf(parents, ret, st.node) {
				// Before the store; handing the key or the value to the
				// caller, who may delete it; or the store's own failure.
				continue
			}
			covered := false
			for _, d := range dels {
				covered = covered || precedes(d.node, ret)
				// `if joined { delete(m, id) }` before the return, where
				// joined is set right after the store: the delete runs
				// whenever there is an entry to delete.
				if ifs, flag := flagGuard(info, parents, d.node); ifs != nil && precedes(ifs, ret) && setAfter(info, parents, st.node, flag) {
					covered = true
				}
			}
			// A responder: a function that deletes from the map and
			// stores nothing into it.
			elsewhere := false
			for f := range deletedIn[st.m] {
				elsewhere = elsewhere || (f != ast.Node(fd) && !storedIn[st.m][f])
			}
			if !covered && elsewhere {
				// A receive from the stored value before the return: who
				// signalled it found, and removed, the entry elsewhere.
				for n := parents[ret]; n != nil && !covered; n = parents[n] {
					if cc, ok := n.(*ast.CommClause); ok && cc.Comm != nil {
						covered = mentionsAny(info, cc.Comm, st.roots)
					}
				}
			}
			if !covered {
				c.pass.Reportf(st.node.Pos(), "the entry stored here is deleted on some paths but not on the return at line %d: it is left behind",
					c.pass.Fset.Position(ret.Pos()).Line)
				break
			}
		}
	}
}

// flagGuard returns the if statement around n whose condition is a lone
// local boolean variable (`if joined { ... }`), and that variable.
func flagGuard(info *types.Info, parents map[ast.Node]ast.Node, n ast.Node) (*ast.IfStmt, types.Object) {
	for p := parents[n]; p != nil; p = parents[p] {
		ifs, ok := p.(*ast.IfStmt)
		if !ok {
			continue
		}
		id, ok := ast.Unparen(ifs.Cond).(*ast.Ident)
		if !ok || ifs.Else != nil {
			return nil, nil
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.IsField() || !types.Identical(v.Type(), types.Typ[types.Bool]) {
			return nil, nil
		}
		return ifs, v
	}
	return nil, nil
}

// setAfter reports whether flag = true is a statement after st's in the
// list that holds st (`outboxes[id] = outbox; ...; joined = true`).
func setAfter(info *types.Info, parents map[ast.Node]ast.Node, st ast.Node, flag types.Object) bool {
	stmt, list := listStmt(parents, st)
	after := false
	for _, s := range list {
		if s == stmt {
			after = true
			continue
		}
		as, ok := s.(*ast.AssignStmt)
		if !after || !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			continue
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok && info.Uses[id] == flag {
			if tv, ok := info.Types[as.Rhs[0]]; ok && tv.Value != nil && tv.Value.String() == "true" {
				return true
			}
		}
	}
	return false
}

// listStmt returns the statement around n that is an element of a
// statement list (a block, a case or a select case), and that list.
func listStmt(parents map[ast.Node]ast.Node, n ast.Node) (ast.Node, []ast.Stmt) {
	for {
		switch p := parents[n].(type) {
		case nil:
			return n, nil
		case *ast.BlockStmt:
			return n, p.List
		case *ast.CaseClause:
			return n, p.Body
		case *ast.CommClause:
			return n, p.Body
		}
		n = parents[n]
	}
}

func mentionsAny(info *types.Info, n ast.Node, objs []types.Object) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			for _, o := range objs {
				if info.Uses[id] == o {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// waitsOn reports whether n receives from an expression that reads one
// of objs (`<-waiter`, `case <-rsp.Done:`) or from the call made
// (`<-c.dispatch(...)`, nil for none), outside function literals.
func waitsOn(info *types.Info, n ast.Node, objs []types.Object, call ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && (mentionsAny(info, n.X, objs) || call != nil && ast.Unparen(n.X) == call) {
				found = true
			}
		}
		return !found
	})
	return found
}

// inConditionOf reports whether ret is in the body of an if whose
// condition holds the store st (`if !s.addConn(...) { return }`).
func inConditionOf(parents map[ast.Node]ast.Node, ret, st ast.Node) bool {
	for n := parents[ret]; n != nil; n = parents[n] {
		if ifs, ok := n.(*ast.IfStmt); ok && ifs.Cond != nil && ifs.Cond.Pos() <= st.Pos() && st.End() <= ifs.Cond.End() {
			return true
		}
	}
	return false
}

// mapVarOf returns the map a store or delete names: a field (its generic
// origin) or a package-level variable, or nil for anything else (a
// local, an index into another map).
func mapVarOf(info *types.Info, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if v, ok := info.ObjectOf(e.Sel).(*types.Var); ok && v.IsField() {
			return v.Origin()
		}
	case *ast.Ident:
		if v, ok := info.ObjectOf(e).(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
			return v
		}
	}
	return nil
}
