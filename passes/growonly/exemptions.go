package growonly

import (
	_ "embed"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Phase 4: inserts that do not make a map grow without bound: memo
// caches, registrations at init, keys of a bounded type, inserts guarded
// by a size limit, code that runs once.

// keyDomain reports whether key is the caller's choice (fromParams): made
// of the parameters of the functions around cur and constants, as a
// parameter as given or an expression of parameters (options.key(),
// h.Val(), key{a, b}), through local variables defined only from such
// expressions; the receiver and package variables are the value's own
// state, not the caller's choice. Or whether it is made of constants
// alone through local variables (constants: a range over a literal list
// of constants, `for _, s := range []string{a, b, c}`).
func (c *checker) keyDomain(cur inspector.Cursor, key ast.Expr) (fromParams, constants bool) {
	var params []*ast.FieldList
	var body *ast.BlockStmt
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl:
			params, body = append(params, n.Type.Params), n.Body
		case *ast.FuncLit:
			params = append(params, n.Type.Params)
		}
	}
	if body == nil {
		return false, false
	}
	isParam := func(v *types.Var) bool {
		for _, fl := range params {
			if fl != nil && fl.Pos() <= v.Pos() && v.Pos() < fl.End() {
				return true
			}
		}
		return false
	}
	defs := allLocalDefs(c.pass.TypesInfo, body)
	seen := make(map[*types.Var]bool)
	// derived reports whether e reads only parameters, constants and
	// locals so defined, and whether it reads a parameter.
	called := false // a call that is not a conversion: not a constant
	var derived func(e ast.Expr) (ok, fromParam bool)
	derived = func(e ast.Expr) (ok, fromParam bool) {
		other := false
		ast.Inspect(e, func(n ast.Node) bool {
			if other {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if tv, ok := c.pass.TypesInfo.Types[n.Fun]; !ok || !tv.IsType() {
					called = true
				}
			case *ast.Ident:
				v, ok := c.pass.TypesInfo.Uses[n].(*types.Var)
				if !ok || v.IsField() {
					return true
				}
				switch {
				case isParam(v):
					fromParam = true
				case defs[v] != nil:
					if seen[v] {
						return true // a cycle: judged by its other definitions
					}
					seen[v] = true
					for _, d := range defs[v] {
						if d == nil {
							other = true
							return false
						}
						ok, p := derived(d)
						if !ok {
							other = true
							return false
						}
						fromParam = fromParam || p
					}
				default:
					other = true
				}
			}
			return true
		})
		return !other, fromParam
	}
	ok, fromParam := derived(key)
	return ok && fromParam, ok && !fromParam && !called && !isConstant(c.pass.TypesInfo, key)
}

// allLocalDefs returns every expression assigned to each local variable
// of body: the right-hand side of an assignment or declaration (the call,
// for `a, b := f(x)`), the ranged expression for a range's variables, and
// nil for a declaration without a value.
func allLocalDefs(info *types.Info, body *ast.BlockStmt) map[*types.Var][]ast.Expr {
	defs := make(map[*types.Var][]ast.Expr)
	add := func(id ast.Expr, e ast.Expr) {
		if id, ok := ast.Unparen(id).(*ast.Ident); ok {
			if v, ok := info.ObjectOf(id).(*types.Var); ok && !v.IsField() {
				defs[v] = append(defs[v], e)
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				rhs := n.Rhs[0]
				if len(n.Rhs) == len(n.Lhs) {
					rhs = n.Rhs[i]
				}
				add(lhs, rhs)
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				var e ast.Expr
				if i < len(n.Values) {
					e = n.Values[i]
				} else if len(n.Values) == 1 {
					e = n.Values[0]
				}
				add(id, e)
			}
		case *ast.RangeStmt:
			if n.Key != nil {
				add(n.Key, n.X)
			}
			if n.Value != nil {
				add(n.Value, n.X)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				add(n.X, nil) // filled by whoever gets its address
			}
		}
		return true
	})
	return defs
}

// isMemoized reports whether the function holding the insertion into the
// map at cur looks a key up in the same map before inserting: a memo cache
// or an interning table. The key expressions need not match:
// `s, ok := m[string(b)]; if !ok { s = string(b); m[s] = s }`. Inserting
// a new, empty container after the lookup is not memoizing a result but
// the get-or-create of a group (`if _, ok := m[k]; !ok { m[k] =
// make(map[...]...) }`), which grows with the keys like any insert.
func (c *checker) isMemoized(cur inspector.Cursor) bool {
	var body ast.Node
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		body = enc.Node()
		break
	}
	if body == nil {
		return false
	}
	if c.insertsNewContainer(cur, body) {
		return false
	}
	mapText := types.ExprString(ast.Unparen(cur.Node().(ast.Expr)))
	insertPos := cur.Node().Pos()
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= insertPos {
			return false
		}
		switch n := n.(type) {
		case *ast.IndexExpr:
			found = types.ExprString(ast.Unparen(n.X)) == mapText
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Load" && len(n.Args) == 1 {
				found = types.ExprString(ast.Unparen(sel.X)) == mapText
			}
		}
		return !found
	})
	return found
}

