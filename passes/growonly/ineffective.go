package growonly

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A delete counts only where it can remove what the insertions add. The
// main rule lets any delete of a map silence it; checkIneffectiveDeletes
// looks again at the tracked maps whose only releases are deletes (no
// clear, replacement, bound or escape) and reports the map when every
// delete is one that statically cannot reach some of the inserted keys:
//
//   - guarded cleanup: the key is a field of a value of an unexported
//     struct type T of the package (a cleanup item received by a
//     writer's loop), made only by composite literals (no new(T), no
//     variable of type T), every one of which follows a successful
//     comma-ok lookup of the key in another map (`if !ok { return }`
//     before it, or inside `if ok`). A key the other map lost first never
//     gets its T, and stays here (grpc's loopy writer);
//   - recomputed keys: the map is inserted into only under the keys a
//     function F of the package returns for the inserted value (`for _,
//     id := range F(p) { m[id] = p }`) and deleted from only under the
//     keys F returns for a value the deleting function receives, where F
//     appends some keys only under a condition: a key the inserted value
//     had and the received one lacks (a tombstone without an IP) is never
//     deleted. Recording the keys at insertion, or recomputing them from
//     the stored value, is the fix;
//   - another component's listing: the delete's key is an element of the
//     slice a method of an interface-typed field returns (`for _, name :=
//     range p.dsw.PodsWithVolumes()`), directly or through a function all
//     of whose callers pass such an element: a key that component no
//     longer lists is never visited. Ranging over the map itself and
//     asking the other component is the fix. A list of what to remove
//     (an Expired()) looks the same and would be misjudged.
//
// The insertion reported is the map's first one that can make it grow
// without bound, by the main rule's exemptions (start-up, configuration
// code, dead code, a limit, a constant key or a key type of few values),
// except those for a caller's key, a memo cache and a function named
// register: a package that deletes from the map itself treats its keys
// as transient, not as the caller's bounded set of names or a registry
// of the program's declarations.

// mapUses are the uses of one tracked map, for checkIneffectiveDeletes.
type mapUses struct {
	deletes []inspector.Cursor // the delete calls
	inserts []inspector.Cursor // the m[k] index expressions assigned to
	other   bool               // a use that may shrink, replace or hand the map on
}

func (c *checker) checkIneffectiveDeletes(inspect *inspector.Inspector) {
	cands := make(map[*types.Var]*mapUses)
	for v, t := range c.tracked {
		if t.released && !t.syncMap && !c.siblingReported[v] {
			cands[v] = &mapUses{}
		}
	}
	if len(cands) == 0 {
		return
	}
	info := c.pass.TypesInfo
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.Ident)(nil)) {
			v, ok := info.Uses[cur.Node().(*ast.Ident)].(*types.Var)
			if !ok {
				continue
			}
			u := cands[v.Origin()]
			if u == nil {
				continue
			}
			exprCur := cur
			if k := cur.ParentEdgeKind(); k == edge.SelectorExpr_Sel {
				exprCur = cur.Parent()
			} else if c.tracked[v.Origin()].field && k != edge.KeyValueExpr_Key {
				continue
			}
			c.classifyForDeletes(c.tracked[v.Origin()], u, exprCur)
		}
	}
	var lits map[*types.TypeName][]inspector.Cursor
	for v, u := range cands {
		if u.other || len(u.deletes) == 0 {
			continue
		}
		t := c.tracked[v]
		first := c.firstCounted(u.inserts)
		if !first.IsValid() {
			continue
		}
		msg := ""
		for _, del := range u.deletes {
			why := c.guardedCleanup(v, del, &lits, inspect)
			if why == "" {
				why = c.recomputedKeys(del, u.inserts)
			}
			if why == "" {
				why = c.listedElsewhere(del)
			}
			if why == "" {
				why = c.zeroCountDelete(del, u.inserts)
			}
			if why == "" {
				why = c.flagSkippedDelete(del)
			}
			if why == "" {
				msg = ""
				break
			}
			if msg == "" {
				msg = why
			}
		}
		if msg == "" {
			msg = c.lazyExpiry(v, u)
		}
		if msg == "" {
			continue
		}
		what := "map"
		if t.field {
			what += " field"
		}
		c.pass.Reportf(first, "%s %s %s", what, t.name, msg)
		if c.siblingReported == nil {
			c.siblingReported = make(map[*types.Var]bool)
		}
		c.siblingReported[v] = true
	}
}

