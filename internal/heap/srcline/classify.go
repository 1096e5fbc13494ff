package srcline

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strings"
)

// classifier finds the allocating operations of one line. info is nil when
// the file could not be type-checked; then only what syntax shows is
// reported.
type classifier struct {
	fset *token.FileSet
	file *ast.File
	info *types.Info
	pkg  *types.Package
	line int
	// library: the line is in a dependency; types are qualified for its users.
	library bool

	stack []ast.Node
	ops   []found
}

type found struct {
	op   Op
	pos  token.Pos
	key  token.Pos // where the compiler places the operation: calls at "(", index at "["
	seq  int
	stmt ast.Stmt // MapAssign: the statement doing the store
	node ast.Node // the operation (MapAssign: the index expression)
}

func (c *classifier) run() ([]Op, *Loop) {
	ast.Inspect(c.file, func(n ast.Node) bool {
		if n == nil {
			c.stack = c.stack[:len(c.stack)-1]
			return false
		}
		if c.lineOf(n.Pos()) > c.line || c.lineOf(n.End()) < c.line {
			return false
		}
		c.stack = append(c.stack, n)
		c.visit(n)
		return true
	})
	sort.SliceStable(c.ops, func(i, j int) bool {
		if c.ops[i].key != c.ops[j].key {
			return c.ops[i].key < c.ops[j].key
		}
		return c.ops[i].seq < c.ops[j].seq
	})
	ops := make([]Op, len(c.ops))
	for i, f := range c.ops {
		ops[i] = f.op
	}
	return ops, c.loop()
}

func (c *classifier) add(k Kind, at ast.Node, op Op, stmt ast.Stmt) {
	op.Kind = k
	op.Expr = shorten(op.Expr)
	_, op.Col = lineCol(c.fset, at.Pos())
	key := at.Pos()
	switch at := at.(type) {
	case *ast.CallExpr:
		key = at.Lparen
	case *ast.IndexExpr:
		key = at.Lbrack
	}
	c.ops = append(c.ops, found{op: op, pos: at.Pos(), key: key, seq: len(c.ops), stmt: stmt, node: at})
}

// at reports whether the compiler may attribute n's allocation to the
// line: gc positions calls at their parenthesis, index expressions at
// their bracket and binary expressions at their operator, so both the
// start of n and that operator count.
func (c *classifier) at(n ast.Node, op token.Pos) bool {
	if c.lineOf(n.Pos()) == c.line {
		return true
	}
	return op.IsValid() && c.lineOf(op) == c.line
}

func (c *classifier) parent() ast.Node {
	for i := len(c.stack) - 2; i >= 0; i-- {
		if _, ok := c.stack[i].(*ast.ParenExpr); !ok {
			return c.stack[i]
		}
	}
	return nil
}

func (c *classifier) visit(n ast.Node) {
	switch n := n.(type) {
	case *ast.AssignStmt:
		c.assign(n)
	case *ast.IncDecStmt:
		if ix, ok := ast.Unparen(n.X).(*ast.IndexExpr); ok && c.at(ix, ix.Lbrack) {
			if mt := c.mapOf(ix.X); mt != nil {
				c.add(MapAssign, ix, c.mapOp(ix.X, mt), n)
			}
		}
	case *ast.ValueSpec:
		if n.Type != nil && c.info != nil {
			if t := c.info.TypeOf(n.Type); isInterface(t) {
				for _, v := range n.Values {
					c.convert(v, t)
				}
			}
		}
	case *ast.ReturnStmt:
		c.returns(n)
	case *ast.CallExpr:
		c.call(n)
	case *ast.CompositeLit:
		c.compositeLit(n)
	case *ast.UnaryExpr:
		if lit, ok := ast.Unparen(n.X).(*ast.CompositeLit); ok && n.Op == token.AND && c.at(n, lit.Lbrace) {
			c.add(Alloc, n, Op{Expr: exprString(n), Type: c.typeStr(c.typeOf(n)), Size: c.pointeeSize(c.typeOf(n))}, nil)
		}
	case *ast.BinaryExpr:
		if n.Op == token.ADD && c.isDynamicString(n) && c.at(n, n.OpPos) {
			if p, ok := c.parent().(*ast.BinaryExpr); ok && p.Op == token.ADD && c.isDynamicString(p) {
				return // one concatenation for the whole chain a + b + c
			}
			c.add(Alloc, n, Op{Expr: exprString(n), Type: "string"}, nil)
		}
	case *ast.FuncLit:
		if c.lineOf(n.Pos()) == c.line && c.captures(n) {
			c.add(Alloc, n, Op{Expr: exprString(n.Type) + " {...}", Type: c.typeStr(c.typeOf(n))}, nil)
		}
	case *ast.SelectorExpr:
		if c.info == nil || !c.at(n, n.Sel.Pos()) {
			return
		}
		if sel := c.info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
			if call, ok := c.parent().(*ast.CallExpr); ok && ast.Unparen(call.Fun) == n {
				return
			}
			c.add(Alloc, n, Op{Expr: exprString(n), Type: c.typeStr(sel.Type())}, nil)
		}
	}
}