// runsOnce reports whether cur is in a function passed to sync.Once.Do
// (by name or as a literal).
func (c *checker) runsOnce(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl:
			fn, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func)
			return ok && c.onceFuncs[fn]
		case *ast.FuncLit:
			if enc.ParentEdgeKind() == edge.CallExpr_Args && astutil.IsOnceCall(c.pass.TypesInfo, enc.Parent().Node().(*ast.CallExpr)) {
				return true
			}
		}
	}
	return false
}

// guardedByLimit reports whether cur is in the body of an if whose
// condition compares against a limit: a name containing "max" or
// "limit", as in `if size+n <= maxCacheBytes { m[k] = v }`.
func (c *checker) guardedByLimit(cur inspector.Cursor) bool {
	pos := cur.Node().Pos()
	for enc := range cur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		ifs, ok := enc.Node().(*ast.IfStmt)
		if !ok {
			return false
		}
		if pos < ifs.Body.Pos() || pos >= ifs.Body.End() {
			continue
		}
		limited := false
		ast.Inspect(ifs.Cond, func(n ast.Node) bool {
			bin, ok := n.(*ast.BinaryExpr)
			if !ok {
				return !limited
			}
			switch bin.Op {
			case token.LSS, token.LEQ, token.GTR, token.GEQ:
				if namesLimit(bin.X) || namesLimit(bin.Y) {
					limited = true
				}
			}
			return !limited
		})
		if limited {
			return true
		}
	}
	return false
}

func namesLimit(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			name := strings.ToLower(id.Name)
			found = found || strings.Contains(name, "max") || strings.Contains(name, "limit")
		}
		return !found
	})
	return found
}

// inLazyFill reports whether the insertion at cur fills the map right
// after creating it, in the body of `if m == nil { m = ...; m[k] = v }`:
// a table built on first use, once.
func (c *checker) inLazyFill(cur inspector.Cursor) bool {
	e := cur.Node().(ast.Expr)
	for enc := range cur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		ifs, ok := enc.Node().(*ast.IfStmt)
		if !ok {
			return false
		}
		if astutil.IsNilCheckOf(c.pass.TypesInfo, ifs.Cond, types.ExprString(e)) && ifs.Body.Pos() <= e.Pos() && e.End() <= ifs.Body.End() {
			return true
		}
	}
	return false
}

// inRegistration reports whether cur is in a function whose name says it
// registers something: registries are filled by the program's own
// declarations, a bounded set.
func inRegistration(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		return strings.Contains(strings.ToLower(enc.Node().(*ast.FuncDecl).Name.Name), "register")
	}
	return false
}

// inDeadCode reports whether cur is guarded by a condition that is the
// constant false, such as a disabled debug flag.
func (c *checker) inDeadCode(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.IfStmt)(nil)) {
		ifs := enc.Node().(*ast.IfStmt)
		pos := cur.Node().Pos()
		if pos < ifs.Body.Pos() || pos >= ifs.Body.End() {
			continue
		}
		if tv, ok := c.pass.TypesInfo.Types[ifs.Cond]; ok && tv.Value != nil &&
			tv.Value.Kind() == constant.Bool && !constant.BoolVal(tv.Value) {
			return true
		}
	}
	return false
}

// boundedKey reports whether a map keyed by t can only hold a small or
// program-defined set of keys: types (reflect or go/types), booleans,
// bytes, enumerations of this package, and structs or arrays of those
// with at most fewKeys values in all. A hash ([32]byte) or an address
// ([16]byte) is an array of bytes with more values than any map holds,
// and a pointer names one allocation of many.
func (c *checker) boundedKey(t types.Type, depth int) bool {
	n := c.keyValues(t, depth)
	return n > 0 && n <= fewKeys
}

// fewKeys is the most values a bounded key type has: two bytes' worth.
const fewKeys = 1 << 16

