package growonly

import (
	"cmp"
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

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

// Analyzer reports package-level maps and map fields of long-lived types
// that are inserted into but never deleted from, cleared, replaced or
// bounded anywhere in the package.
var Analyzer = &analysis.Analyzer{
	Name:     "growonly",
	Doc:      astutil.MustExtractDoc(doc, "growonly"),
	URL:      "https://pkg.go.dev/github.com/mapscope/mapscope/passes/growonly",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// appMode makes the analyzer treat every package as application code,
// as it always treats package main; see the package documentation.
var appMode bool

func init() {
	Analyzer.Flags.BoolVar(&appMode, "app", false,
		"treat every package as application code: also report exported maps, maps of exported or mutex-guarded types, memo caches and maps keyed by a caller's argument")
}

// tracked is one map variable or field whose every use in the package is
// examined.
type tracked struct {
	name    string // "sessions" or "Server.sessions", as the diagnostic says it
	field   bool
	syncMap bool
	owner   *types.TypeName // the struct type declaring a field

	firstInsert token.Pos // first insertion that counts, NoPos if none
	// released is true once any use shows the map may shrink, be
	// replaced or be handled by code the analyzer cannot see.
	released bool
}

type checker struct {
	pass *analysis.Pass
	// app is set for package main and with -app: the package's callers,
	// if any, are part of the same program and do not own its maps.
	app     bool
	tracked map[*types.Var]*tracked
	// freshLocals are local variables initialised with a newly allocated
	// value (&T{}, T{}, new(T), var x T): assigning their map fields is
	// creation, not replacement.
	freshLocals map[*types.Var]bool
	// onceFuncs are functions passed by name to sync.Once.Do and its
	// kin: they run once, like init.
	onceFuncs map[*types.Func]bool
	// enums are the named basic types with constants, built on first use.
	enums map[*types.TypeName]bool
	// params summarises what each function of the package does to its
	// map parameters and receivers.
	params map[*types.Var]effect
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass:        pass,
		app:         appMode || pass.Pkg.Name() == "main",
		tracked:     make(map[*types.Var]*tracked),
		freshLocals: make(map[*types.Var]bool),
		onceFuncs:   make(map[*types.Func]bool),
	}
	if isTestSupport(pass.Pkg.Path()) {
		return nil, nil // test helpers do not run in production
	}
	if (pass.Pkg.Name() == "main" || !appMode) && !importsNet(pass.Pkg) {
		// A program that is not a network service runs to completion:
		// its grow-only maps are symbol tables, not leaks. Library code
		// that cannot reach the network is taken as part of such a
		// program (a compiler, a generator, a command-line tool).
		return nil, nil
	}
	c.collectCandidates()
	if len(c.tracked) == 0 {
		return nil, nil
	}
	inspect := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for fileCur := range inspect.Root().Children() {
		file := fileCur.Node().(*ast.File)
		if isTestFile(pass, file) {
			continue
		}
		c.collectFreshLocals(fileCur)
		c.collectOnceFuncs(fileCur)
	}
	c.collectInitOnlyFuncs(inspect)
	c.summariseParams(inspect)
	for fileCur := range inspect.Root().Children() {
		file := fileCur.Node().(*ast.File)
		if isTestFile(pass, file) {
			continue
		}
		c.scanFile(fileCur)
	}
	c.report()
	return nil, nil
}

// isTestSupport reports whether the import path names a package that
// exists to support tests.
func isTestSupport(path string) bool {
	for elem := range strings.SplitSeq(path, "/") {
		switch elem {
		case "test", "tests", "testutil", "testutils", "testhelper", "testhelpers", "testenv", "testdata", "e2e":
			return true
		}
	}
	return false
}

// importsNet reports whether package net is among the transitive imports
// of pkg; for package main that is the whole program.
func importsNet(pkg *types.Package) bool {
	seen := make(map[*types.Package]bool)
	var walk func(p *types.Package) bool
	walk = func(p *types.Package) bool {
		if p.Path() == "net" {
			return true
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		for _, imp := range p.Imports() {
			if walk(imp) {
				return true
			}
		}
		return false
	}
	return walk(pkg)
}

// collectCandidates records the package-level map variables and the map
// fields of package-level struct types that the analyzer may report.
func (c *checker) collectCandidates() {
	pkg := c.pass.Pkg
	visible := func(name string) bool {
		return c.app || !token.IsExported(name)
	}
	longLived := c.longLivedTypes()
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Var:
			if kind := mapKind(obj.Type()); kind != notMap && visible(name) && name != "_" {
				c.tracked[obj] = &tracked{name: name, syncMap: kind == syncMapKind}
			}
		case *types.TypeName:
			if obj.IsAlias() || !visible(obj.Name()) {
				continue // importers own the values of an exported type
			}
			st, ok := obj.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				f := st.Field(i)
				kind := mapKind(f.Type())
				if kind == notMap || !visible(f.Name()) || f.Name() == "_" {
					continue
				}
				if !longLived[obj] && (kind != syncMapKind || !c.app) {
					continue // a map of a short-lived value dies with it
				}
				c.tracked[f] = &tracked{
					name:    obj.Name() + "." + f.Name(),
					field:   true,
					syncMap: kind == syncMapKind,
					owner:   obj,
				}
			}
		}
	}
}

