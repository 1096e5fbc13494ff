package poolmap

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Pools other than sync.Pool, maps reached through a pointer the pooled
// value owns, emptying through a deleting helper, and Puts that depend on
// the pooled value's state: the shapes of a package that wraps its pool
// (M3's QueryResultsPool, whose results hold a *ResultsMap emptied key by
// key through removeMapKey).

// interfacePool returns the pool, as written, of a call of Get or Put on
// an interface type declared in this package whose method set pairs
// Get() T with Put(T): a pool of the package's own, whatever implements
// it. A concrete wrapper type is left out: its own methods call the
// sync.Pool inside, where the Put is already seen.
func (c *checker) interfacePool(call *ast.CallExpr) (pool string, isPut, ok bool) {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || (fn.Name() != "Put" && fn.Name() != "Get") {
		return "", false, false
	}
	recv := fn.Signature().Recv()
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if recv == nil || !ok {
		return "", false, false
	}
	named, ok := types.Unalias(recv.Type()).(*types.Named)
	if !ok || named.Obj().Pkg() != c.pass.Pkg {
		return "", false, false
	}
	iface, ok := named.Underlying().(*types.Interface)
	if !ok || !isPoolInterface(iface) {
		return "", false, false
	}
	return types.ExprString(ast.Unparen(sel.X)), fn.Name() == "Put", true
}

// isPoolInterface reports whether iface has Get() T and Put(T).
func isPoolInterface(iface *types.Interface) bool {
	var got, put types.Type
	for i := range iface.NumMethods() {
		m := iface.Method(i)
		sig := m.Signature()
		switch m.Name() {
		case "Get":
			if sig.Params().Len() == 0 && sig.Results().Len() == 1 {
				got = sig.Results().At(0).Type()
			}
		case "Put":
			if sig.Params().Len() == 1 && sig.Results().Len() == 0 {
				put = sig.Params().At(0).Type()
			}
		}
	}
	return got != nil && put != nil && types.Identical(got, put)
}

// ownedPointerFields returns the map fields of the structs of this
// package that st's pointer fields point to, with their paths
// ("resultsMap.lookup"). A pointer may be shared (a parent, a server),
// so a field counts only when the pooled value resets the struct behind
// it: some call x.f.M() reaches a method M of that struct that empties
// the map (see ownsPointee). Such maps are only reported as kept at
// their peak, never as keeping entries.
func (c *checker) ownedPointerFields(st *types.Struct) (fields []*types.Var, paths map[*types.Var]string) {
	for i := range st.NumFields() {
		f := st.Field(i)
		ptr, ok := types.Unalias(f.Type()).(*types.Pointer)
		if !ok || f.Embedded() {
			continue
		}
		named, ok := types.Unalias(ptr.Elem()).(*types.Named)
		if !ok || named.Obj().Pkg() != c.pass.Pkg {
			continue
		}
		inner, ok := named.Underlying().(*types.Struct)
		if !ok {
			continue
		}
		for j := range inner.NumFields() {
			g := inner.Field(j)
			if _, ok := g.Type().Underlying().(*types.Map); !ok {
				continue
			}
			if !c.ownsPointee(f.Origin(), named, g.Origin()) {
				continue
			}
			if paths == nil {
				paths = make(map[*types.Var]string)
			}
			fields = append(fields, g.Origin())
			paths[g.Origin()] = f.Name() + "." + g.Name()
		}
	}
	return fields, paths
}

// ownsPointee reports whether the package calls x.f.M() for a method M
// of pointee whose body empties its receiver's map field g: clear(r.g),
// or a range over r.g that deletes each key, directly or through a
// method of the same receiver that deletes its parameter.
func (c *checker) ownsPointee(f *types.Var, pointee *types.Named, g *types.Var) bool {
	info := c.pass.TypesInfo
	for cur := range c.root.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			continue
		}
		inner, ok := ast.Unparen(sel.X).(*ast.SelectorExpr)
		if !ok {
			continue
		}
		if v, ok := info.Uses[inner.Sel].(*types.Var); !ok || v.Origin() != f {
			continue
		}
		m, ok := info.Uses[sel.Sel].(*types.Func)
		if !ok {
			continue
		}
		if r := m.Signature().Recv(); r == nil || types.Unalias(deref(r.Type())) != types.Type(pointee) {
			continue
		}
		if c.empties(m, g) {
			return true
		}
	}
	return false
}

