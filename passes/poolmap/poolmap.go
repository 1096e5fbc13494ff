package poolmap

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/internal/facts"
	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var doc string

// Analyzer reports sync.Pool Puts of values whose map fields are neither
// re-made nor bounded, and so keep stale entries or their peak size.
var Analyzer = &analysis.Analyzer{
	Name:     "poolmap",
	Doc:      astutil.MustExtractDoc(doc, "poolmap"),
	URL:      "https://pkg.go.dev/github.com/mapscope/mapscope/passes/poolmap",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// put is one call of (*sync.Pool).Put.
type put struct {
	call   *ast.CallExpr
	cur    inspector.Cursor
	pool   string       // the pool as written: "encPool", "l.entryPool"
	typ    string       // the pooled type as the diagnostic writes it
	fields []*types.Var // its map fields, in declaration order
	// paths names the map fields reached through a pointer field the
	// pooled value owns ("resultsMap.lookup"); see ownedPointerFields.
	paths map[*types.Var]string
}

// fieldUse sums up what the package does to one map field.
type fieldUse struct {
	grows bool // inserted into, or handed to code that may insert
	// resets holds, per function declaration, what it does to empty the
	// map, so that each Put is judged by the resets on its own pool's
	// path (see resetsFor).
	resets map[*ast.FuncDecl]*resets
}

// resets are the ways a function empties or bounds a pooled map field.
type resets struct {
	remade  bool // assigned a new map or nil after creation
	bounded bool // len compared with a limit
	cleared bool // clear or the range-delete idiom
	deleted bool // keys deleted one at a time
}

// in returns the resets recorded for the function declaration around cur
// (nil at package level: a package-level initialiser resets no Put's map).
func (u *fieldUse) in(cur inspector.Cursor) *resets {
	var fd *ast.FuncDecl
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		fd = enc.Node().(*ast.FuncDecl)
	}
	if u.resets == nil {
		u.resets = make(map[*ast.FuncDecl]*resets)
	}
	r := u.resets[fd]
	if r == nil {
		r = new(resets)
		u.resets[fd] = r
	}
	return r
}

type checker struct {
	pass        *analysis.Pass
	fields      map[*types.Var]*fieldUse
	freshLocals map[*types.Var]bool
	// pools lists, per function declaration, the pools (as written:
	// "encPool", "l.entryPool") whose Get or Put it calls.
	pools map[*ast.FuncDecl]map[string]bool
	root  inspector.Cursor
}

// resetsFor sums up the resets of u that count for a Put into pool: those
// in functions that use this pool or no pool at all. A function that gets
// from and puts into another pool resets the values of that pool; a value
// of the same type taken from this pool never passes through it (two
// pools of one type, one re-made before Put, the other not).
func (c *checker) resetsFor(u *fieldUse, pool string) resets {
	var sum resets
	for fd, r := range u.resets {
		if used := c.pools[fd]; len(used) > 0 && !used[pool] {
			continue
		}
		sum.remade = sum.remade || r.remade
		sum.bounded = sum.bounded || r.bounded
		sum.cleared = sum.cleared || r.cleared
		sum.deleted = sum.deleted || r.deleted
	}
	return sum
}

