package mapprealloc

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Decoders. A wire format that writes a map as its entry count followed by
// the entries (msgpack, CQL collections, RESP, length-prefixed binary
// sections) is read by a counted loop that decodes one key and one value
// per iteration:
//
//	n := readCount(r)
//	m := make(map[K]V)
//	for i := 0; i < n; i++ {
//		k, err := readKey(r)
//		if err != nil {
//			return nil, err
//		}
//		m[k] = readValue(r)
//	}
//
// The key is not built from the loop variable, yet it is new in every
// iteration: a serialized map holds each key once, and the count says how
// many there are. Such a loop runs for every message decoded, not once per
// configuration load, so its error returns (a truncated message) do not
// make it the run-once parsing that leavesEarly keeps out elsewhere.
// Upstream fixes of this shape: gocql's map unmarshalling, mus-go's map
// serializers, zapx's vector section (internal/lintcmd/testdata/recall).

// countedLoop reports whether loop counts rather than ranges over a
// collection: for i := 0; i < n; i++, or a range over an integer.
func countedLoop(pass *analysis.Pass, loop ast.Stmt) bool {
	switch l := loop.(type) {
	case *ast.ForStmt:
		return true
	case *ast.RangeStmt:
		t := pass.TypesInfo.TypeOf(l.X)
		if t == nil {
			return false
		}
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Info()&types.IsInteger != 0
	}
	return false
}

// decodedKey reports whether key is a local variable that every iteration
// of body decodes afresh, independently of the loop counter vars: each of
// its assignments in body is from a call that does not read vars
// (`k, used, err := s.keys.Unmarshal(bs[n:])`, `key := reflect.New(t)`),
// or it is declared in body without a value and filled through its address
// by a call (`var k string; dec.Decode(&k)`).
func decodedKey(pass *analysis.Pass, body *ast.BlockStmt, key ast.Expr, vars []types.Object) bool {
	id, ok := reflectOperand(pass, unconvert(pass, key)).(*ast.Ident)
	if !ok {
		return false
	}
	obj, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || obj.IsField() || obj.Parent() == obj.Pkg().Scope() {
		return false
	}
	declaredInBody := body.Pos() <= obj.Pos() && obj.Pos() < body.End()
	assigned, fromCalls, filled := false, true, false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if !isIdentOf(pass, lhs, obj) {
					continue
				}
				assigned = true
				rhs := n.Rhs[0]
				if len(n.Rhs) == len(n.Lhs) {
					rhs = n.Rhs[i]
				}
				if !decodingCall(pass, rhs) && !readAtCursor(pass, body, rhs) || usesAny(pass, rhs, vars) {
					fromCalls = false
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && isIdentOf(pass, n.X, obj) {
				filled = true
			}
		}
		return true
	})
	if assigned {
		return fromCalls
	}
	return declaredInBody && filled
}

// readAtCursor reports whether e reads the input at a cursor the loop
// advances: a slice or index expression (or a conversion of one, as
// string(buf[off:off+n])) whose bounds read a variable declared before
// the loop that its body assigns (off += n).
func readAtCursor(pass *analysis.Pass, body *ast.BlockStmt, e ast.Expr) bool {
	var bounds []ast.Expr
	switch e := unconvert(pass, e).(type) {
	case *ast.SliceExpr:
		bounds = []ast.Expr{e.Low, e.High, e.Max}
	case *ast.IndexExpr:
		bounds = []ast.Expr{e.Index}
	default:
		return false
	}
	var cursors []types.Object
	for _, b := range bounds {
		if b == nil {
			continue
		}
		for _, obj := range rootObjects(pass, b) {
			if obj.Pos() < body.Pos() {
				cursors = append(cursors, obj)
			}
		}
	}
	return assignsAny(pass, body, cursors)
}

// decodingCall reports whether e calls a function or method, rather than
// converting a value or calling a builtin other than new.
func decodingCall(pass *analysis.Pass, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	if tv, ok := pass.TypesInfo.Types[call.Fun]; ok && tv.IsType() {
		return false
	}
	if b, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Builtin); ok {
		return b.Name() == "new"
	}
	return true
}

// reflectOperand strips what turns a value into the reflect.Value a
// reflect map is indexed by: key.Elem() of key := reflect.New(t), and
// reflect.ValueOf(k).
func reflectOperand(pass *analysis.Pass, e ast.Expr) ast.Expr {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return e
	}
	fn := reflectCallee(pass, call)
	if fn == nil {
		return e
	}
	switch sel := ast.Unparen(call.Fun).(*ast.SelectorExpr); {
	case fn.Name() == "Elem" && len(call.Args) == 0 && isReflectValue(pass.TypesInfo.TypeOf(sel.X)):
		return ast.Unparen(sel.X)
	case fn.Name() == "ValueOf" && len(call.Args) == 1:
		return ast.Unparen(call.Args[0])
	}
	return e
}