// longLivedTypes returns the struct types of this package whose values
// are likely to live as long as the program: the types of package-level
// variables (directly, through a pointer or in a container), and the
// unexported types holding a mutex, which are shared between goroutines.
// Fields are not followed: a package variable of type *types.Scope says
// nothing about the lifetime of everything a Scope points to. An exported
// type with a mutex is left out: its values belong to importers, who
// decide how long they live.
func (c *checker) longLivedTypes() map[*types.TypeName]bool {
	pkg := c.pass.Pkg
	long := make(map[*types.TypeName]bool)
	var visit func(t types.Type, depth int)
	visit = func(t types.Type, depth int) {
		if depth > 4 {
			return
		}
		switch t := types.Unalias(t).(type) {
		case *types.Named:
			if tn := t.Origin().Obj(); tn.Pkg() == pkg {
				long[tn] = true
			}
		case *types.Pointer:
			visit(t.Elem(), depth+1)
		case *types.Slice:
			visit(t.Elem(), depth+1)
		case *types.Array:
			visit(t.Elem(), depth+1)
		case *types.Map:
			visit(t.Elem(), depth+1)
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Var:
			visit(obj.Type(), 0)
		case *types.TypeName:
			if st, ok := obj.Type().Underlying().(*types.Struct); ok && !obj.IsAlias() && hasMutex(st) && c.app {
				long[obj] = true
			}
		}
	}
	return long
}

func hasMutex(st *types.Struct) bool {
	for i := range st.NumFields() {
		if astutil.IsNamed(st.Field(i).Type(), "sync", "Mutex") || astutil.IsNamed(st.Field(i).Type(), "sync", "RWMutex") {
			return true
		}
	}
	return false
}

// collectFreshLocals records local variables whose initial value is a
// newly allocated struct.
func (c *checker) collectFreshLocals(fileCur inspector.Cursor) {
	info := c.pass.TypesInfo
	for cur := range fileCur.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE || len(n.Lhs) != len(n.Rhs) {
				continue
			}
			for i, lhs := range n.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok {
					continue
				}
				if v, ok := info.Defs[id].(*types.Var); ok && astutil.IsNewValue(info, n.Rhs[i]) {
					c.freshLocals[v] = true
				}
			}
		case *ast.ValueSpec:
			if !inFunction(cur) {
				continue // package level
			}
			for i, id := range n.Names {
				v, ok := info.Defs[id].(*types.Var)
				if !ok {
					continue
				}
				if len(n.Values) == 0 || (len(n.Values) == len(n.Names) && astutil.IsNewValue(info, n.Values[i])) {
					c.freshLocals[v] = true
				}
			}
		}
	}
}

// collectOnceFuncs records the functions passed by name to sync.Once.Do,
// sync.OnceFunc, sync.OnceValue or sync.OnceValues.
func (c *checker) collectOnceFuncs(fileCur inspector.Cursor) {
	info := c.pass.TypesInfo
	for cur := range fileCur.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if len(call.Args) != 1 || !isOnceCall(info, call) {
			continue
		}
		var id *ast.Ident
		switch arg := ast.Unparen(call.Args[0]).(type) {
		case *ast.Ident:
			id = arg
		case *ast.SelectorExpr:
			id = arg.Sel
		}
		if id == nil {
			continue
		}
		if fn, ok := info.Uses[id].(*types.Func); ok {
			c.onceFuncs[fn.Origin()] = true
		}
	}
}