// classifyForDeletes sorts one use of a tracked map as classify does, but
// keeps the deletes and insertions apart from every other release.
func (c *checker) classifyForDeletes(t *tracked, u *mapUses, exprCur inspector.Cursor) {
	info := c.pass.TypesInfo
	cur := astutil.UnparenUp(exprCur)
	parent := cur.Parent()
	kind, idx := cur.ParentEdge()
	switch kind {
	case edge.IndexExpr_X:
		switch astutil.UnparenUp(parent).ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
			u.inserts = append(u.inserts, parent)
		}
		return
	case edge.RangeStmt_X:
		return
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		bin := parent.Node().(*ast.BinaryExpr)
		if (bin.Op == token.EQL || bin.Op == token.NEQ) && (astutil.IsNil(info, bin.X) || astutil.IsNil(info, bin.Y)) {
			return
		}
	case edge.CallExpr_Args:
		call := parent.Node().(*ast.CallExpr)
		if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "delete" && idx == 0 && len(call.Args) == 2 {
			u.deletes = append(u.deletes, parent)
			return
		}
		switch c.calleeEffect(call, idx) {
		case effectNone, effectInsert:
			return
		case effectLen:
			if !comparedToLimit(info, parent) {
				return
			}
		}
	case edge.SelectorExpr_X:
		if eff, ok := c.methodEffect(parent); ok && eff != effectRelease {
			return
		}
	case edge.AssignStmt_Lhs:
		as := parent.Node().(*ast.AssignStmt)
		if len(as.Lhs) == len(as.Rhs) && c.isNewMap(as.Rhs[idx]) && c.isCreation(t, exprCur) {
			return
		}
	case edge.KeyValueExpr_Key:
		kv := parent.Node().(*ast.KeyValueExpr)
		if c.isNewMap(kv.Value) || astutil.IsNil(info, kv.Value) {
			return
		}
	}
	u.other = true
}

// guardedCleanup judges a delete keyed by a field of a value of a struct
// type of the package, every composite literal of which follows a
// successful lookup in another map; it returns the reason, or "".
func (c *checker) guardedCleanup(m *types.Var, delCur inspector.Cursor, lits *map[*types.TypeName][]inspector.Cursor, inspect *inspector.Inspector) string {
	info := c.pass.TypesInfo
	del := delCur.Node().(*ast.CallExpr)
	sel, ok := ast.Unparen(del.Args[1]).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	x, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return ""
	}
	named, ok := types.Unalias(derefType(info.TypeOf(x))).(*types.Named)
	if !ok || named.Obj().Pkg() != c.pass.Pkg {
		return ""
	}
	if _, ok := named.Underlying().(*types.Struct); !ok || named.Obj().Exported() || c.madeOtherwise(named.Obj()) {
		return "" // importers, new(T) or a zero value may make T unguarded
	}
	if *lits == nil {
		*lits = make(map[*types.TypeName][]inspector.Cursor)
		for fileCur := range inspect.Root().Children() {
			if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
				continue
			}
			for cur := range fileCur.Preorder((*ast.CompositeLit)(nil)) {
				if n, ok := types.Unalias(info.TypeOf(cur.Node().(ast.Expr))).(*types.Named); ok && n.Obj().Pkg() == c.pass.Pkg {
					(*lits)[n.Obj()] = append((*lits)[n.Obj()], cur)
				}
			}
		}
	}
	made := (*lits)[named.Obj()]
	if len(made) == 0 {
		return ""
	}
	other := ""
	for _, lit := range made {
		b := c.lookupGuard(lit, m)
		if b == "" {
			return ""
		}
		other = b
	}
	return fmt.Sprintf("is deleted from only by %s values, made only when a lookup in %s succeeds: a key %s lost first is never removed, and its entry is left behind",
		types.TypeString(info.TypeOf(x), types.RelativeTo(c.pass.Pkg)), other, other)
}