func (c *classifier) assign(n *ast.AssignStmt) {
	for i, lhs := range n.Lhs {
		if ix, ok := ast.Unparen(lhs).(*ast.IndexExpr); ok && (c.at(ix, ix.Lbrack) || c.lineOf(n.TokPos) == c.line) {
			if mt := c.mapOf(ix.X); mt != nil {
				c.add(MapAssign, ix, c.mapOp(ix.X, mt), n)
			}
		}
		if c.info == nil || !(c.at(lhs, n.TokPos)) {
			continue
		}
		lt := c.info.TypeOf(lhs)
		if n.Tok == token.ADD_ASSIGN && isString(lt) {
			c.add(Alloc, lhs, Op{Expr: exprString(lhs) + " += " + exprString(n.Rhs[0]), Type: "string"}, nil)
		}
		if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) && isInterface(lt) {
			c.convert(n.Rhs[i], lt)
		}
	}
}

func (c *classifier) returns(n *ast.ReturnStmt) {
	if c.info == nil {
		return
	}
	var ft *ast.FuncType
	for i := len(c.stack) - 1; i >= 0 && ft == nil; i-- {
		switch f := c.stack[i].(type) {
		case *ast.FuncLit:
			ft = f.Type
		case *ast.FuncDecl:
			ft = f.Type
		}
	}
	if ft == nil {
		return
	}
	sig, ok := c.info.TypeOf(ft).(*types.Signature)
	if !ok {
		return
	}
	if sig.Results().Len() != len(n.Results) {
		return
	}
	for i, r := range n.Results {
		if t := sig.Results().At(i).Type(); isInterface(t) {
			c.convert(r, t)
		}
	}
}

// convert records the allocation of converting e to interface type to,
// unless the value fits in the interface word or is a constant.
func (c *classifier) convert(e ast.Expr, to types.Type) {
	if c.info == nil || c.lineOf(e.Pos()) != c.line {
		return
	}
	tv, ok := c.info.Types[e]
	if !ok || tv.Type == nil || tv.Value != nil || tv.IsNil() || isInterface(tv.Type) || pointerShaped(tv.Type) || zeroSized(tv.Type, 0) {
		return
	}
	if _, ok := tv.Type.Underlying().(*types.TypeParam); ok {
		return
	}
	name := c.typeStr(to)
	if strings.ContainsAny(name, " {") {
		name = "interface"
	}
	c.add(Alloc, e, Op{Expr: name + "(" + exprString(e) + ")", Type: c.typeStr(tv.Type)}, nil)
}

func (c *classifier) compositeLit(n *ast.CompositeLit) {
	if u, ok := c.parent().(*ast.UnaryExpr); ok && u.Op == token.AND {
		return // &T{...} is recorded at the &
	}
	t := c.typeOf(n)
	isMap := t != nil && coreMap(t) != nil
	_, isSlice := underlying(t).(*types.Slice)
	if c.info == nil {
		_, isMap = n.Type.(*ast.MapType)
		if at, ok := n.Type.(*ast.ArrayType); ok && at.Len == nil {
			isSlice = true
		}
	}
	switch {
	case isMap:
		op := c.mapOp(nil, t)
		op.Expr = c.destination(n)
		if op.Type == "" && n.Type != nil {
			op.Type = exprString(n.Type)
			op.MapType = op.Type
		}
		if c.at(n, n.Lbrace) {
			c.add(MapLiteral, n, op, nil)
			return
		}
		// Small literals insert entry by entry, at each entry's line.
		for _, e := range n.Elts {
			if c.lineOf(e.Pos()) == c.line {
				c.add(MapLiteral, e, op, nil)
				return
			}
		}
	case isSlice && c.at(n, n.Lbrace) && len(n.Elts) > 0:
		ts := c.typeStr(t)
		if ts == "" && n.Type != nil {
			ts = exprString(n.Type)
		}
		c.add(Alloc, n, Op{Expr: exprString(n), Type: ts}, nil)
	}
}