// summariseParams computes, for every map parameter and receiver of the
// package's functions, whether the function only reads the map, inserts
// into it, or may release it (delete, replace, or hand it on to unknown
// code). Calls between the package's functions are resolved by iterating
// to a fixed point from the optimistic "only reads"; effects only rise, so
// this ends after at most two rounds per parameter.
func (c *checker) summariseParams(inspect *inspector.Inspector) {
	c.params = make(map[*types.Var]effect)
	type use struct {
		param *types.Var
		cur   inspector.Cursor
	}
	var uses []use
	for fileCur := range inspect.Root().Children() {
		if isTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for declCur := range fileCur.Preorder((*ast.FuncDecl)(nil)) {
			decl := declCur.Node().(*ast.FuncDecl)
			if decl.Body == nil {
				continue
			}
			local := make(map[*types.Var]bool)
			for _, list := range []*ast.FieldList{decl.Recv, decl.Type.Params} {
				if list == nil {
					continue
				}
				for _, field := range list.List {
					for _, name := range field.Names {
						if v, ok := c.pass.TypesInfo.Defs[name].(*types.Var); ok && mapKind(v.Type()) != notMap {
							c.params[v] = effectNone
							local[v] = true
						}
					}
				}
			}
			if len(local) == 0 {
				continue
			}
			bodyCur := declCur.ChildAt(edge.FuncDecl_Body, -1)
			for idCur := range bodyCur.Preorder((*ast.Ident)(nil)) {
				if v, ok := c.pass.TypesInfo.Uses[idCur.Node().(*ast.Ident)].(*types.Var); ok && local[v] {
					uses = append(uses, use{v, idCur})
				}
			}
		}
	}
	for round := 0; ; round++ {
		if round > 2*len(c.params)+1 {
			for v := range c.params {
				c.params[v] = effectRelease // cannot happen; stay safe
			}
			return
		}
		changed := false
		for _, u := range uses {
			if eff := c.paramUseEffect(u.cur); eff > c.params[u.param] {
				c.params[u.param] = max(eff, c.params[u.param])
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// paramEffect is what the package's function does to its parameter v.
func (c *checker) paramEffect(v *types.Var) effect {
	if eff, ok := c.params[v]; ok {
		return eff
	}
	return effectRelease
}

// methodEffect reports what calling the method selected at selCur does to
// its receiver, when it is a method of this package on a map type.
func (c *checker) methodEffect(selCur inspector.Cursor) (effect, bool) {
	sel, ok := c.pass.TypesInfo.Selections[selCur.Node().(*ast.SelectorExpr)]
	if !ok || sel.Kind() != types.MethodVal || selCur.ParentEdgeKind() != edge.CallExpr_Fun {
		return 0, false
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok || fn.Pkg() != c.pass.Pkg {
		return 0, false
	}
	recv := fn.Origin().Signature().Recv()
	if recv == nil || mapKind(recv.Type()) == notMap {
		return 0, false
	}
	return c.paramEffect(recv), true
}

// paramUseEffect classifies one use of a map parameter inside its function.
func (c *checker) paramUseEffect(idCur inspector.Cursor) effect {
	info := c.pass.TypesInfo
	cur := astutil.UnparenUp(idCur)
	parent := cur.Parent()
	kind, idx := cur.ParentEdge()
	switch kind {
	case edge.IndexExpr_X:
		switch astutil.UnparenUp(parent).ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
			return effectInsert
		}
		return effectNone
	case edge.RangeStmt_X:
		return effectNone
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		bin := parent.Node().(*ast.BinaryExpr)
		if astutil.IsNil(info, bin.X) || astutil.IsNil(info, bin.Y) {
			return effectNone
		}
	case edge.CallExpr_Args:
		switch eff := c.calleeEffect(parent.Node().(*ast.CallExpr), idx); eff {
		case effectLen:
			return effectNone
		default:
			return eff
		}
	case edge.SelectorExpr_X:
		if eff, ok := c.methodEffect(parent); ok {
			return eff
		}
		if mapKind(info.TypeOf(idCur.Node().(ast.Expr))) == syncMapKind && parent.ParentEdgeKind() == edge.CallExpr_Fun {
			switch parent.Node().(*ast.SelectorExpr).Sel.Name {
			case "Store", "LoadOrStore", "Swap":
				return effectInsert
			case "Load", "Range", "CompareAndSwap":
				return effectNone
			}
		}
	}
	return effectRelease
}

// helperInsert records an insertion made by a function of the package the
// map is passed to. The key is the helper's business: in library code the
// insertion is not counted (the key is likely the caller's argument), in
// application code it is.
func (c *checker) helperInsert(t *tracked, exprCur inspector.Cursor) {
	if !c.app {
		return
	}
	c.insert(t, exprCur, mapKeyType(c.pass.TypesInfo.TypeOf(exprCur.Node().(ast.Expr))), nil)
}

// collectInitOnlyFuncs adds to onceFuncs the package-level functions that
// are only ever called at start-up: from init, a package initialiser, a
// sync.Once, or another such function (as a registry filled by
// `func init() { load("en") }`). Exported functions qualify only in
// package main, which nobody else can call.
func (c *checker) collectInitOnlyFuncs(inspect *inspector.Inspector) {
	refs := make(map[*types.Func][]inspector.Cursor)
	scope := c.pass.Pkg.Scope()
	for fileCur := range inspect.Root().Children() {
		if isTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.Ident)(nil)) {
			fn, ok := c.pass.TypesInfo.Uses[cur.Node().(*ast.Ident)].(*types.Func)
			if ok && fn.Pkg() == c.pass.Pkg && fn.Parent() == scope {
				refs[fn] = append(refs[fn], cur)
			}
		}
	}
	for fn, uses := range refs {
		if fn.Exported() && c.pass.Pkg.Name() != "main" {
			delete(refs, fn)
			continue
		}
		for _, u := range uses {
			if u.ParentEdgeKind() != edge.CallExpr_Fun {
				delete(refs, fn) // used as a value: may run any time
				break
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for fn, uses := range refs {
			if c.onceFuncs[fn] {
				continue
			}
			once := true
			for _, u := range uses {
				if !atInitTime(u) && !c.runsOnce(u) {
					once = false
					break
				}
			}
			if once {
				c.onceFuncs[fn] = true
				changed = true
			}
		}
	}
}

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
	if inFunction(cur) {
		return
	}
	for i, id := range spec.Names {
		v, ok := c.pass.TypesInfo.Defs[id].(*types.Var)
		if !ok || c.tracked[v] == nil || len(spec.Values) == 0 {
			continue
		}
		if len(spec.Values) != len(spec.Names) || !c.isNewMap(spec.Values[i]) {
			c.tracked[v].released = true
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
			tr.released = true
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
			tr.released = true
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
				t.released = true // bounded
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
		// Replaced by nil, by another map or by an unknown value.
	case edge.KeyValueExpr_Key:
		kv := parent.Node().(*ast.KeyValueExpr)
		if c.isNewMap(kv.Value) || astutil.IsNil(info, kv.Value) {
			return // creation
		}
	}
	t.released = true
}

// insert records an insertion into t of the key expression key (nil if
// unknown) of type keyType (nil if unknown), unless it cannot make the map
// grow without bound: it runs at start-up, registers something, is dead
// code, is guarded by a limit, or its key type has few values. Outside
// application code, a key chosen by the caller and a memo cache (lookup,
// then insert under the same key) are left to the caller: a library's
// callers usually ask for a bounded set of names, types or paths.
func (c *checker) insert(t *tracked, exprCur inspector.Cursor, keyType types.Type, key ast.Expr) {
	if t.firstInsert.IsValid() || atInitTime(exprCur) || c.runsOnce(exprCur) || c.inLazyFill(exprCur) || inRegistration(exprCur) ||
		c.inDeadCode(exprCur) || c.guardedByLimit(exprCur) || c.boundedKey(keyType, 0) {
		return
	}
	if key != nil {
		if tv, ok := c.pass.TypesInfo.Types[key]; ok && tv.Value != nil {
			return // a constant key: one entry, overwritten
		}
	}
	if !c.app && key != nil && (c.isCallerKey(exprCur, key) || c.isMemoized(exprCur)) {
		return
	}
	t.firstInsert = exprCur.Node().Pos()
}

// isCallerKey reports whether key is a parameter of the function holding
// the insertion, possibly converted.
func (c *checker) isCallerKey(cur inspector.Cursor, key ast.Expr) bool {
	info := c.pass.TypesInfo
	for {
		call, ok := ast.Unparen(key).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			break
		}
		if tv, ok := info.Types[call.Fun]; !ok || !tv.IsType() {
			break
		}
		key = call.Args[0]
	}
	id, ok := ast.Unparen(key).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		var ft *ast.FuncType
		switch n := enc.Node().(type) {
		case *ast.FuncDecl:
			ft = n.Type
		case *ast.FuncLit:
			ft = n.Type
		}
		if ft.Params != nil && ft.Params.Pos() <= v.Pos() && v.Pos() < ft.Params.End() {
			return true
		}
	}
	return false
}

// isMemoized reports whether the function holding the insertion into the
// map at cur looks a key up in the same map before inserting: a memo cache
// or an interning table. The key expressions need not match:
// `s, ok := m[string(b)]; if !ok { s = string(b); m[s] = s }`.
func (c *checker) isMemoized(cur inspector.Cursor) bool {
	var body ast.Node
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		body = enc.Node()
		break
	}
	if body == nil {
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
			if enc.ParentEdgeKind() == edge.CallExpr_Args && isOnceCall(c.pass.TypesInfo, enc.Parent().Node().(*ast.CallExpr)) {
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
// bytes, enumerations of this package, and structs or arrays of those.
func (c *checker) boundedKey(t types.Type, depth int) bool {
	if t == nil || depth > 3 {
		return false
	}
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil {
		switch n.Obj().Pkg().Path() {
		case "reflect", "go/types", "internal/abi":
			return true
		}
		if n.Obj().Pkg() == c.pass.Pkg && c.isEnum(n) {
			return true
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Bool, types.Int8, types.Uint8:
			return true
		}
	case *types.Struct:
		for i := range u.NumFields() {
			if !c.boundedKey(u.Field(i).Type(), depth+1) {
				return false
			}
		}
		return u.NumFields() > 0
	case *types.Array:
		return c.boundedKey(u.Elem(), depth+1)
	}
	return false
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

func mapKeyType(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if m, ok := t.Underlying().(*types.Map); ok {
		return m.Key()
	}
	return nil
}

// atInitTime reports whether the code runs while the package initialises:
// in an init function or a package variable's initialiser.
func atInitTime(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.ValueSpec)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl:
			return n.Recv == nil && n.Name.Name == "init"
		case *ast.ValueSpec:
			if !inFunction(enc) {
				return true
			}
		}
	}
	return false
}

// inFunction reports whether cur lies inside a function body.
func inFunction(cur inspector.Cursor) bool {
	for range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return true
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
			if enc.ParentEdgeKind() == edge.CallExpr_Args && isOnceCall(info, enc.Parent().Node().(*ast.CallExpr)) {
				return true
			}
		case *ast.FuncDecl:
			return false
		}
	}
	return false
}