func run(pass *analysis.Pass) (any, error) {
	// //mapscope:ignore and //nolint comments silence a finding.
	astutil.Suppress(pass)
	inspect := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c := &checker{
		pass:        pass,
		fields:      make(map[*types.Var]*fieldUse),
		freshLocals: make(map[*types.Var]bool),
	}
	c.pools = make(map[*ast.FuncDecl]map[string]bool)
	c.root = inspect.Root()
	var puts []put
	for cur := range inspect.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		pool, ok := poolOf(pass.TypesInfo, call)
		pool2, isPut2, ok2 := c.interfacePool(call)
		if ok2 {
			pool, ok = pool2, true
		}
		if ok {
			for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
				fd := enc.Node().(*ast.FuncDecl)
				if c.pools[fd] == nil {
					c.pools[fd] = make(map[string]bool)
				}
				c.pools[fd][pool] = true
			}
		}
		if !(isPoolPut(pass.TypesInfo, call) || isPut2) || len(call.Args) != 1 {
			continue
		}
		p := put{call: call, cur: cur, pool: pool}
		t := pass.TypesInfo.TypeOf(call.Args[0])
		if t == nil {
			continue
		}
		if _, ok := t.Underlying().(*types.Map); ok {
			c.checkPooledMap(p, ast.Unparen(call.Args[0]))
			continue
		}
		if _, ok := deref(t).Underlying().(*types.Map); ok && deref(t) != t {
			// A pointer to a map: the map is *p.
			c.checkPooledMap(p, &ast.StarExpr{X: ast.Unparen(call.Args[0])})
			continue
		}
		p.typ, p.fields, p.paths = c.mapFields(t)
		if len(p.fields) == 0 {
			continue
		}
		for _, f := range p.fields {
			if c.fields[f] == nil {
				// An exported map field of an exported type is filled by
				// importers too (logrus's Entry.Data, which its callers
				// and hooks write to), where this package cannot see it.
				c.fields[f] = &fieldUse{grows: f.Exported() && exportedType(t)}
			}
		}
		puts = append(puts, p)
	}
	if len(puts) == 0 {
		return nil, nil
	}
	astutil.AddFreshLocals(c.pass.TypesInfo, inspect.Root(), c.freshLocals)
	c.scan(inspect.Root())
	for _, p := range puts {
		for _, f := range p.fields {
			u := c.fields[f]
			r := c.resetsFor(u, p.pool)
			name, behind := p.paths[f]
			if !behind {
				name = f.Name()
			}
			switch {
			case !u.grows, r.remade, r.bounded, r.deleted && !r.cleared, c.gatedByValue(p):
			case behind && !r.cleared:
				// A map behind a pointer is reported only when the pooled
				// value empties it (ownedPointerFields).
			case r.cleared:
				pass.Report(analysis.Diagnostic{
					Pos:     p.call.Pos(),
					Message: fmt.Sprintf("pooled %s keeps the peak size of its map field %s: emptying a map keeps every table; re-make it when its len exceeds a bound", p.typ, name),
					URL:     facts.URL(facts.PoolClearKeeps),
				})
			default:
				pass.Reportf(p.call.Pos(), "pooled %s keeps the entries of its map field %s: nothing clears or re-makes it before Put", p.typ, f.Name())
			}
		}
	}
	return nil, nil
}

// poolOf returns the pool, as written, whose Get or Put call is.
func poolOf(info *types.Info, call *ast.CallExpr) (string, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || (fn.Name() != "Put" && fn.Name() != "Get") || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return "", false
	}
	recv := fn.Signature().Recv()
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if recv == nil || !astutil.IsNamed(deref(recv.Type()), "sync", "Pool") || !ok {
		return "", false
	}
	return types.ExprString(ast.Unparen(sel.X)), true
}

func isPoolPut(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Name() != "Put" || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return false
	}
	recv := fn.Signature().Recv()
	return recv != nil && astutil.IsNamed(deref(recv.Type()), "sync", "Pool")
}

// mapFields returns the map fields of a struct (or pointer to struct)
// type declared in this package, including those of embedded structs.
func (c *checker) mapFields(t types.Type) (string, []*types.Var, map[*types.Var]string) {
	named, ok := types.Unalias(deref(t)).(*types.Named)
	if !ok || named.Obj().Pkg() != c.pass.Pkg {
		return "", nil, nil
	}
	var fields []*types.Var
	var collect func(st *types.Struct, depth int)
	collect = func(st *types.Struct, depth int) {
		for i := range st.NumFields() {
			f := st.Field(i)
			if _, ok := f.Type().Underlying().(*types.Map); ok {
				fields = append(fields, f.Origin())
				continue
			}
			if inner, ok := f.Type().Underlying().(*types.Struct); ok && f.Embedded() && depth < 3 {
				collect(inner, depth+1)
			}
		}
	}
	var paths map[*types.Var]string
	if st, ok := named.Underlying().(*types.Struct); ok {
		collect(st, 0)
		var behind []*types.Var
		behind, paths = c.ownedPointerFields(st)
		fields = append(fields, behind...)
	}
	return types.TypeString(t, types.RelativeTo(c.pass.Pkg)), fields, paths
}