// empties reports whether the method m clears its receiver's map field g
// (clear, or deleting every key while ranging over it).
func (c *checker) empties(m *types.Func, g *types.Var) bool {
	decl := c.declOf(m)
	if decl == nil || decl.Body == nil {
		return false
	}
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found || len(call.Args) == 0 {
			return !found
		}
		sel, ok := ast.Unparen(call.Args[0]).(*ast.SelectorExpr)
		if b, isB := typeutil.Callee(info, call).(*types.Builtin); isB && b.Name() == "clear" && ok {
			if v, ok := info.Uses[sel.Sel].(*types.Var); ok && v.Origin() == g {
				found = true
			}
		}
		return !found
	})
	if found {
		return true
	}
	for cur := range c.root.Preorder((*ast.CallExpr)(nil)) {
		if cur.Node().Pos() < decl.Pos() || cur.Node().End() > decl.End() {
			continue
		}
		call := cur.Node().(*ast.CallExpr)
		if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "delete" && len(call.Args) == 2 {
			if sel, ok := ast.Unparen(call.Args[0]).(*ast.SelectorExpr); ok && inRangeOver(cur, types.ExprString(sel)) {
				if v, ok := info.Uses[sel.Sel].(*types.Var); ok && v.Origin() == g {
					return true
				}
			}
		}
		if c.deletesThroughHelper(cur, g) {
			return true
		}
	}
	return false
}

// deletesThroughHelper reports whether the call at cur is x.helper(k)
// inside `for k := range x.g`, where helper is a method of x's type whose
// body deletes its parameter from its receiver's field g: the
// range-delete idiom split over two methods.
func (c *checker) deletesThroughHelper(cur inspector.Cursor, g *types.Var) bool {
	info := c.pass.TypesInfo
	call := cur.Node().(*ast.CallExpr)
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	m, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || m.Signature().Recv() == nil || m.Signature().Params().Len() != 1 {
		return false
	}
	arg, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
	if !ok {
		return false
	}
	rangeOver := types.ExprString(ast.Unparen(sel.X)) + "." + g.Name()
	ranged := false
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			break
		}
		if k, ok := rs.Key.(*ast.Ident); ok && types.ExprString(ast.Unparen(rs.X)) == rangeOver && info.Defs[k] != nil && info.Defs[k] == info.Uses[arg] {
			ranged = true
			break
		}
	}
	if !ranged {
		return false
	}
	decl := c.declOf(m)
	if decl == nil || decl.Body == nil || decl.Recv == nil || len(decl.Recv.List[0].Names) != 1 {
		return false
	}
	recv := info.Defs[decl.Recv.List[0].Names[0]]
	param := m.Signature().Params().At(0)
	deletes := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		if b, ok := typeutil.Callee(info, call).(*types.Builtin); !ok || b.Name() != "delete" {
			return true
		}
		s, ok := ast.Unparen(call.Args[0]).(*ast.SelectorExpr)
		key, ok2 := ast.Unparen(call.Args[1]).(*ast.Ident)
		if !ok || !ok2 || info.Uses[key] != param {
			return true
		}
		if x, ok := ast.Unparen(s.X).(*ast.Ident); ok && recv != nil && info.Uses[x] == recv {
			if v, ok := info.Uses[s.Sel].(*types.Var); ok && v.Origin() == g {
				deletes = true
			}
		}
		return true
	})
	return deletes
}

// declOf returns the declaration of a function of this package.
func (c *checker) declOf(fn *types.Func) *ast.FuncDecl {
	for cur := range c.root.Preorder((*ast.FuncDecl)(nil)) {
		d := cur.Node().(*ast.FuncDecl)
		if c.pass.TypesInfo.Defs[d.Name] == fn.Origin() {
			return d
		}
	}
	return nil
}

