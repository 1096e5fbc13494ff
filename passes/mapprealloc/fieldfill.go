package mapprealloc

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A map made for a field of a new struct value and filled, right after,
// through a one-line method of the package:
//
//	as := &accountSet{accounts: make(map[Address]struct{})}
//	for _, addr := range addrs {
//		as.add(addr) // func (as *accountSet) add(a Address) { as.accounts[a] = struct{}{} }
//	}
//
// is the same fill as an insert written in the loop, with the method's
// argument as the key.

// madeInStruct returns the unsized maps that stmt makes for the fields of
// a new struct value assigned to a local variable: `x := &T{f: make(...)}`,
// `x := T{f: map[K]V{}}` or `var x = ...`.
func madeInStruct(pass *analysis.Pass, stmt ast.Stmt) []madeMapStmt {
	lhs, rhs, decl, ok := astutil.OneAssign(stmt)
	if !ok || !decl {
		return nil
	}
	id, ok := lhs.(*ast.Ident)
	if !ok {
		return nil
	}
	obj, ok := pass.TypesInfo.Defs[id].(*types.Var)
	if !ok {
		return nil
	}
	rhs = ast.Unparen(rhs)
	if u, ok := rhs.(*ast.UnaryExpr); ok && u.Op == token.AND {
		rhs = ast.Unparen(u.X)
	}
	lit, ok := rhs.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var made []madeMapStmt
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		f, ok := pass.TypesInfo.ObjectOf(key).(*types.Var)
		if ok && f.IsField() && isUnsizedMap(pass, kv.Value) {
			made = append(made, madeMapStmt{stmt: stmt, obj: obj, init: ast.Unparen(kv.Value), field: f})
		}
	}
	return made
}

// checkFieldFill reports a map made for made.field when the first
// statement after it that uses the struct is a loop of known length whose
// only use of the struct is one call of an inserting method (see
// inserter) with a key that varies per iteration.
func checkFieldFill(pass *analysis.Pass, q *quietCode, made madeMapStmt, rest []ast.Stmt) {
	for i, stmt := range rest {
		if !mentions(pass, stmt, made.obj) {
			continue
		}
		loop, ok := knownLengthLoop(pass, stmt)
		if !ok || len(loop.count.Vars) == 0 || leavesEarly(pass, loop.body, made.obj, false) {
			return
		}
		var key ast.Expr
		for _, s := range loop.body.List {
			if !mentions(pass, s, made.obj) {
				continue
			}
			es, ok := s.(*ast.ExprStmt)
			if !ok || key != nil {
				return
			}
			call, ok := es.X.(*ast.CallExpr)
			if !ok {
				return
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok || !isIdentOf(pass, sel.X, made.obj) {
				return
			}
			for _, arg := range call.Args {
				if mentions(pass, arg, made.obj) {
					return
				}
			}
			fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
			if !ok {
				return
			}
			idx, ok := inserter(pass, fn, made.field)
			if !ok || idx >= len(call.Args) {
				return
			}
			key = call.Args[idx]
		}
		if key == nil || !keyVariesPerIteration(pass, key, loop.count.Vars, isSet(made.field.Type())) {
			return
		}
		if !q.silent(made.stmt, loop.stmt) {
			report(pass, made, loop, rest[:i])
		}
		return
	}
}

// inserter reports whether fn is a method of this package whose body is
// the single statement `recv.field[p] = v`, with p its idx-th parameter
// and v not reading the map, and returns idx.
func inserter(pass *analysis.Pass, fn *types.Func, field *types.Var) (int, bool) {
	if fn.Pkg() != pass.Pkg || fn.Signature().Recv() == nil {
		return 0, false
	}
	decl := astutil.FuncDecl(pass, fn)
	if decl == nil || decl.Body == nil || len(decl.Body.List) != 1 || len(decl.Recv.List) != 1 || len(decl.Recv.List[0].Names) != 1 {
		return 0, false
	}
	recv, _ := pass.TypesInfo.Defs[decl.Recv.List[0].Names[0]].(*types.Var)
	as, ok := decl.Body.List[0].(*ast.AssignStmt)
	if !ok || recv == nil || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return 0, false
	}
	ix, ok := as.Lhs[0].(*ast.IndexExpr)
	if !ok {
		return 0, false
	}
	sel, ok := ast.Unparen(ix.X).(*ast.SelectorExpr)
	if !ok || !isIdentOf(pass, sel.X, recv) || pass.TypesInfo.ObjectOf(sel.Sel) != field || mentions(pass, as.Rhs[0], field) {
		return 0, false
	}
	params := fn.Signature().Params()
	for i := range params.Len() {
		if isIdentOf(pass, unconvert(pass, ix.Index), params.At(i)) {
			return i, true
		}
	}
	return 0, false
}