// lookupGuard returns the name of the map (other than m) whose comma-ok
// lookup must succeed for the code at cur to run: cur is inside `if ok`,
// or follows `if !ok { ...; return }`, in its function. It returns "" if
// there is no such guard.
func (c *checker) lookupGuard(cur inspector.Cursor, m *types.Var) string {
	_, body := astutil.InnermostFunc(cur)
	if body == nil {
		return ""
	}
	pos := cur.Node().Pos()
	for a := range cur.Enclosing() {
		switch n := a.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return ""
		case *ast.IfStmt:
			if n.Body.Pos() <= pos && pos < n.Body.End() {
				for _, conj := range conjuncts(n.Cond) {
					if id, ok := conj.(*ast.Ident); ok {
						if b := c.okOfLookup(body, id, m); b != "" {
							return b
						}
					}
				}
			}
		case *ast.BlockStmt:
			for _, st := range n.List {
				if st.End() > pos {
					break
				}
				ifs, ok := st.(*ast.IfStmt)
				if !ok || ifs.Else != nil || len(ifs.Body.List) == 0 || !terminates(ifs.Body.List[len(ifs.Body.List)-1]) {
					continue
				}
				not, ok := ast.Unparen(ifs.Cond).(*ast.UnaryExpr)
				if !ok || not.Op != token.NOT {
					continue
				}
				if id, ok := ast.Unparen(not.X).(*ast.Ident); ok {
					if b := c.okOfLookup(body, id, m); b != "" {
						return b
					}
				}
			}
		}
	}
	return ""
}

// okOfLookup returns the map written in `_, ok := b[k]` (or `v, ok =
// b[k]`) when id is that ok and b is a map other than m, or "".
func (c *checker) okOfLookup(body *ast.BlockStmt, id *ast.Ident, m *types.Var) string {
	info := c.pass.TypesInfo
	obj := info.Uses[id]
	if obj == nil {
		return ""
	}
	found := ""
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found != "" || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return found == ""
		}
		lhs, ok := as.Lhs[1].(*ast.Ident)
		if !ok || info.ObjectOf(lhs) != obj {
			return true
		}
		ix, ok := ast.Unparen(as.Rhs[0]).(*ast.IndexExpr)
		if !ok || mapKind(info.TypeOf(ix.X)) != builtinMapKind {
			return true
		}
		var bv types.Object
		switch x := ast.Unparen(ix.X).(type) {
		case *ast.Ident:
			bv = info.Uses[x]
		case *ast.SelectorExpr:
			bv = info.Uses[x.Sel]
		}
		if v, ok := bv.(*types.Var); ok && v.Origin() != m {
			found = types.ExprString(ast.Unparen(ix.X))
		}
		return true
	})
	return found
}

func conjuncts(e ast.Expr) []ast.Expr {
	e = ast.Unparen(e)
	if bin, ok := e.(*ast.BinaryExpr); ok && bin.Op == token.LAND {
		return append(conjuncts(bin.X), conjuncts(bin.Y)...)
	}
	return []ast.Expr{e}
}

// recomputedKeys judges a delete `for _, id := range F(x) { ... delete(m,
// id) }` where x is a parameter of the deleting function, every
// insertion of m is keyed by an element of F's result too, and F appends
// a key under a condition; it returns the reason, or "".
func (c *checker) recomputedKeys(delCur inspector.Cursor, inserts []inspector.Cursor) string {
	info := c.pass.TypesInfo
	del := delCur.Node().(*ast.CallExpr)
	f, arg := rangeCallOf(info, delCur, del.Args[1])
	if f == nil || len(inserts) == 0 {
		return ""
	}
	root, ok := ast.Unparen(arg).(*ast.Ident)
	if !ok || !isParamOf(info, delCur, info.Uses[root]) {
		return ""
	}
	for _, ins := range inserts {
		if g, _ := rangeCallOf(info, ins, ins.Node().(*ast.IndexExpr).Index); g != f {
			return ""
		}
	}
	decl := astutil.FuncDecl(c.pass, f)
	if decl == nil || !appendsUnderCondition(info, decl.Body) {
		return ""
	}
	return fmt.Sprintf("is deleted from only under the keys %s recomputes from the value the delete receives, and %s adds some keys only under a condition: a key the inserted value had and that value lacks is never removed", f.Name(), f.Name())
}