// destination names what a new map is stored into: the assigned variable
// or field ("s.sessions", "Store.sessions" in a struct literal), or the
// expression itself when it goes elsewhere.
func (c *classifier) destination(e ast.Expr) string {
	self := exprString(e)
	i := len(c.stack) - 1
	for i > 0 {
		if _, ok := c.stack[i-1].(*ast.ParenExpr); !ok {
			break
		}
		i--
	}
	if i == 0 {
		return self
	}
	child := c.stack[i]
	switch p := c.stack[i-1].(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == len(p.Rhs) {
			for j, r := range p.Rhs {
				if r == child {
					return exprString(p.Lhs[j])
				}
			}
		}
	case *ast.ValueSpec:
		if len(p.Names) == len(p.Values) {
			for j, r := range p.Values {
				if r == child {
					return p.Names[j].Name
				}
			}
		}
	case *ast.KeyValueExpr:
		if p.Value != child || i < 2 {
			break
		}
		if lit, ok := c.stack[i-2].(*ast.CompositeLit); ok {
			if _, isStruct := underlying(c.typeOf(lit)).(*types.Struct); isStruct || c.info == nil && lit.Type != nil {
				if key, ok := p.Key.(*ast.Ident); ok && lit.Type != nil {
					return exprString(lit.Type) + "." + key.Name
				}
			}
		}
	}
	return self
}

func (c *classifier) call(n *ast.CallExpr) {
	// gc places a call at its parenthesis: in a chain split over lines,
	// x.
	//     Decode(&m)
	// the call is on the second line.
	if c.lineOf(n.Lparen) != c.line {
		c.convertArgs(n) // arguments on their own lines
		return
	}
	fun := ast.Unparen(n.Fun)
	if c.info != nil {
		if tv, ok := c.info.Types[fun]; ok && tv.IsType() {
			c.conversion(n, tv.Type)
			return
		}
		if id, ok := calleeIdent(fun); ok {
			if b, ok := c.info.Uses[id].(*types.Builtin); ok {
				c.builtin(b.Name(), n)
				return
			}
		}
	} else {
		switch f := fun.(type) {
		case *ast.Ident:
			switch f.Name {
			case "make", "new", "append":
				c.builtin(f.Name, n)
				return
			case "len", "cap", "delete", "clear", "copy", "panic", "print", "println", "min", "max", "close", "complex", "real", "imag", "recover":
				return
			}
		case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType, *ast.StructType:
			return // a conversion
		}
	}
	callee := c.callee(fun)
	name := exprString(fun)
	if callee != nil {
		name = funcName(callee)
	}
	if c.special(n, callee, name) {
		c.convertArgs(n)
		return
	}
	if op, ok := c.mapMethod(fun, callee, name); ok {
		c.add(MapMethod, n, op, c.enclosingStmt())
		c.convertArgs(n)
		return
	}
	c.add(Call, n, Op{Expr: exprString(n), Callee: name}, nil)
	c.convertArgs(n)
}

// mapMethod describes a call of a method whose receiver is a map of a
// named map type (or a pointer to one): the map is the receiver
// expression, which the line holds, whatever package the method is in.
func (c *classifier) mapMethod(fun ast.Expr, callee *types.Func, name string) (Op, bool) {
	if callee == nil {
		return Op{}, false
	}
	if sig, ok := callee.Type().(*types.Signature); !ok || sig.Recv() == nil {
		return Op{}, false
	}
	sel, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		if ix, isIndex := ast.Unparen(fun).(*ast.IndexExpr); isIndex { // s.Method[T]
			sel, ok = ast.Unparen(ix.X).(*ast.SelectorExpr)
		}
		if !ok {
			return Op{}, false
		}
	}
	if _, method := c.info.Selections[sel]; !method {
		return Op{}, false // a package-qualified function, not a method value
	}
	t := c.typeOf(sel.X)
	if t == nil {
		return Op{}, false
	}
	t = derefOnce(t)
	mt, ok := underlying(t).(*types.Map)
	if !ok {
		return Op{}, false
	}
	op := Op{Expr: exprString(sel.X), Type: c.typeStr(t), MapType: c.typeStr(mt), Callee: name}
	op.SlotSize, op.BucketSize = storageSizes(mt)
	return op, true
}