// madeReflectMap recognises a map made through reflection without a size
// hint: `m := reflect.MakeMap(t)` (or = or var) and `rv.Set(reflect.MakeMap(t))`
// for a local reflect.Value m or rv, filled by m.SetMapIndex(k, v).
// reflect.MakeMapWithSize(t, n) is the hint.
func madeReflectMap(pass *analysis.Pass, stmt ast.Stmt) (madeMapStmt, bool) {
	if ifs, ok := stmt.(*ast.IfStmt); ok {
		return lazyReflectMap(pass, ifs)
	}
	target, init, _, ok := astutil.OneAssign(stmt)
	if es, isExpr := stmt.(*ast.ExprStmt); isExpr {
		set, isCall := ast.Unparen(es.X).(*ast.CallExpr)
		if !isCall || len(set.Args) != 1 || !isReflectMethod(pass, set, "Set") {
			return madeMapStmt{}, false
		}
		target, init, ok = ast.Unparen(set.Fun).(*ast.SelectorExpr).X, set.Args[0], true
	}
	if !ok {
		return madeMapStmt{}, false
	}
	call, ok := ast.Unparen(init).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return madeMapStmt{}, false
	}
	if fn := reflectCallee(pass, call); fn == nil || fn.Name() != "MakeMap" {
		return madeMapStmt{}, false
	}
	id, ok := ast.Unparen(target).(*ast.Ident)
	if !ok {
		return madeMapStmt{}, false
	}
	obj, ok := pass.TypesInfo.ObjectOf(id).(*types.Var)
	if !ok || obj.IsField() || obj.Pkg() == nil || obj.Parent() == obj.Pkg().Scope() || obj.Parent() == nil || !isReflectValue(obj.Type()) {
		return madeMapStmt{}, false
	}
	return madeMapStmt{stmt: stmt, obj: obj, init: call, reflect: true}, true
}

// lazyReflectMap recognises a reflect map made in one branch of an if
// chain whose other branches return (`if size%2 != 0 { return err } else
// if v.IsNil() { v.Set(reflect.MakeMap(v.Type())) }`): after the chain the
// map is either the new one or the caller's, which keeps its own size.
func lazyReflectMap(pass *analysis.Pass, ifs *ast.IfStmt) (madeMapStmt, bool) {
	var made madeMapStmt
	found := false
	branch := func(body *ast.BlockStmt) bool {
		if len(body.List) == 0 {
			return false
		}
		if _, nested := body.List[0].(*ast.IfStmt); len(body.List) == 1 && !nested && !found {
			if m, ok := madeReflectMap(pass, body.List[0]); ok {
				made, found = m, true
				return true
			}
		}
		_, returns := body.List[len(body.List)-1].(*ast.ReturnStmt)
		return returns
	}
	for cur := ifs; ; {
		if !branch(cur.Body) {
			return madeMapStmt{}, false
		}
		switch e := cur.Else.(type) {
		case nil:
		case *ast.BlockStmt:
			if !branch(e) {
				return madeMapStmt{}, false
			}
		case *ast.IfStmt:
			cur = e
			continue
		}
		break
	}
	if !found {
		return madeMapStmt{}, false
	}
	made.stmt = ifs
	return made, true
}

// reflectInsert recognises m.SetMapIndex(k, v) on the reflect.Value m and
// returns k.
func reflectInsert(pass *analysis.Pass, stmt ast.Stmt, m *types.Var) (ast.Expr, bool) {
	es, ok := stmt.(*ast.ExprStmt)
	if !ok {
		return nil, false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 2 || !isReflectMethod(pass, call, "SetMapIndex") {
		return nil, false
	}
	if !isIdentOf(pass, ast.Unparen(call.Fun).(*ast.SelectorExpr).X, m) || mentions(pass, call.Args[0], m) || mentions(pass, call.Args[1], m) {
		return nil, false
	}
	return call.Args[0], true
}

// onlyTypeOf reports whether stmt uses the reflect.Value m only for its
// type (`reflect.New(m.Type().Key())`, how a decoder makes a key), which
// neither reads nor changes the map.
func onlyTypeOf(pass *analysis.Pass, stmt ast.Stmt, m *types.Var) bool {
	if !isReflectValue(m.Type()) {
		return false
	}
	other := false
	ast.Inspect(stmt, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if isReflectMethod(pass, n, "Type") && len(n.Args) == 0 && isIdentOf(pass, ast.Unparen(n.Fun).(*ast.SelectorExpr).X, m) {
				return false
			}
		case *ast.Ident:
			other = other || pass.TypesInfo.ObjectOf(n) == m
		}
		return !other
	})
	return !other
}

// isReflectMethod reports whether call calls the method name of
// reflect.Value.
func isReflectMethod(pass *analysis.Pass, call *ast.CallExpr, name string) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	return reflectCallee(pass, call) != nil && isReflectValue(pass.TypesInfo.TypeOf(sel.X))
}

// reflectCallee returns the function or method of package reflect that
// call calls, or nil.
func reflectCallee(pass *analysis.Pass, call *ast.CallExpr) *types.Func {
	fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "reflect" {
		return nil
	}
	return fn
}

func isReflectValue(t types.Type) bool {
	return t != nil && astutil.IsNamed(t, "reflect", "Value")
}