// rangeCallOf returns F and its one argument when key is the value
// variable of an enclosing `range F(arg)` over a function of the package.
func rangeCallOf(info *types.Info, cur inspector.Cursor, key ast.Expr) (*types.Func, ast.Expr) {
	id, ok := ast.Unparen(key).(*ast.Ident)
	if !ok {
		return nil, nil
	}
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			return nil, nil
		}
		v, ok := rs.Value.(*ast.Ident)
		if !ok || info.Defs[v] == nil || info.Defs[v] != info.Uses[id] {
			continue
		}
		call, ok := ast.Unparen(rs.X).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return nil, nil
		}
		f, _ := typeutil.Callee(info, call).(*types.Func)
		return f, call.Args[0]
	}
	return nil, nil
}

// isParamOf reports whether obj is a parameter of the function around cur.
func isParamOf(info *types.Info, cur inspector.Cursor, obj types.Object) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		ft, _ := astutil.FuncParts(enc.Node())
		for _, field := range ft.Params.List {
			for _, name := range field.Names {
				if info.Defs[name] == obj {
					return true
				}
			}
		}
		return false
	}
	return false
}

// appendsUnderCondition reports whether body appends inside an if.
func appendsUnderCondition(info *types.Info, body *ast.BlockStmt) bool {
	if body == nil {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		ifs, ok := n.(*ast.IfStmt)
		if !ok || found {
			return !found
		}
		ast.Inspect(ifs.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "append" {
					found = true
				}
			}
			return !found
		})
		return !found
	})
	return found
}

// listedElsewhere judges a delete whose key is an element of another
// component's listing (a method of an interface-typed field), directly or
// through a function whose every call passes such an element; it returns
// the reason, or "".
func (c *checker) listedElsewhere(delCur inspector.Cursor) string {
	info := c.pass.TypesInfo
	del := delCur.Node().(*ast.CallExpr)
	if l := listingOf(info, delCur, del.Args[1]); l != "" {
		return c.listedMsg(l)
	}
	id, ok := ast.Unparen(del.Args[1]).(*ast.Ident)
	if !ok || !isParamOf(info, delCur, info.Uses[id]) {
		return ""
	}
	var fn *types.Func
	var ft *ast.FuncType
	for enc := range delCur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if fd, ok := enc.Node().(*ast.FuncDecl); ok {
			fn, _ = info.Defs[fd.Name].(*types.Func)
			ft = fd.Type
		}
		break
	}
	if fn == nil {
		return ""
	}
	index := -1
	i := 0
	for _, field := range ft.Params.List {
		for _, name := range field.Names {
			if info.Defs[name] == info.Uses[id] {
				index = i
			}
			i++
		}
	}
	if index < 0 {
		return ""
	}
	listing := ""
	calls := 0
	for _, file := range c.pass.Files {
		bad := false
		ast.Inspect(file, func(n ast.Node) bool {
			if bad {
				return false
			}
			switch n := n.(type) {
			case *ast.CallExpr:
				if typeutil.Callee(info, n) == fn {
					calls++
					l := ""
					if index < len(n.Args) {
						l = c.listingAt(n, n.Args[index])
					}
					if l == "" {
						bad = true
					}
					listing = l
				}
			case *ast.Ident:
				// The function used as a value: callers unknown.
				if info.Uses[n] == fn {
					if _, isCall := c.callOf(file, n); !isCall {
						bad = true
					}
				}
			}
			return true
		})
		if bad {
			return ""
		}
	}
	if calls == 0 || listing == "" {
		return ""
	}
	return c.listedMsg(listing)
}