// convertArgs records interface conversions of arguments.
func (c *classifier) convertArgs(n *ast.CallExpr) {
	if c.info == nil {
		return
	}
	sig, ok := underlying(c.info.TypeOf(n.Fun)).(*types.Signature)
	if !ok {
		return
	}
	params := sig.Params()
	for i, a := range n.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1 && !n.Ellipsis.IsValid():
			if s, ok := params.At(params.Len() - 1).Type().(*types.Slice); ok {
				pt = s.Elem()
			}
		case i < params.Len():
			pt = params.At(i).Type()
		}
		if pt != nil && isInterface(pt) {
			c.convert(a, pt)
		}
	}
}

func (c *classifier) conversion(n *ast.CallExpr, to types.Type) {
	if len(n.Args) != 1 {
		return
	}
	from := c.info.TypeOf(n.Args[0])
	switch {
	case isInterface(to):
		c.convert(n.Args[0], to)
	case isString(to) && isByteOrRuneSlice(from), isByteOrRuneSlice(to) && isString(from):
		if tv := c.info.Types[n]; tv.Value == nil {
			c.add(Alloc, n, Op{Expr: exprString(n), Type: c.typeStr(to)}, nil)
		}
	}
}

func (c *classifier) builtin(name string, n *ast.CallExpr) {
	switch name {
	case "make":
		if len(n.Args) == 0 {
			return
		}
		t := c.typeOf(n)
		isMap := t != nil && coreMap(t) != nil
		if c.info == nil {
			switch n.Args[0].(type) {
			case *ast.MapType:
				isMap = true
			case *ast.ArrayType, *ast.ChanType:
			default:
				return // a named type: without types, unknown
			}
		}
		if isMap {
			op := c.mapOp(nil, t)
			if op.Type == "" {
				op.Type = exprString(n.Args[0])
				op.MapType = op.Type
			}
			op.Expr = c.destination(n)
			if len(n.Args) > 1 {
				op.Hint = exprString(n.Args[1])
			}
			c.add(MapMake, n, op, nil)
			return
		}
		c.add(Alloc, n, Op{Expr: exprString(n), Type: c.typeOrExpr(t, n.Args[0])}, nil)
	case "new":
		if len(n.Args) == 1 {
			c.add(Alloc, n, Op{Expr: exprString(n), Type: c.typeOrExpr(c.typeOf(n), nil), Size: c.pointeeSize(c.typeOf(n))}, nil)
		}
	case "append":
		if len(n.Args) > 1 || n.Ellipsis.IsValid() {
			c.add(Alloc, n, Op{Expr: exprString(n), Type: c.typeOrExpr(c.typeOf(n), nil)}, nil)
		}
	}
}

var decoderPkg = regexp.MustCompile(`(?i)json|yaml|toml|gob|msgpack|cbor|bson|mapstructure|hcl|xml|protojson`)

// special handles the calls that are map operations themselves.
func (c *classifier) special(n *ast.CallExpr, callee *types.Func, name string) bool {
	arg := func(i int) ast.Expr {
		if i < len(n.Args) {
			return n.Args[i]
		}
		return nil
	}
	switch strings.TrimSuffix(name, "[...]") {
	case "maps.Clone":
		if a := arg(0); a != nil {
			// The clone's bytes belong to the new map, so it is named
			// where it goes (c in c := maps.Clone(src)), as make is.
			op := c.mapOp(a, c.typeOf(a))
			op.Expr, op.Callee = c.destination(n), name
			c.add(MapClone, n, op, nil)
			return true
		}
	case "maps.Copy", "maps.Insert":
		if a := arg(0); a != nil {
			op := c.mapOp(a, c.typeOf(a))
			op.Callee = name
			c.add(MapAssign, n, op, c.enclosingStmt())
			return true
		}
	case "maps.Collect":
		op := c.mapOp(nil, c.typeOf(n))
		op.Expr, op.Callee = c.destination(n), name
		c.add(MapMake, n, op, nil)
		return true
	case "reflect.MakeMap", "reflect.MakeMapWithSize":
		op := Op{Expr: c.destination(n), Callee: name}
		if a := arg(1); a != nil {
			op.Hint = exprString(a)
		}
		c.add(MapReflect, n, op, nil)
		return true
	case "reflect.Value.SetMapIndex":
		if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
			c.add(MapReflect, n, Op{Expr: exprString(sel.X), Callee: name}, nil)
			return true
		}
	case "sync.(*Map).Store", "sync.(*Map).LoadOrStore", "sync.(*Map).Swap", "sync.(*Map).CompareAndSwap":
		if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
			c.add(SyncMapStore, n, Op{Expr: exprString(sel.X), Type: "sync.Map", Callee: name}, nil)
			return true
		}
	case "sync.(*Map).Load", "sync.(*Map).Delete", "sync.(*Map).LoadAndDelete", "sync.(*Map).Range", "sync.(*Map).Clear", "sync.(*Map).CompareAndDelete":
		return true // no new entry
	}
	if callee == nil || callee.Pkg() == nil || !decoderPkg.MatchString(callee.Pkg().Path()) {
		return false
	}
	switch callee.Name() {
	case "Unmarshal", "UnmarshalRead", "Decode", "DecodeFile", "DecodeReader", "UnmarshalWithOptions":
	default:
		return false
	}
	for i := len(n.Args) - 1; i >= 0; i-- {
		a := n.Args[i]
		t := c.typeOf(a)
		mt := mapWithin(t, 0, nil)
		if mt == nil {
			continue
		}
		dest := a
		if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
			dest = u.X
		}
		op := Op{Expr: exprString(dest), Type: c.typeStr(derefOnce(t)), MapType: c.typeStr(mt.Underlying()), Callee: name}
		if _, direct := derefOnce(t).Underlying().(*types.Map); direct {
			op.Type = c.typeStr(derefOnce(t))
		}
		c.add(MapDecode, n, op, nil)
		return true
	}
	return false
}