// checkPooledMap reports a map passed straight to Put that the function
// holding the Put does not clear, or clears without a bound.
func (c *checker) checkPooledMap(p put, pooled ast.Expr) {
	info := c.pass.TypesInfo
	want := types.ExprString(pooled)
	var body ast.Node
	for fn := range p.cur.Enclosing((*ast.FuncDecl)(nil)) {
		body = fn.Node()
	}
	if body == nil {
		return
	}
	var cleared, remade, bounded bool
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			b, ok := typeutil.Callee(info, n).(*types.Builtin)
			if !ok || len(n.Args) == 0 || types.ExprString(ast.Unparen(n.Args[0])) != want {
				return true
			}
			switch b.Name() {
			case "clear", "delete":
				cleared = true
			}
		case *ast.BinaryExpr:
			for _, side := range []ast.Expr{n.X, n.Y} {
				if call, ok := ast.Unparen(side).(*ast.CallExpr); ok && isLenOf(info, call, want) && isLimitComparison(info, n, side) {
					bounded = true
				}
			}
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if types.ExprString(ast.Unparen(lhs)) == want && n.Tok == token.ASSIGN {
					remade = true
				}
			}
		}
		return true
	})
	switch {
	case remade, bounded:
	case cleared:
		c.pass.Report(analysis.Diagnostic{
			Pos:     p.call.Pos(),
			Message: fmt.Sprintf("pooled map %s keeps its peak size: emptying a map keeps every table; drop or re-make it when its len exceeds a bound", want),
			URL:     facts.URL(facts.PoolClearKeeps),
		})
	default:
		c.pass.Reportf(p.call.Pos(), "pooled map %s keeps its entries: nothing clears it before Put", want)
	}
}

func isLenOf(info *types.Info, call *ast.CallExpr, want string) bool {
	b, ok := typeutil.Callee(info, call).(*types.Builtin)
	return ok && b.Name() == "len" && len(call.Args) == 1 && types.ExprString(ast.Unparen(call.Args[0])) == want
}

// isLimitComparison reports whether bin compares side with something
// other than a constant 0 or 1 (which test emptiness, not a bound).
func isLimitComparison(info *types.Info, bin *ast.BinaryExpr, side ast.Expr) bool {
	switch bin.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ, token.EQL, token.NEQ:
	default:
		return false
	}
	other := bin.Y
	if side == bin.Y {
		other = bin.X
	}
	if tv, ok := info.Types[other]; ok && tv.Value != nil {
		if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact && n <= 1 {
			return false
		}
	}
	return true
}

// scan records what every use of a pooled map field does to it.
func (c *checker) scan(root inspector.Cursor) {
	info := c.pass.TypesInfo
	for cur := range root.Preorder((*ast.Ident)(nil), (*ast.AssignStmt)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.Ident:
			v, ok := info.Uses[n].(*types.Var)
			if !ok || !v.IsField() {
				continue
			}
			u := c.fields[v.Origin()]
			if u == nil {
				continue
			}
			switch cur.ParentEdgeKind() {
			case edge.SelectorExpr_Sel:
				c.classify(u, cur.Parent())
			case edge.KeyValueExpr_Key:
				// Creation in a composite literal; a value from elsewhere
				// may already hold entries, but is not a reset.
			}
		case *ast.AssignStmt:
			c.structOverwrite(n, cur)
		}
	}
}

// structOverwrite marks the map fields of a struct overwritten as a whole
// (`*s = state{}`) as re-made, unless the new value carries the old map.
func (c *checker) structOverwrite(as *ast.AssignStmt, cur inspector.Cursor) {
	if as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
		return
	}
	info := c.pass.TypesInfo
	for i, lhs := range as.Lhs {
		if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && c.freshLocals[v] {
				continue
			}
		}
		t := info.TypeOf(lhs)
		if t == nil {
			continue // the blank identifier
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			continue
		}
		kept := make(map[string]bool)
		if lit, ok := ast.Unparen(as.Rhs[i]).(*ast.CompositeLit); ok {
			for _, elt := range lit.Elts {
				// Only `f: x.f` carries the old map over; any other value
				// replaces it.
				if kv, ok := elt.(*ast.KeyValueExpr); ok {
					key, ok1 := kv.Key.(*ast.Ident)
					sel, ok2 := ast.Unparen(kv.Value).(*ast.SelectorExpr)
					if ok1 && ok2 && sel.Sel.Name == key.Name {
						kept[key.Name] = true
					}
				}
			}
		}
		for j := range st.NumFields() {
			f := st.Field(j)
			if u := c.fields[f.Origin()]; u != nil && !kept[f.Name()] {
				u.in(cur).remade = true
			}
		}
	}
}

