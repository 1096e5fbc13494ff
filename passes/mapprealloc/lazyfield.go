package mapprealloc

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A map field made lazily, right before a loop of known length fills it:
//
//	if o.attachments == nil {
//		o.attachments = make(map[any]any)
//	}
//	for k, v := range data {
//		o.attachments[k] = v
//	}
//
// When the field was nil, the loop's length is the map's final size, and
// make(map[any]any, len(data)) makes it once. checkLazyFieldFill reports
// the make on the terms of the local-variable rule: an if whose condition
// is `x.f == nil` and whose body is only `x.f = make(M)` (or M{}),
// followed in the same block, with nothing between mentioning the field,
// by a loop of known length whose body inserts into x.f (the same
// expression) exactly once, unconditionally, at a key likely new in
// every iteration, and uses the field nowhere else. A map that was not
// nil keeps its own size, which the hint does not touch.
//
// A field the package also deletes from or clears is left alone: it is
// a live set (subscribed channels, removed peers) made once per owner
// and changed for its whole life, so the fill after the make is one
// change among many, and the hint sizes it for that batch only. Found
// on go-redis's PubSub and nats-server's raft peers, see
// docs/lint-results.md.

func checkLazyFieldFill(pass *analysis.Pass, q *quietCode, stmt ast.Stmt, rest []ast.Stmt) {
	info := pass.TypesInfo
	ifs, ok := stmt.(*ast.IfStmt)
	if !ok || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) != 1 {
		return
	}
	cond, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr)
	if !ok || cond.Op != token.EQL {
		return
	}
	target := cond.X
	if !astutil.IsNil(info, cond.Y) {
		target = cond.Y
		if !astutil.IsNil(info, cond.X) {
			return
		}
	}
	sel, ok := ast.Unparen(target).(*ast.SelectorExpr)
	if !ok {
		return
	}
	field, ok := info.ObjectOf(sel.Sel).(*types.Var)
	if !ok || !field.IsField() || coreMap(field.Type()) == nil {
		return
	}
	as, ok := ifs.Body.List[0].(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 ||
		types.ExprString(as.Lhs[0]) != types.ExprString(sel) || !isUnsizedMap(pass, as.Rhs[0]) {
		return
	}
	text := types.ExprString(sel)
	for i, next := range rest {
		if !mentions(pass, next, field) {
			continue
		}
		loop, ok := knownLengthLoop(pass, next)
		if !ok || len(loop.count.Vars) == 0 || leavesEarly(pass, loop.body, field, false) {
			return
		}
		var key ast.Expr
		for _, s := range loop.body.List {
			if !mentions(pass, s, field) {
				continue
			}
			ins, ok := s.(*ast.AssignStmt)
			if !ok || key != nil || ins.Tok != token.ASSIGN || len(ins.Lhs) != 1 || len(ins.Rhs) != 1 {
				return
			}
			ix, ok := ins.Lhs[0].(*ast.IndexExpr)
			if !ok || types.ExprString(ix.X) != text || mentions(pass, ix.Index, field) || mentions(pass, ins.Rhs[0], field) {
				return
			}
			key = ix.Index
		}
		if key == nil || !keyVariesPerIteration(pass, key, loop.count.Vars, isSet(field.Type())) || shrunk(pass, field) {
			return
		}
		// The map's root must not change between the make and the loop.
		for _, between := range rest[:i] {
			if root := syntax.FieldRoot(sel.X); root == nil || assignsAny(pass, between, []types.Object{info.ObjectOf(root)}) {
				return
			}
		}
		if !q.silent(stmt, loop.stmt) {
			made := madeMapStmt{stmt: as, obj: field, init: ast.Unparen(as.Rhs[0]), field: field}
			report(pass, made, loop, append([]ast.Stmt{}, rest[:i]...))
		}
		return
	}
}

// shrunk reports whether the package deletes from or clears field.
func shrunk(pass *analysis.Pass, field *types.Var) bool {
	found := false
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || found || len(call.Args) == 0 {
				return !found
			}
			fn, ok := ast.Unparen(call.Fun).(*ast.Ident)
			if !ok {
				return true
			}
			if b, ok := pass.TypesInfo.Uses[fn].(*types.Builtin); ok && (b.Name() == "delete" || b.Name() == "clear") {
				if sel, ok := ast.Unparen(call.Args[0]).(*ast.SelectorExpr); ok && pass.TypesInfo.ObjectOf(sel.Sel) == field {
					found = true
				}
			}
			return !found
		})
	}
	return found
}