func (c *classifier) enclosingStmt() ast.Stmt {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if s, ok := c.stack[i].(ast.Stmt); ok {
			return s
		}
	}
	return nil
}

// callee returns the statically known function or method called.
func (c *classifier) callee(fun ast.Expr) *types.Func {
	if c.info == nil {
		return nil
	}
	id, ok := calleeIdent(fun)
	if !ok {
		return nil
	}
	f, _ := c.info.Uses[id].(*types.Func)
	return f
}

// calleeIdent returns the identifier naming a called function, through
// selectors and explicit instantiation.
func calleeIdent(fun ast.Expr) (*ast.Ident, bool) {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f, true
	case *ast.SelectorExpr:
		return f.Sel, true
	case *ast.IndexExpr:
		return calleeIdent(f.X)
	case *ast.IndexListExpr:
		return calleeIdent(f.X)
	}
	return nil, false
}

// funcName renders a function as profiles name it:
// "encoding/json.Unmarshal", "sync.(*Map).Store", "main.build[...]".
func funcName(f *types.Func) string {
	f = f.Origin()
	pkg := ""
	if p := f.Pkg(); p != nil {
		pkg = p.Path()
		if p.Name() == "main" {
			pkg = "main"
		}
		pkg += "."
	}
	sig, _ := f.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		name := pkg + f.Name()
		if sig != nil && sig.TypeParams().Len() > 0 {
			name += "[...]"
		}
		return name
	}
	rt := sig.Recv().Type()
	ptr := false
	if p, ok := rt.(*types.Pointer); ok {
		ptr, rt = true, p.Elem()
	}
	recv := "interface"
	if nt, ok := types.Unalias(rt).(*types.Named); ok {
		recv = nt.Obj().Name()
		if nt.TypeParams().Len() > 0 || nt.TypeArgs().Len() > 0 {
			recv += "[...]"
		}
	}
	if ptr {
		return pkg + "(*" + recv + ")." + f.Name()
	}
	return pkg + recv + "." + f.Name()
}

// mapOp fills the expression and type of a map operation.
func (c *classifier) mapOp(e ast.Expr, t types.Type) Op {
	var op Op
	if e != nil {
		op.Expr = exprString(e)
	}
	if t != nil {
		op.Type = c.typeStr(t)
		if mt := coreMap(t); mt != nil {
			op.MapType = c.typeStr(mt)
			op.SlotSize, op.BucketSize = storageSizes(mt)
		}
	}
	return op
}

func (c *classifier) isDynamicString(e ast.Expr) bool {
	if c.info == nil {
		return false
	}
	tv, ok := c.info.Types[e]
	return ok && tv.Value == nil && isString(tv.Type)
}

// captures reports whether a function literal refers to local variables
// of enclosing functions (only then does making it allocate).
func (c *classifier) captures(lit *ast.FuncLit) bool {
	if c.info == nil {
		return true
	}
	found := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || found {
			return !found
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
			return true
		}
		if v.Pos() < lit.Pos() || v.Pos() >= lit.End() {
			found = true
		}
		return true
	})
	return found
}