// classify records one use x.f of a pooled map field; selCur is the
// cursor of the selector expression.
func (c *checker) classify(u *fieldUse, selCur inspector.Cursor) {
	info := c.pass.TypesInfo
	sel := selCur.Node().(*ast.SelectorExpr)
	cur := astutil.UnparenUp(selCur)
	parent := cur.Parent()
	kind, idx := cur.ParentEdge()
	switch kind {
	case edge.IndexExpr_X:
		switch astutil.UnparenUp(parent).ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
			u.grows = true
		}
	case edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y:
	case edge.AssignStmt_Lhs:
		as := parent.Node().(*ast.AssignStmt)
		if len(as.Lhs) == len(as.Rhs) && isNewMap(info, as.Rhs[idx]) && c.isCreation(sel, selCur) {
			return
		}
		u.in(selCur).remade = true
	case edge.CallExpr_Args:
		call := parent.Node().(*ast.CallExpr)
		switch fn := typeutil.Callee(info, call).(type) {
		case *types.Builtin:
			switch fn.Name() {
			case "clear":
				u.in(selCur).cleared = true
			case "delete":
				if inRangeOver(selCur, types.ExprString(sel)) || c.helperOfRangeDelete(selCur, call) {
					u.in(selCur).cleared = true
				} else {
					u.in(selCur).deleted = true
				}
			case "len":
				if isLimitComparisonAt(info, parent) {
					u.in(selCur).bounded = true
				}
			}
		case *types.Func:
			if fn.Pkg() != nil && fn.Pkg().Path() == "maps" {
				switch fn.Name() {
				case "Copy", "Insert":
					if idx == 0 {
						u.grows = true
					}
				case "DeleteFunc":
					u.in(selCur).deleted = true
				}
				return
			}
			if fn.Pkg() != nil && fn.Pkg().Path() == "fmt" {
				return
			}
			u.grows = true // the callee may fill it
		default:
			u.grows = true
		}
	default:
		// Aliased, returned, stored: whoever holds it may fill it.
		u.grows = true
	}
}

func isLimitComparisonAt(info *types.Info, lenCur inspector.Cursor) bool {
	cur := astutil.UnparenUp(lenCur)
	if k := cur.ParentEdgeKind(); k != edge.BinaryExpr_X && k != edge.BinaryExpr_Y {
		return false
	}
	return isLimitComparison(info, cur.Parent().Node().(*ast.BinaryExpr), cur.Node().(ast.Expr))
}

// inRangeOver reports whether cur lies in the body of a range statement
// over the expression written want: the delete-every-key idiom.
func inRangeOver(cur inspector.Cursor, want string) bool {
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			return false
		}
		if types.ExprString(ast.Unparen(rs.X)) == want {
			return true
		}
	}
	return false
}

// isCreation reports whether assigning a new map to sel creates the map
// of a new value (a fresh local, or lazy initialisation) rather than
// resetting a recycled one.
func (c *checker) isCreation(sel *ast.SelectorExpr, selCur inspector.Cursor) bool {
	info := c.pass.TypesInfo
	if root := syntax.RootIdent(sel); root != nil {
		if v, ok := info.Uses[root].(*types.Var); ok && c.freshLocals[v] {
			return true
		}
	}
	want := types.ExprString(sel)
	for enc := range selCur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		ifs, ok := enc.Node().(*ast.IfStmt)
		if !ok {
			return false
		}
		if astutil.IsNilCheckOf(info, ifs.Cond, want) && ifs.Body.Pos() <= sel.Pos() && sel.End() <= ifs.Body.End() {
			return true
		}
	}
	return false
}

func isNewMap(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		t := info.TypeOf(e)
		if t == nil {
			return false
		}
		_, ok := t.Underlying().(*types.Map)
		return ok
	case *ast.CallExpr:
		b, ok := typeutil.Callee(info, e).(*types.Builtin)
		return ok && b.Name() == "make"
	}
	return false
}

// exportedType reports whether t, or what it points to, is an exported
// named type.
func exportedType(t types.Type) bool {
	n, ok := types.Unalias(deref(t)).(*types.Named)
	return ok && n.Obj().Exported()
}

func deref(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