// gatedByValue reports whether the Put runs only under a condition on
// the pooled value's state: an if around it, or an `if cond { return }`
// before it, whose condition reads the value (other than a nil check),
// directly or through a local variable computed from it
// (`keep := r.stats.update(r.total)`, then `if keep { pool.Put(r) }`).
// Such code decides per value whether pooling it is worth it (M3 drops
// results that stay far below their peak), which bounds what the pool
// holds as a len check does.
func (c *checker) gatedByValue(p put) bool {
	info := c.pass.TypesInfo
	root := syntax.RootIdent(ast.Unparen(p.call.Args[0]))
	if root == nil {
		return false
	}
	val, ok := info.Uses[root].(*types.Var)
	if !ok {
		return false
	}
	_, body := astutil.InnermostFunc(p.cur)
	if body == nil {
		return false
	}
	// derived are the local variables assigned from expressions reading
	// the value before the Put.
	derived := map[types.Object]bool{val: true}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Pos() > p.call.Pos() || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, rhs := range as.Rhs {
			if reads(info, rhs, derived) {
				if id, ok := as.Lhs[i].(*ast.Ident); ok && id.Name != "_" {
					if obj := info.ObjectOf(id); obj != nil && obj != types.Object(val) {
						derived[obj] = true
					}
				}
			}
		}
		return true
	})
	for enc := range p.cur.Enclosing((*ast.IfStmt)(nil), (*ast.BlockStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.IfStmt:
			if n.Body.Pos() <= p.call.Pos() && p.call.End() <= n.Body.End() && stateCondition(info, n.Cond, derived) {
				return true
			}
		case *ast.BlockStmt:
			for _, s := range n.List {
				if s.End() > p.call.Pos() {
					break
				}
				if ifs, ok := s.(*ast.IfStmt); ok && ifs.Else == nil && endsInReturn(ifs.Body) && stateCondition(info, ifs.Cond, derived) {
					return true
				}
			}
		}
	}
	return false
}

// stateCondition reports whether one of cond's && or || operands reads
// a derived variable and is not a nil check.
func stateCondition(info *types.Info, cond ast.Expr, derived map[types.Object]bool) bool {
	cond = ast.Unparen(cond)
	if bin, ok := cond.(*ast.BinaryExpr); ok && (bin.Op == token.LAND || bin.Op == token.LOR) {
		return stateCondition(info, bin.X, derived) || stateCondition(info, bin.Y, derived)
	}
	if bin, ok := cond.(*ast.BinaryExpr); ok && (bin.Op == token.EQL || bin.Op == token.NEQ) && (astutil.IsNil(info, bin.X) || astutil.IsNil(info, bin.Y)) {
		return false
	}
	return reads(info, cond, derived)
}

// reads reports whether e mentions one of the objects.
func reads(info *types.Info, e ast.Expr, objs map[types.Object]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && objs[info.Uses[id]] {
			found = true
		}
		return !found
	})
	return found
}

func endsInReturn(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	_, ok := b.List[len(b.List)-1].(*ast.ReturnStmt)
	return ok
}

// helperOfRangeDelete reports whether the delete call, of the map field
// at selCur, is in a method that some caller runs on every key while
// ranging over that field (deletesThroughHelper): it empties the map.
func (c *checker) helperOfRangeDelete(selCur inspector.Cursor, del *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	g, ok := info.Uses[selCur.Node().(*ast.SelectorExpr).Sel].(*types.Var)
	if !ok {
		return false
	}
	var fn *types.Func
	for enc := range selCur.Enclosing((*ast.FuncDecl)(nil)) {
		fn, _ = info.Defs[enc.Node().(*ast.FuncDecl).Name].(*types.Func)
	}
	if fn == nil || len(del.Args) != 2 {
		return false
	}
	for cur := range c.root.Preorder((*ast.CallExpr)(nil)) {
		if typeutil.Callee(info, cur.Node().(*ast.CallExpr)) == fn && c.deletesThroughHelper(cur, g.Origin()) {
			return true
		}
	}
	return false
}
