package growonly

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A goroutine that owns its state keeps it in local maps made before its
// run loop, and they live as long as the goroutine. When a client goes,
// the loop removes it from the maps it knows of; a map whose own removal
// runs only on the client's request keeps the key of every client that
// left without asking:
//
//	clients := make(map[chan struct{}]*client)
//	blocks := make(map[chan struct{}]*client)
//	tickets := make(map[chan struct{}]*client)
//	for {
//		select {
//		case n := <-queue:
//			switch n := n.(type) {
//			case *stopBlocks:
//				delete(blocks, n.quit)
//			case *stopTickets:
//				delete(tickets, n.quit)
//			case *unregister: // the client went
//				delete(blocks, n.quit)
//				delete(clients, n.quit)
//				// tickets keeps n.quit
//			...
//
// checkLoopMaps reports, among the local maps a run loop's function makes
// before the loop (used in the function only by index, delete, len and
// range), a map C when a case of the loop (or the function, outside any
// case) deletes one key from at least two other such maps of C's key type,
// not from C; C is inserted under that key (the same expression, or the
// same field of a value of the same type); C is deleted only by cases
// that delete from it alone; and one of the maps that case deletes from
// is, like C, also deleted from alone elsewhere: the two play the same
// part (a subscription the client may end itself), and the removal
// handles one and forgets the other. dcrd's notification manager kept
// the winning-ticket and stake-difficulty subscribers of every client
// that disconnected, https://github.com/decred/dcrd/pull/2027.

// loopMap is what a run loop's function does to one of its local maps.
type loopMap struct {
	obj     *types.Var
	inserts []ast.Expr // the keys inserted under
	first   token.Pos  // the first insert
	deletes []loopDelete
	escapes bool // used otherwise than by index, delete, len or range
}

// A loopDelete is one delete of a loop map: its key and the case (or the
// function) it runs in.
type loopDelete struct {
	scope ast.Node
	key   ast.Expr
}

func (c *checker) checkLoopMaps(inspect *inspector.Inspector) {
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.FuncDecl)(nil)) {
			fd := cur.Node().(*ast.FuncDecl)
			if fd.Body != nil {
				c.checkLoopMapsOf(fd)
			}
		}
	}
}