func (c *checker) listedMsg(listing string) string {
	return fmt.Sprintf("is deleted from only for the keys %s lists, and no delete ranges over the map itself: a key no longer listed there is never removed", listing)
}

// listingAt finds the cursor of arg in its file and returns listingOf.
func (c *checker) listingAt(call *ast.CallExpr, arg ast.Expr) string {
	for _, file := range c.pass.Files {
		if file.Pos() <= call.Pos() && call.End() <= file.End() {
			insp := inspector.New([]*ast.File{file})
			for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
				if cur.Node() == call {
					return listingOf(c.pass.TypesInfo, cur, arg)
				}
			}
		}
	}
	return ""
}

// listingOf returns the listing call, as written, when key is the value
// variable of an enclosing `range x.f.M(...)` where x.f has an interface
// type: another component's list of what it still holds.
func listingOf(info *types.Info, cur inspector.Cursor, key ast.Expr) string {
	id, ok := ast.Unparen(key).(*ast.Ident)
	if !ok {
		return ""
	}
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			return ""
		}
		v, ok := rs.Value.(*ast.Ident)
		if !ok || info.Defs[v] == nil || info.Defs[v] != info.Uses[id] {
			continue
		}
		call, ok := ast.Unparen(rs.X).(*ast.CallExpr)
		if !ok {
			return ""
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		field, ok := ast.Unparen(sel.X).(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		if fv, ok := info.Uses[field.Sel].(*types.Var); !ok || !fv.IsField() || !types.IsInterface(fv.Type()) {
			return ""
		}
		if _, ok := info.TypeOf(call).Underlying().(*types.Slice); !ok {
			return ""
		}
		return types.ExprString(call)
	}
	return ""
}

// callOf reports whether id is the function of a call expression in file.
func (c *checker) callOf(file *ast.File, id *ast.Ident) (*ast.CallExpr, bool) {
	var found *ast.CallExpr
	ast.Inspect(file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			fun := ast.Unparen(call.Fun)
			if sel, ok := fun.(*ast.SelectorExpr); ok {
				fun = sel.Sel
			}
			if fun == id {
				found = call
			}
		}
		return found == nil
	})
	return found, found != nil
}

func derefType(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// madeOtherwise reports whether the package makes a value of tn other
// than by a composite literal: new(T), or a variable declared of type T
// (a zero value, or one a decoder fills).
func (c *checker) madeOtherwise(tn *types.TypeName) bool {
	info := c.pass.TypesInfo
	for _, file := range c.pass.Files {
		found := false
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if b, ok := typeutil.Callee(info, n).(*types.Builtin); ok && b.Name() == "new" && len(n.Args) == 1 {
					if named, ok := types.Unalias(info.TypeOf(n.Args[0])).(*types.Named); ok && named.Obj() == tn {
						found = true
					}
				}
			case *ast.ValueSpec:
				if n.Type != nil {
					if named, ok := types.Unalias(info.TypeOf(n.Type)).(*types.Named); ok && named.Obj() == tn {
						found = true
					}
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// firstCounted returns the position of the first insertion, in source
// order, that insert's exemptions other than the caller's key and the
// memo cache leave counted, or token.NoPos.
func (c *checker) firstCounted(inserts []inspector.Cursor) token.Pos {
	info := c.pass.TypesInfo
	first := token.NoPos
	for _, ins := range inserts {
		ix := ins.Node().(*ast.IndexExpr)
		exprCur := ins.ChildAt(edge.IndexExpr_X, -1)
		if atInitTime(exprCur) || c.runsOnce(exprCur) || c.inLazyFill(exprCur) || c.inConfig(exprCur) && !c.withRequest(ix.Index) ||
			c.inDeadCode(exprCur) || c.guardedByLimit(exprCur) || c.boundedKey(mapKeyType(info.TypeOf(ix.X)), 0) {
			continue
		}
		if tv, ok := info.Types[ix.Index]; ok && tv.Value != nil {
			continue
		}
		if pos := exprCur.Node().Pos(); !first.IsValid() || pos < first {
			first = pos
		}
	}
	return first
}