// keyValues returns how many values a key of type t can take, as far as
// boundedKey counts them, or 0 for more than fewKeys or unknown.
func (c *checker) keyValues(t types.Type, depth int) uint64 {
	if t == nil || depth > 3 {
		return 0
	}
	t = types.Unalias(t)
	named := t
	if p, ok := t.(*types.Pointer); ok {
		named = types.Unalias(p.Elem())
	}
	if n, ok := named.(*types.Named); ok && n.Obj().Pkg() != nil {
		switch n.Obj().Pkg().Path() {
		case "reflect", "go/types", "internal/abi":
			return 1 // as many as the program has types: taken as few
		}
	}
	if _, ok := t.(*types.Pointer); ok {
		return 0
	}
	if n, ok := t.(*types.Named); ok && n.Obj().Pkg() == c.pass.Pkg && c.isEnum(n) {
		return 1 << 8 // the package's constants, however wide the type
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Bool:
			return 2
		case types.Int8, types.Uint8:
			return 1 << 8
		}
	case *types.Struct:
		if u.NumFields() == 0 {
			return 0
		}
		total := uint64(1)
		for i := range u.NumFields() {
			if total = timesFew(total, c.keyValues(u.Field(i).Type(), depth+1)); total == 0 {
				return 0
			}
		}
		return total
	case *types.Array:
		n := c.keyValues(u.Elem(), depth+1)
		if n <= 1 {
			return n // no element, or elements of one value
		}
		total := uint64(1)
		for range u.Len() {
			if total = timesFew(total, n); total == 0 {
				return 0
			}
		}
		return total
	}
	return 0
}

// timesFew returns a*b when both are counts of values and the product is
// at most fewKeys, and 0 otherwise.
func timesFew(a, b uint64) uint64 {
	if a == 0 || b == 0 || a > fewKeys/b {
		return 0
	}
	return a * b
}

// isEnum reports whether the package declares constants of the named
// basic type n.
func (c *checker) isEnum(n *types.Named) bool {
	if _, ok := n.Underlying().(*types.Basic); !ok {
		return false
	}
	if c.enums == nil {
		c.enums = make(map[*types.TypeName]bool)
		scope := c.pass.Pkg.Scope()
		for _, name := range scope.Names() {
			if k, ok := scope.Lookup(name).(*types.Const); ok {
				if kn, ok := types.Unalias(k.Type()).(*types.Named); ok {
					c.enums[kn.Obj()] = true
				}
			}
		}
	}
	return c.enums[n.Obj()]
}

// comparedToLimit reports whether the len call at lenCur is compared with
// something other than a small constant (0 or 1 test emptiness, not a
// bound).
func comparedToLimit(info *types.Info, lenCur inspector.Cursor) bool {
	cur := astutil.UnparenUp(lenCur)
	kind := cur.ParentEdgeKind()
	if kind != edge.BinaryExpr_X && kind != edge.BinaryExpr_Y {
		return false
	}
	bin := cur.Parent().Node().(*ast.BinaryExpr)
	switch bin.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ, token.EQL, token.NEQ:
	default:
		return false
	}
	other := bin.Y
	if kind == edge.BinaryExpr_Y {
		other = bin.X
	}
	if tv, ok := info.Types[other]; ok && tv.Value != nil {
		if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact && n <= 1 {
			return false
		}
	}
	return true
}

// insertsNewContainer reports whether the insertion at cur (m[k] = v)
// stores a newly made map, slice or struct: v is make(...), a composite
// literal, or a local variable last assigned one of those before the
// insertion in body.
func (c *checker) insertsNewContainer(cur inspector.Cursor, body ast.Node) bool {
	info := c.pass.TypesInfo
	ix := astutil.UnparenUp(cur).Parent()
	if _, ok := ix.Node().(*ast.IndexExpr); !ok {
		return false
	}
	ixCur := astutil.UnparenUp(ix)
	if ixCur.ParentEdgeKind() != edge.AssignStmt_Lhs {
		return false
	}
	as := ixCur.Parent().Node().(*ast.AssignStmt)
	_, i := ixCur.ParentEdge()
	if len(as.Lhs) != len(as.Rhs) {
		return false
	}
	isNew := func(e ast.Expr) bool {
		if astutil.IsNewValue(info, e) {
			return true
		}
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return false
		}
		b, ok := typeutil.Callee(info, call).(*types.Builtin)
		return ok && b.Name() == "make"
	}
	v := as.Rhs[i]
	if isNew(v) {
		return true
	}
	id, ok := ast.Unparen(v).(*ast.Ident)
	if !ok {
		return false
	}
	obj := info.Uses[id]
	last := false
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= as.Pos() {
			return false
		}
		if a, ok := n.(*ast.AssignStmt); ok && len(a.Lhs) == len(a.Rhs) {
			for j, lhs := range a.Lhs {
				if l, ok := lhs.(*ast.Ident); ok && (info.Uses[l] == obj || info.Defs[l] == obj) && obj != nil {
					last = isNew(a.Rhs[j])
				}
			}
		}
		return true
	})
	return last
}
