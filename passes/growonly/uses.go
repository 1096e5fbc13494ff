package growonly

import (
	_ "embed"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Phase 3: every use of a tracked map, classified as an insert, a
// release (delete, clear, replacement, escape) or neither.

// scanFile classifies every use of a tracked map in one file.
func (c *checker) scanFile(fileCur inspector.Cursor) {
	info := c.pass.TypesInfo
	for cur := range fileCur.Preorder((*ast.Ident)(nil), (*ast.ValueSpec)(nil), (*ast.AssignStmt)(nil), (*ast.CompositeLit)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.Ident:
			v, ok := info.Uses[n].(*types.Var)
			if !ok {
				continue
			}
			t := c.tracked[v.Origin()]
			if t == nil {
				continue
			}
			exprCur := cur
			if k := cur.ParentEdgeKind(); k == edge.SelectorExpr_Sel {
				exprCur = cur.Parent()
			} else if t.field && k != edge.KeyValueExpr_Key {
				continue // a local variable or label sharing the name
			}
			c.classify(t, exprCur)
		case *ast.ValueSpec:
			c.packageVarInit(cur, n)
		case *ast.AssignStmt:
			c.structOverwrite(n)
		case *ast.CompositeLit:
			c.positionalLiteral(n)
		}
	}
}

// packageVarInit releases a package-level map initialised from a value
// that is not a new map: it aliases a map someone else owns.
func (c *checker) packageVarInit(cur inspector.Cursor, spec *ast.ValueSpec) {
	if astutil.InFunction(cur) {
		return
	}
	for i, id := range spec.Names {
		v, ok := c.pass.TypesInfo.Defs[id].(*types.Var)
		if !ok || c.tracked[v] == nil || len(spec.Values) == 0 {
			continue
		}
		if len(spec.Values) != len(spec.Names) || !c.isNewMap(spec.Values[i]) {
			c.tracked[v].releasedElsewhere()
		}
	}
}

// structOverwrite releases the map fields of a struct value that is
// overwritten as a whole, as in `*c = Cache{}`.
func (c *checker) structOverwrite(as *ast.AssignStmt) {
	if as.Tok != token.ASSIGN {
		return
	}
	info := c.pass.TypesInfo
	for _, lhs := range as.Lhs {
		if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && v.Parent() != c.pass.Pkg.Scope() {
				continue // a local value, not the long-lived one
			}
		}
		c.releaseFieldsOf(info.TypeOf(lhs), make(map[types.Type]bool))
	}
}

func (c *checker) releaseFieldsOf(t types.Type, seen map[types.Type]bool) {
	if t == nil || seen[t] {
		return
	}
	seen[t] = true
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if tr := c.tracked[f.Origin()]; tr != nil {
			tr.releasedElsewhere()
		}
		c.releaseFieldsOf(f.Type(), seen)
	}
}

// positionalLiteral handles unkeyed struct literals, where fields have no
// identifier to find.
func (c *checker) positionalLiteral(lit *ast.CompositeLit) {
	if len(lit.Elts) == 0 {
		return
	}
	if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); keyed {
		return
	}
	tv, ok := c.pass.TypesInfo.Types[lit]
	if !ok {
		return
	}
	st, ok := tv.Type.Underlying().(*types.Struct)
	if !ok || st.NumFields() != len(lit.Elts) {
		return
	}
	for i, elt := range lit.Elts {
		if tr := c.tracked[st.Field(i).Origin()]; tr != nil && !c.isNewMap(elt) && !astutil.IsNil(c.pass.TypesInfo, elt) {
			tr.releasedElsewhere()
		}
	}
}