func (c *checker) checkLoopMapsOf(fd *ast.FuncDecl) {
	info := c.pass.TypesInfo
	maps := make(map[*types.Var]*loopMap)
	loop := -1
	for i, stmt := range fd.Body.List {
		if l, ok := stmt.(*ast.LabeledStmt); ok {
			stmt = l.Stmt
		}
		if astutil.IsRunLoop(info, stmt) {
			loop = i
			break
		}
		if v := madeLocalMap(info, stmt); v != nil {
			maps[v] = &loopMap{obj: v}
		}
	}
	if loop < 0 || len(maps) < 3 {
		return
	}
	// Every use of the maps, with the case each runs in: stack holds the
	// nodes around the one visited.
	var stack []ast.Node
	scopeOf := func() (scope ast.Node, inLit bool) {
		scope = fd
		for i := len(stack) - 1; i >= 0; i-- {
			switch stack[i].(type) {
			case *ast.FuncLit:
				inLit = true
			case *ast.CaseClause, *ast.CommClause:
				if scope == fd && !inLit {
					scope = stack[i]
				}
			}
		}
		return scope, inLit
	}
	handled := make(map[*ast.Ident]bool) // uses that are index, delete, len or range
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.IndexExpr:
			lm := maps[identVar(info, n.X)]
			if lm == nil {
				break
			}
			handled[ast.Unparen(n.X).(*ast.Ident)] = true
			parent := stack[len(stack)-2]
			if as, ok := parent.(*ast.AssignStmt); ok && slices.Contains(as.Lhs, ast.Expr(n)) {
				lm.inserts = append(lm.inserts, n.Index)
				if !lm.first.IsValid() {
					lm.first = n.Pos()
				}
			}
			if _, inLit := scopeOf(); inLit {
				lm.escapes = true
			}
		case *ast.CallExpr:
			b, ok := typeutil.Callee(info, n).(*types.Builtin)
			if !ok || len(n.Args) == 0 {
				break
			}
			lm := maps[identVar(info, n.Args[0])]
			if lm == nil {
				break
			}
			switch b.Name() {
			case "delete":
				handled[ast.Unparen(n.Args[0]).(*ast.Ident)] = true
				scope, inLit := scopeOf()
				lm.deletes = append(lm.deletes, loopDelete{scope, n.Args[1]})
				lm.escapes = lm.escapes || inLit
			case "len":
				handled[ast.Unparen(n.Args[0]).(*ast.Ident)] = true
			}
		case *ast.RangeStmt:
			if maps[identVar(info, n.X)] != nil {
				handled[ast.Unparen(n.X).(*ast.Ident)] = true
			}
		case *ast.Ident:
			if lm := maps[identVar(info, n)]; lm != nil && !handled[n] {
				lm.escapes = true
			}
		}
		return true
	})

	// cleanups: the maps each scope deletes one key (as written) from.
	type cleanup struct {
		scope ast.Node
		key   string
	}
	cleanups := make(map[cleanup][]*loopMap)
	var order []cleanup
	alone := make(map[*loopMap]bool) // deleted from, somewhere, alone
	for _, lm := range maps {
		for _, d := range lm.deletes {
			k := cleanup{d.scope, types.ExprString(d.key)}
			if len(cleanups[k]) == 0 {
				order = append(order, k)
			}
			if !slices.Contains(cleanups[k], lm) {
				cleanups[k] = append(cleanups[k], lm)
			}
		}
	}
	for _, lm := range maps {
		for _, d := range lm.deletes {
			if deletesOnly(maps, d.scope, lm) {
				alone[lm] = true
			}
		}
	}
	slices.SortFunc(order, func(a, b cleanup) int { return cmp.Compare(a.scope.Pos(), b.scope.Pos()) })
	reported := make(map[*loopMap]bool)
	for _, k := range order {
		deleted := cleanups[k]
		if len(deleted) < 2 || slices.ContainsFunc(deleted, func(lm *loopMap) bool { return lm.escapes }) {
			continue
		}
		keyType := mapKeyType(deleted[0].obj.Type())
		if slices.ContainsFunc(deleted, func(lm *loopMap) bool { return !types.Identical(mapKeyType(lm.obj.Type()), keyType) }) ||
			!slices.ContainsFunc(deleted, func(lm *loopMap) bool { return alone[lm] }) {
			continue
		}
		var key ast.Expr
		for _, d := range deleted[0].deletes {
			if d.scope == k.scope && types.ExprString(d.key) == k.key {
				key = d.key
			}
		}
		var names []string
		for _, lm := range deleted {
			names = append(names, lm.obj.Name())
		}
		slices.Sort(names)
		var forgotten []*loopMap
		for _, lm := range maps {
			if slices.Contains(deleted, lm) || lm.escapes || reported[lm] || !lm.first.IsValid() || len(lm.deletes) == 0 ||
				!types.Identical(mapKeyType(lm.obj.Type()), keyType) ||
				slices.ContainsFunc(lm.deletes, func(d loopDelete) bool { return !deletesOnly(maps, d.scope, lm) }) ||
				!slices.ContainsFunc(lm.inserts, func(e ast.Expr) bool { return sameKey(info, e, key) }) {
				continue
			}
			forgotten = append(forgotten, lm)
		}
		slices.SortFunc(forgotten, func(a, b *loopMap) int { return cmp.Compare(a.first, b.first) })
		for _, lm := range forgotten {
			reported[lm] = true
			removal := c.pass.Fset.Position(k.scope.Pos()).Line
			c.pass.Reportf(lm.first, "map %[1]s of %[2]s's loop keeps the keys the removal at line %[3]d forgets: it deletes %[4]s from %[5]s but not from %[1]s, which only line %[6]d deletes from, a removal of %[1]s alone (delete from %[1]s at line %[3]d too)",
				lm.obj.Name(), fd.Name.Name, removal, k.key, strings.Join(names, " and "), c.pass.Fset.Position(lm.deletes[0].scope.Pos()).Line)
		}
	}
}

// madeLocalMap returns the local variable stmt defines as a new built-in
// map (`m := make(map[K]V)`, `var m = map[K]V{}`), or nil.
func madeLocalMap(info *types.Info, stmt ast.Stmt) *types.Var {
	lhs, value, decl, ok := astutil.OneAssign(stmt)
	if !ok || !decl {
		return nil
	}
	id, _ := lhs.(*ast.Ident)
	if id == nil || mapKind(info.TypeOf(value)) != builtinMapKind {
		return nil
	}
	switch v := ast.Unparen(value).(type) {
	case *ast.CallExpr:
		if b, ok := typeutil.Callee(info, v).(*types.Builtin); !ok || b.Name() != "make" {
			return nil
		}
	case *ast.CompositeLit:
	default:
		return nil
	}
	obj, _ := info.Defs[id].(*types.Var)
	return obj
}

func identVar(info *types.Info, e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := info.Uses[id].(*types.Var)
	return v
}

// deletesOnly reports whether scope deletes from lm and from no other of
// maps.
func deletesOnly(maps map[*types.Var]*loopMap, scope ast.Node, lm *loopMap) bool {
	for _, other := range maps {
		if other != lm && slices.ContainsFunc(other.deletes, func(d loopDelete) bool { return d.scope == scope }) {
			return false
		}
	}
	return true
}

// sameKey reports whether an inserted key a names what the deleted key b
// names: the same expression, or the same field selected on values of the
// same type (wsc.quit and (*wsClient)(n).quit).
func sameKey(info *types.Info, a, b ast.Expr) bool {
	if b == nil {
		return false
	}
	if types.ExprString(a) == types.ExprString(b) {
		return true
	}
	sa, ok1 := ast.Unparen(a).(*ast.SelectorExpr)
	sb, ok2 := ast.Unparen(b).(*ast.SelectorExpr)
	if !ok1 || !ok2 {
		return false
	}
	fa, fb := info.Uses[sa.Sel], info.Uses[sb.Sel]
	ta, tb := info.TypeOf(sa.X), info.TypeOf(sb.X)
	return fa != nil && fa == fb && ta != nil && tb != nil && types.Identical(ta, tb)
}