func isOnceCall(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return false
	}
	switch fn.Name() {
	case "Do", "OnceFunc", "OnceValue", "OnceValues":
		return true
	}
	return false
}

type effect int

const (
	// Ordered: a function's effect on a parameter is the largest of its
	// uses' effects.
	effectNone    effect = iota // the callee only reads the map
	effectInsert                // it inserts, and neither deletes nor keeps it
	effectRelease               // it may delete from, replace or keep the map
	effectLen
)

// calleeEffect says what a call does to the map passed as argument argIndex.
func (c *checker) calleeEffect(call *ast.CallExpr, argIndex int) effect {
	info := c.pass.TypesInfo
	switch fn := typeutil.Callee(info, call).(type) {
	case *types.Builtin:
		switch fn.Name() {
		case "len":
			return effectLen
		case "delete", "clear":
			return effectRelease
		case "print", "println":
			return effectNone
		}
	case *types.Func:
		if fn.Pkg() == nil {
			return effectRelease
		}
		if fn.Pkg() == c.pass.Pkg {
			sig := fn.Origin().Signature()
			if argIndex >= sig.Params().Len() || (sig.Variadic() && argIndex >= sig.Params().Len()-1) {
				return effectRelease
			}
			return c.paramEffect(sig.Params().At(argIndex))
		}
		switch fn.Pkg().Path() {
		case "fmt":
			return effectNone // printing reads through reflection only
		case "maps":
			switch fn.Name() {
			case "Keys", "Values", "All", "Clone", "Equal", "EqualFunc":
				return effectNone
			case "Copy", "Insert":
				if argIndex == 0 {
					return effectInsert
				}
				return effectNone
			}
		}
	}
	return effectRelease
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

type kindOfMap int

const (
	notMap kindOfMap = iota
	builtinMapKind
	syncMapKind
)

func mapKind(t types.Type) kindOfMap {
	if t == nil {
		return notMap
	}
	if astutil.IsNamed(t, "sync", "Map") {
		return syncMapKind
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok && astutil.IsNamed(p.Elem(), "sync", "Map") {
		return syncMapKind
	}
	if _, ok := t.Underlying().(*types.Map); ok {
		return builtinMapKind
	}
	return notMap
}

func isTestFile(pass *analysis.Pass, f *ast.File) bool {
	return strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "_test.go")
}

func (c *checker) report() {
	var found []*tracked
	for _, t := range c.tracked {
		if !t.released && t.firstInsert.IsValid() {
			found = append(found, t)
		}
	}
	slices.SortFunc(found, func(a, b *tracked) int { return cmp.Compare(a.firstInsert, b.firstInsert) })
	for _, t := range found {
		what := "map"
		if t.syncMap {
			what = "sync.Map"
		}
		if t.field {
			what += " field"
		}
		c.pass.Report(analysis.Diagnostic{
			Pos:     t.firstInsert,
			Message: fmt.Sprintf("%s %s only grows: nothing in the package deletes from it, clears it or replaces it", what, t.name),
		})
	}
}