// classify decides what one use of a tracked map does to it. exprCur is
// the cursor of the identifier or selector naming the map.
func (c *checker) classify(t *tracked, exprCur inspector.Cursor) {
	info := c.pass.TypesInfo
	cur := astutil.UnparenUp(exprCur)
	parent := cur.Parent()
	kind, idx := cur.ParentEdge()
	switch kind {
	case edge.IndexExpr_X:
		switch astutil.UnparenUp(parent).ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
			key := parent.Node().(*ast.IndexExpr).Index
			c.insert(t, exprCur, mapKeyType(info.TypeOf(exprCur.Node().(ast.Expr))), key)
		}
		return // a lookup
	case edge.RangeStmt_X:
		return
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		bin := parent.Node().(*ast.BinaryExpr)
		if (bin.Op == token.EQL || bin.Op == token.NEQ) && (astutil.IsNil(info, bin.X) || astutil.IsNil(info, bin.Y)) {
			return
		}
	case edge.CallExpr_Args:
		call := parent.Node().(*ast.CallExpr)
		switch c.calleeEffect(call, idx) {
		case effectNone:
			return
		case effectInsert:
			c.helperInsert(t, exprCur)
			return
		case effectLen:
			if comparedToLimit(info, parent) {
				t.releasedElsewhere() // bounded
			}
			return
		}
		// effectRelease falls through.
	case edge.SelectorExpr_X:
		if eff, ok := c.methodEffect(parent); ok {
			switch eff {
			case effectNone:
				return
			case effectInsert:
				c.helperInsert(t, exprCur)
				return
			}
			break
		}
		if t.syncMap && parent.ParentEdgeKind() == edge.CallExpr_Fun {
			switch parent.Node().(*ast.SelectorExpr).Sel.Name {
			case "Store", "LoadOrStore", "Swap":
				var keyType types.Type
				var key ast.Expr
				if call := parent.Parent().Node().(*ast.CallExpr); len(call.Args) > 0 {
					key = call.Args[0]
					keyType = info.TypeOf(key)
				}
				c.insert(t, exprCur, keyType, key)
				return
			case "Load", "Range", "CompareAndSwap":
				return
			}
			// Delete, LoadAndDelete, CompareAndDelete, Clear.
		}
	case edge.AssignStmt_Lhs:
		as := parent.Node().(*ast.AssignStmt)
		if len(as.Lhs) == len(as.Rhs) && c.isNewMap(as.Rhs[idx]) && c.isCreation(t, exprCur) {
			return
		}
		// Re-made when the configuration is applied: between reloads,
		// which may never come, the map only grows.
		if len(as.Lhs) == len(as.Rhs) && c.isNewMap(as.Rhs[idx]) {
			if fn := configFunc(exprCur); fn != "" {
				t.onlyReplacedBy = fn
				return
			}
		}
		// Replaced by nil, by another map or by an unknown value.
	case edge.KeyValueExpr_Key:
		kv := parent.Node().(*ast.KeyValueExpr)
		if c.isNewMap(kv.Value) || astutil.IsNil(info, kv.Value) {
			return // creation
		}
	}
	// Emptied only when the owner shuts down: until then it only grows.
	if fn := c.shutdownRelease(exprCur); fn != "" {
		t.onlyEmptiedBy = fn
		return
	}
	t.releasedBy(exprCur)
}

// insert records an insertion into t of the key expression key (nil if
// unknown) of type keyType (nil if unknown), unless it cannot make the map
// grow without bound: it runs at start-up, registers something, reads
// configuration (astutil.InConfigCode, or a function called only from
// such code: as large as the configuration,
// once per load), is dead code, is guarded by a limit, or its key type
// has few values. Outside
// application code, a key chosen by the caller and a memo cache (lookup,
// then insert under the same key) are left to the caller: a library's
// callers usually ask for a bounded set of names, types or paths. A key
// passed to code that serves requests comes from a request, and counts.
func (c *checker) insert(t *tracked, exprCur inspector.Cursor, keyType types.Type, key ast.Expr) {
	if atInitTime(exprCur) || c.runsOnce(exprCur) || c.inInitializer(exprCur, exprCur.Node().(ast.Expr)) || c.inLazyFill(exprCur) || inRegistration(exprCur) || c.inConfig(exprCur) && (key == nil || !c.withRequest(key)) ||
		c.inDeadCode(exprCur) || c.guardedByLimit(exprCur) || c.boundedKey(keyType, 0) {
		return
	}
	var fromParams bool
	if key != nil {
		if tv, ok := c.pass.TypesInfo.Types[key]; ok && tv.Value != nil {
			return // a constant key: one entry, overwritten
		}
		var constants bool
		fromParams, constants = c.keyDomain(exprCur, key)
		if constants {
			return // a few constants, as a range over a literal list of them
		}
	}
	t.storedBy(exprCur) // whoever chose the key (cancelonly.go)
	if t.firstInsert.IsValid() {
		return
	}
	if key != nil {
		if !c.ownKeys && (fromParams || c.isMemoized(exprCur)) && !c.isTainted(key) && !c.namesRemote(exprCur, key) {
			if fromParams {
				t.callerKeys = append(t.callerKeys, callerInsert{cur: exprCur, key: key})
			}
			return
		}
	}
	t.firstInsert = exprCur.Node().Pos()
}

// atInitTime reports whether the code runs while the package initialises:
// in an init function or a package variable's initialiser.
func atInitTime(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.ValueSpec)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl:
			return n.Recv == nil && n.Name.Name == "init"
		case *ast.ValueSpec:
			if !astutil.InFunction(enc) {
				return true
			}
		}
	}
	return false
}

// isCreation reports whether assigning a new map to the tracked map at
// exprCur creates it rather than replacing a live one.
func (c *checker) isCreation(t *tracked, exprCur inspector.Cursor) bool {
	info := c.pass.TypesInfo
	e := exprCur.Node().(ast.Expr)
	if !t.field && atInitTime(exprCur) {
		return true
	}
	if t.field {
		if root := syntax.RootIdent(e); root != nil {
			if v, ok := info.Uses[root].(*types.Var); ok && c.freshLocals[v] {
				return true
			}
		}
	}
	for enc := range exprCur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.IfStmt:
			if astutil.IsNilCheckOf(info, n.Cond, types.ExprString(e)) && n.Body.Pos() <= e.Pos() && e.End() <= n.Body.End() {
				return true // lazy initialisation
			}
		case *ast.FuncLit:
			if enc.ParentEdgeKind() == edge.CallExpr_Args && astutil.IsOnceCall(info, enc.Parent().Node().(*ast.CallExpr)) {
				return true
			}
		case *ast.FuncDecl:
			return c.initializes(n, e)
		}
	}
	return false
}

// initializes reports whether fd is a method that sets up its receiver
// (`func (c *Conn) initJobs() { c.jobs = make(...) }`) and e is a field
// of that receiver: the package calls the method only on values it has
// just allocated (`c := &Conn{...}; c.initJobs()`), and nowhere else, not
// even as a method value. An unexported method only: importers could
// call an exported one on a live value.
func (c *checker) initializes(fd *ast.FuncDecl, e ast.Expr) bool {
	info := c.pass.TypesInfo
	if fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 || fd.Name.IsExported() {
		return false
	}
	root := syntax.RootIdent(e)
	if root == nil || info.Uses[root] != info.Defs[fd.Recv.List[0].Names[0]] {
		return false
	}
	fn, ok := info.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	if c.initMethods == nil {
		c.initMethods = c.methodsCalledOnFresh()
	}
	return c.initMethods[fn]
}

// inInitializer reports whether cur is in a method that initialises
// its receiver (see initializes) and e is a field of that receiver: it
// runs once in the value's life.
func (c *checker) inInitializer(cur inspector.Cursor, e ast.Expr) bool {
	for enc := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		fd, ok := enc.Node().(*ast.FuncDecl)
		return ok && c.initializes(fd, e)
	}
	return false
}

// methodsCalledOnFresh returns the methods of the package that its
// non-test files refer to only as calls on fresh local values, made
// where they stand (not by go or defer: a method a goroutine runs lives
// as long as the value).
func (c *checker) methodsCalledOnFresh() map[*types.Func]bool {
	info := c.pass.TypesInfo
	onFresh := make(map[*ast.SelectorExpr]bool)
	fresh := make(map[*types.Func]bool)
	other := make(map[*types.Func]bool)
	for fileCur := range c.pass.ResultOf[inspect.Analyzer].(*inspector.Inspector).Root().Children() {
		f := fileCur.Node().(*ast.File)
		if astutil.IsTestFile(c.pass, f) {
			continue
		}
		allocated := astutil.AllocatedLocals(info, fileCur)
		launched := make(map[*ast.CallExpr]bool) // go and defer: not set-up
		// In preorder a call comes before the selector it calls, and a go
		// or defer statement before its call.
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				launched[n.Call] = true
			case *ast.DeferStmt:
				launched[n.Call] = true
			case *ast.CallExpr:
				if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && !launched[n] {
					if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok {
						if v, ok := info.Uses[id].(*types.Var); ok && allocated[v] {
							onFresh[sel] = true
						}
					}
				}
			case *ast.SelectorExpr:
				if fn, ok := info.Uses[n.Sel].(*types.Func); ok && fn.Pkg() == c.pass.Pkg {
					if onFresh[n] {
						fresh[fn] = true
					} else {
						other[fn] = true
					}
				}
			}
			return true
		})
	}
	for fn := range other {
		delete(fresh, fn)
	}
	return fresh
}

// isNewMap reports whether e evaluates to a newly allocated map or sync.Map.
func (c *checker) isNewMap(e ast.Expr) bool {
	info := c.pass.TypesInfo
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		return mapKind(info.TypeOf(e)) != notMap
	case *ast.CallExpr:
		if b, ok := typeutil.Callee(info, e).(*types.Builtin); ok && (b.Name() == "make" || b.Name() == "new") {
			return true
		}
	}
	return false
}

// configFunc returns the name of the function declaration around cur when
// it applies or reloads configuration (its name says config or reload),
// or "".
func configFunc(cur inspector.Cursor) string {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		name := enc.Node().(*ast.FuncDecl).Name.Name
		if lower := strings.ToLower(name); strings.Contains(lower, "config") || strings.Contains(lower, "reload") {
			return name
		}
	}
	return ""
}

// inConfig reports whether cur reads configuration: astutil.InConfigCode,
// or a function called only from such code.
func (c *checker) inConfig(cur inspector.Cursor) bool {
	return astutil.InConfigCode(c.pass, cur) || astutil.InFuncOf(c.pass, cur, c.configOnly)
}
