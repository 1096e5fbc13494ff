package mapprealloc

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/mapscope/mapscope/internal/facts"
	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/internal/tripcount"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

//go:embed doc.go
var doc string

// Analyzer reports maps made without a size hint and filled by a loop of
// known length.
var Analyzer = &analysis.Analyzer{
	Name:     "mapprealloc",
	Doc:      astutil.MustExtractDoc(doc, "mapprealloc"),
	URL:      "https://pkg.go.dev/github.com/mapscope/mapscope/passes/mapprealloc",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	// //mapscope:ignore and //nolint comments silence a finding.
	astutil.Suppress(pass)
	inspect := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	// Statement lists are where a make and the loop after it meet.
	filter := []ast.Node{
		(*ast.File)(nil),
		(*ast.BlockStmt)(nil),
		(*ast.CaseClause)(nil),
		(*ast.CommClause)(nil),
	}
	inTest := false
	q := &quietCode{pass: pass, inspect: inspect}
	inspect.Preorder(filter, func(n ast.Node) {
		if f, ok := n.(*ast.File); ok {
			// Test code builds maps to exercise them, often growth itself
			// (runtime and maps tests, benchmarks of insertion), and its
			// allocations do not reach production.
			inTest = astutil.IsTestFile(pass, f)
			return
		}
		list := astutil.Stmts(n)
		if inTest {
			return
		}
		for i, stmt := range list {
			if made, ok := madeMap(pass, stmt); ok {
				if !checkFill(pass, q, made, list[i+1:]) {
					checkRebuild(pass, q, made, list[i+1:])
				}
			}
			if made, ok := madeReflectMap(pass, stmt); ok {
				checkFill(pass, q, made, list[i+1:])
			}
			for _, made := range madeInStruct(pass, stmt) {
				checkFieldFill(pass, q, made, list[i+1:])
			}
			checkLazyFieldFill(pass, q, stmt, list[i+1:])
		}
	})
	return nil, nil
}

// madeMapStmt is a statement that makes a local map without a size hint.
type madeMapStmt struct {
	stmt ast.Stmt
	obj  *types.Var // the map variable, or the struct variable of field
	init ast.Expr   // the make call or the empty composite literal
	// field is set when the map is made for a field of a new struct value
	// (`as := &accountSet{accounts: make(...)}`, see fieldfill.go).
	field *types.Var
	// reflect is set for a map made by reflect.MakeMap into the
	// reflect.Value obj and filled by obj.SetMapIndex (see decode.go).
	reflect bool
}

// name is the map's name as the diagnostic writes it.
func (m madeMapStmt) name() string {
	if m.field != nil {
		return m.field.Name()
	}
	return m.obj.Name()
}

// madeMap recognises "m := make(map[K]V)", "m = map[K]V{}" and
// "var m = make(map[K]V)" for a local variable m.
func madeMap(pass *analysis.Pass, stmt ast.Stmt) (madeMapStmt, bool) {
	lhs, rhs, _, ok := astutil.OneAssign(stmt)
	if !ok {
		return madeMapStmt{}, false
	}
	id, ok := lhs.(*ast.Ident)
	if !ok {
		return madeMapStmt{}, false
	}
	obj, ok := pass.TypesInfo.ObjectOf(id).(*types.Var)
	if !ok || obj.IsField() || obj.Pkg() == nil || obj.Parent() == obj.Pkg().Scope() || obj.Parent() == nil {
		return madeMapStmt{}, false
	}
	if !isUnsizedMap(pass, rhs) {
		return madeMapStmt{}, false
	}
	return madeMapStmt{stmt: stmt, obj: obj, init: ast.Unparen(rhs)}, true
}

// isUnsizedMap reports whether e is make(map[K]V) without a size argument
// or an empty map composite literal, of a map type or of a type parameter
// whose type set holds only maps (make(M), M{}).
func isUnsizedMap(pass *analysis.Pass, e ast.Expr) bool {
	e = ast.Unparen(e)
	t := pass.TypesInfo.TypeOf(e)
	if t == nil {
		return false
	}
	if coreMap(t) == nil {
		return false
	}
	switch e := e.(type) {
	case *ast.CallExpr:
		fn, ok := ast.Unparen(e.Fun).(*ast.Ident)
		if !ok || len(e.Args) != 1 {
			return false
		}
		b, ok := pass.TypesInfo.Uses[fn].(*types.Builtin)
		return ok && b.Name() == "make"
	case *ast.CompositeLit:
		return len(e.Elts) == 0 && e.Type != nil
	}
	return false
}

// checkFill looks at the statements after the make for the loop that
// fills the map, and reports it when the loop's length is known. It
// returns whether the loop fills the map, reported or not: in code where
// the hint cannot matter (see quiet.go) the finding is dropped.
func checkFill(pass *analysis.Pass, q *quietCode, made madeMapStmt, rest []ast.Stmt) bool {
	for i, stmt := range rest {
		if !mentions(pass, stmt, made.obj) {
			continue
		}
		// The first statement that uses the map must be the loop.
		fill := noFill
		loop, ok := knownLengthLoop(pass, stmt)
		if ok {
			fill = fillOf(pass, loop, made.obj)
		} else if loop, ok = breakingLoop(pass, stmt); ok && fillOf(pass, loop, made.obj) == decoderFill {
			fill = decoderFill // a decoder that stops at malformed input
		}
		if fill == noFill {
			return false
		}
		if !q.quiet(made.stmt, loop.stmt, fill == decoderFill) {
			report(pass, made, loop, rest[:i])
		}
		return true
	}
	return false
}

// loopInfo describes a loop whose trip count is known before it starts.
type loopInfo struct {
	stmt  ast.Stmt
	body  *ast.BlockStmt
	count tripcount.Count // the count, as heap analysis computes it too
}

// knownLengthLoop returns the loop stmt is, with its trip count, when
// that is known before it starts.
func knownLengthLoop(pass *analysis.Pass, stmt ast.Stmt) (loopInfo, bool) {
	return loopOf(pass, stmt, tripcount.Of)
}

// breakingLoop is knownLengthLoop for a loop whose body may break out:
// its count bounds the iterations (decode.go).
func breakingLoop(pass *analysis.Pass, stmt ast.Stmt) (loopInfo, bool) {
	return loopOf(pass, stmt, tripcount.Bound)
}

func loopOf(pass *analysis.Pass, stmt ast.Stmt, counter func(*types.Info, ast.Stmt) (tripcount.Count, bool)) (loopInfo, bool) {
	var body *ast.BlockStmt
	switch s := stmt.(type) {
	case *ast.RangeStmt:
		body = s.Body
	case *ast.ForStmt:
		body = s.Body
	default:
		return loopInfo{}, false
	}
	count, ok := counter(pass.TypesInfo, stmt)
	if !ok {
		return loopInfo{}, false
	}
	return loopInfo{stmt: stmt, body: body, count: count}, true
}

// A fill is how a loop fills a map, if it does.
type fill int

const (
	noFill      fill = iota
	elementFill      // once per element, at a key the element identifies
	decoderFill      // once per entry of a serialized map (decode.go)
)

// fillOf tells whether the loop body inserts into m exactly once per
// iteration, at a key built from the loop variables or decoded in the
// iteration, and uses m nowhere else but in a duplicate check that leaves
// the function (see dupGuard).
func fillOf(pass *analysis.Pass, loop loopInfo, m *types.Var) fill {
	var insert, guard ast.Expr // the inserted key; the key a duplicate check looks up, if any
	returnsMap := false        // a return in the body hands the map on (a decoder's error path)
	for _, stmt := range loop.body.List {
		if !mentions(pass, stmt, m) || onlyTypeOf(pass, stmt, m) {
			continue
		}
		if onlyReturned(pass, stmt, m) {
			returnsMap = true
			continue
		}
		if key := dupGuard(pass, stmt, m); key != nil && insert == nil && guard == nil {
			guard = key
			continue
		}
		key, ok := insertKey(pass, stmt, m)
		if !ok || insert != nil {
			return noFill
		}
		insert = key
	}
	if insert == nil {
		return noFill
	}
	key := insert
	if countedLoop(pass, loop.stmt) && decodedKey(pass, loop.body, key, loop.count.Vars) {
		// A decoder reading a serialized map: every key is new, and a
		// return or break ends the decoding of a malformed message
		// (decode.go). An entry skipped by continue, or a break, leaves
		// the count an upper bound.
		return decoderFill
	}
	// Beyond decoders, a loop stepping over a flat list of pairs
	// (`m[kv[i]] = kv[i+1]`, i += 2) fills a map of a few attributes or
	// headers (chromedp's attributeMap, rod's SetExtraHeaders): not
	// reported.
	if returnsMap || len(loop.count.Vars) == 0 || loop.count.Step > 1 {
		return noFill
	}
	guarded := guard != nil && exprText(pass, guard) == exprText(pass, key) && !astutil.ConfigFunc(pass, loop.stmt.Pos())
	// Returns that drop the map are allowed only with a duplicate check:
	// without one, a loop that returns errors is mostly parsing or
	// validation, run once, whose hint cannot matter.
	if leavesEarly(pass, loop.body, m, guarded) {
		return noFill
	}
	varies := keyVariesPerIteration(pass, key, loop.count.Vars, isSet(m.Type()))
	if guarded {
		// A repeated key ends the function, so every iteration that
		// keeps the map adds a new key: the loop's length is exact,
		// whatever the key is built from, as long as it changes with the
		// element.
		varies = usesAny(pass, definedIn(pass, loop.body, key), loop.count.Vars)
	}
	if !varies {
		return noFill
	}
	return elementFill
}

// onlyReturned reports whether stmt mentions m only in return statements
// (`if err != nil { return m, err }`).
func onlyReturned(pass *analysis.Pass, stmt ast.Stmt, m *types.Var) bool {
	outside := false
	ast.Inspect(stmt, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			return false
		case *ast.Ident:
			outside = outside || pass.TypesInfo.ObjectOf(n) == m
		}
		return !outside
	})
	return !outside
}

// insertKey recognises the insert of a loop body, m[k] = v on a map
// variable or m.SetMapIndex(k, v) on a reflect.Value, and returns k. The
// key and value must not read m.
func insertKey(pass *analysis.Pass, stmt ast.Stmt, m *types.Var) (ast.Expr, bool) {
	if isReflectValue(m.Type()) {
		return reflectInsert(pass, stmt, m)
	}
	as, ok := stmt.(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return nil, false
	}
	idx, ok := as.Lhs[0].(*ast.IndexExpr)
	if !ok || !isIdentOf(pass, idx.X, m) || mentions(pass, idx.Index, m) || mentions(pass, as.Rhs[0], m) {
		return nil, false
	}
	return idx.Index, true
}

// dupGuard recognises a duplicate check on m that leaves the function,
// `if _, ok := m[k]; ok { ...; return ... }` or `if m[k] { ...; return ...
// }`, and returns the key k it looks up.
func dupGuard(pass *analysis.Pass, stmt ast.Stmt, m *types.Var) ast.Expr {
	ifs, ok := stmt.(*ast.IfStmt)
	if !ok || ifs.Else != nil || len(ifs.Body.List) == 0 || mentions(pass, ifs.Body, m) {
		return nil
	}
	if _, ok := ifs.Body.List[len(ifs.Body.List)-1].(*ast.ReturnStmt); !ok {
		return nil
	}
	lookup := func(e ast.Expr) ast.Expr {
		if idx, ok := ast.Unparen(e).(*ast.IndexExpr); ok && isIdentOf(pass, idx.X, m) && !mentions(pass, idx.Index, m) {
			return idx.Index
		}
		return nil
	}
	if ifs.Init == nil {
		return lookup(ifs.Cond) // a bool set
	}
	as, ok := ifs.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return nil
	}
	okID, isID := as.Lhs[1].(*ast.Ident)
	if !isID || !isIdentOf(pass, ifs.Cond, pass.TypesInfo.Defs[okID]) {
		return nil
	}
	return lookup(as.Rhs[0])
}

// definedIn returns the expression a local variable key was defined from
// by a statement of body (`hash := tx.Hash()`), or key itself.
func definedIn(pass *analysis.Pass, body *ast.BlockStmt, key ast.Expr) ast.Expr {
	id, ok := ast.Unparen(key).(*ast.Ident)
	if !ok {
		return key
	}
	obj := pass.TypesInfo.Uses[id]
	for _, stmt := range body.List {
		if as, ok := stmt.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && len(as.Lhs) == len(as.Rhs) {
			for i, lhs := range as.Lhs {
				if l, ok := lhs.(*ast.Ident); ok && obj != nil && pass.TypesInfo.Defs[l] == obj {
					return as.Rhs[i]
				}
			}
		}
	}
	return key
}

func usesAny(pass *analysis.Pass, e ast.Expr, vars []types.Object) bool {
	for _, v := range vars {
		if mentions(pass, e, v) {
			return true
		}
	}
	return false
}

// keyVariesPerIteration reports whether the key is likely new in every
// iteration, so that the loop's length is the map's final size rather
// than a gross overestimate.
//
// The loop variable itself (or a conversion of it), an element xs[i], and
// those plus or minus a value that does not change in the loop (k+"!",
// i+1) qualify. A key derived from the element as an attribute of it
// (u.Country, u.Region(), t["zone"], zoneOf(u)) does not: attributes
// repeat across elements, and a hint of len(users) for 200 countries
// allocated 101 MB and took 86 ms where the unsized map took 22 KB and 28
// ms (1M elements, 200 countries; issue 11 measured 134 MB against 32 KB). The analyzer cannot see the data, so it goes by the name:
// a field or method of the element itself whose name says identity
// (u.ID, c.UserID, it.key, spec.Name, l.String(), tx.Hash()) is taken as
// distinct per element; anything else, or the identity of something the
// element refers to (u.Owner.ID), is not reported at all. In a set
// (map[K]bool, map[K]struct{}) only the element itself qualifies: a set
// of a field collects its distinct values, which repeat by design (found
// on prometheus and go-redis, see docs/lint-results.md).
func keyVariesPerIteration(pass *analysis.Pass, key ast.Expr, vars []types.Object, set bool) bool {
	key = unconvert(pass, key)
	isVar := func(e ast.Expr) bool {
		return slices.ContainsFunc(vars, func(v types.Object) bool { return isIdentOf(pass, e, v) })
	}
	// isElem: the loop variable or xs[i], the element at the loop index.
	isElem := func(e ast.Expr) bool {
		e = unconvert(pass, e)
		idx, ok := e.(*ast.IndexExpr)
		return isVar(e) || ok && !usesAny(pass, idx.X, vars) && isVar(idx.Index)
	}
	if isElem(key) {
		return true
	}
	if bin, ok := key.(*ast.BinaryExpr); ok && (bin.Op == token.ADD || bin.Op == token.SUB) {
		// A shift by a loop-invariant value keeps keys apart.
		return isElem(bin.X) && !usesAny(pass, bin.Y, vars) ||
			isElem(bin.Y) && !usesAny(pass, bin.X, vars)
	}
	if set {
		return false
	}
	// An identity of the element: a field or method selected on it
	// (u.ID, l.String()), or a function of it named so (keyOf(u)).
	switch k := key.(type) {
	case *ast.SelectorExpr:
		return isElem(k.X) && identityName(k.Sel.Name)
	case *ast.CallExpr:
		switch fn := ast.Unparen(k.Fun).(type) {
		case *ast.SelectorExpr: // u.Key() or pkg.KeyOf(u)
			return identityName(fn.Sel.Name) &&
				(len(k.Args) == 0 && isElem(fn.X) || len(k.Args) == 1 && isElem(k.Args[0]))
		case *ast.Ident: // keyOf(u)
			return identityName(fn.Name) && len(k.Args) == 1 && isElem(k.Args[0])
		}
	}
	return false
}

// identityName reports whether the name of a field, method or function
// says it identifies its value: it is or ends with ID (UserID, userId),
// Key, Name, UUID or Hash, optionally followed by Of (keyOf), or is String
// (a canonical form, as labels.String()).
func identityName(name string) bool {
	if name == "String" {
		return true
	}
	name = strings.TrimSuffix(name, "Of")
	for _, id := range []string{"ID", "Id", "Key", "Name", "UUID", "Hash"} {
		if strings.HasSuffix(name, id) || name == strings.ToLower(id) {
			return true
		}
	}
	return false
}

// unconvert strips type conversions such as string(b) or Name(k).
func unconvert(pass *analysis.Pass, e ast.Expr) ast.Expr {
	for {
		e = ast.Unparen(e)
		call, ok := e.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return e
		}
		if tv, ok := pass.TypesInfo.Types[call.Fun]; !ok || !tv.IsType() {
			return e
		}
		e = call.Args[0]
	}
}

// coreMap returns the map type behind t: its underlying type, or for a
// type parameter (M ~map[K]V) the map type that every term of its
// constraint has as underlying type, which make(M, n) and M{} build (go/types
// does not export its core type function). A type parameter whose type set
// is not made only of maps gives nil.
func coreMap(t types.Type) *types.Map {
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		m, _ := t.Underlying().(*types.Map)
		return m
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	return termsMap(iface)
}

// termsMap returns the map type shared by the terms of iface, or nil when
// a term is not a map, the maps differ or iface has no terms at all (any,
// comparable, a method set).
func termsMap(iface *types.Interface) *types.Map {
	var core *types.Map
	for i := range iface.NumEmbeddeds() {
		var terms []types.Type
		if u, ok := iface.EmbeddedType(i).(*types.Union); ok {
			for j := range u.Len() {
				terms = append(terms, u.Term(j).Type())
			}
		} else {
			terms = append(terms, iface.EmbeddedType(i)) // map[K]V or an interface
		}
		for _, term := range terms {
			var m *types.Map
			switch u := term.Underlying().(type) {
			case *types.Map:
				m = u
			case *types.Interface:
				if u.IsMethodSet() {
					continue // methods do not narrow the type set's terms
				}
				m = termsMap(u)
			}
			if m == nil || core != nil && !types.Identical(core, m) {
				return nil
			}
			core = m
		}
	}
	return core
}

// isSet reports whether t is a map whose values carry no information:
// map[K]bool or map[K]struct{}.
func isSet(t types.Type) bool {
	m := coreMap(t)
	if m == nil {
		return false
	}
	switch e := m.Elem().Underlying().(type) {
	case *types.Basic:
		return e.Kind() == types.Bool
	case *types.Struct:
		return e.NumFields() == 0
	}
	return false
}

// leavesEarly reports whether body contains a statement that may end an
// iteration or the loop before the insert: break, continue, goto, a
// label or a return. With dropOnReturn, a return that does not mention
// the map is allowed: it drops the map (an error path), so it costs the
// hint nothing on the path that keeps it. Function literals are not part
// of the iteration's flow.
func leavesEarly(pass *analysis.Pass, body *ast.BlockStmt, m *types.Var, dropOnReturn bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt, *ast.LabeledStmt:
			found = true
		case *ast.ReturnStmt:
			found = !dropOnReturn || mentions(pass, n, m)
		}
		return !found
	})
	return found
}

func report(pass *analysis.Pass, made madeMapStmt, loop loopInfo, between []ast.Stmt) {
	hint := loop.count.Expr
	how := ""
	if made.reflect {
		how = "by reflect.MakeMap "
	}
	diag := analysis.Diagnostic{
		Pos:     made.init.Pos(),
		End:     made.init.End(),
		Message: fmt.Sprintf("map %s is made %swithout a size hint but the loop below fills it %s times", made.name(), how, hint),
		URL:     facts.URL(facts.HintAvoidsGrowth),
	}
	// The inserts are named as related positions: mapscope lint
	// -profile looks for the growth a CPU profile charges to their lines.
	for _, pos := range fillPositions(pass, made, loop.body) {
		diag.Related = append(diag.Related, analysis.RelatedInformation{Pos: pos, Message: made.name() + " is filled here"})
	}
	if fixable(pass, loop.count, made.stmt.Pos(), between) {
		diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   "add size hint " + hint,
			TextEdits: []analysis.TextEdit{hintEdit(pass, made.init, hint)},
		}}
	}
	pass.Report(diag)
}

// fixable reports whether the count can be written as the hint of the
// make: it is never negative (a negative hint panics), and what it reads
// can be evaluated at the make, once more, without side effects.
func fixable(pass *analysis.Pass, count tripcount.Count, at token.Pos, between []ast.Stmt) bool {
	if !count.NonNegative {
		return false
	}
	for _, e := range count.Reads {
		if !pure(pass, e) || !movable(pass, e, at, between) {
			return false
		}
	}
	return true
}

func hintEdit(pass *analysis.Pass, init ast.Expr, hint string) analysis.TextEdit {
	switch e := init.(type) {
	case *ast.CallExpr:
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "MakeMap" {
			// reflect.MakeMap(t) becomes reflect.MakeMapWithSize(t, n).
			return analysis.TextEdit{Pos: sel.Sel.Pos(), End: e.Rparen, NewText: []byte("MakeMapWithSize(" + exprText(pass, e.Args[0]) + ", " + hint)}
		}
		// Replace everything after the type so that a trailing comma or
		// a line break before ")" cannot produce a second comma.
		return analysis.TextEdit{Pos: e.Args[0].End(), End: e.Rparen, NewText: []byte(", " + hint)}
	case *ast.CompositeLit:
		text := fmt.Sprintf("make(%s, %s)", exprText(pass, e.Type), hint)
		return analysis.TextEdit{Pos: e.Pos(), End: e.End(), NewText: []byte(text)}
	}
	panic(fmt.Sprintf("mapprealloc: unexpected map initialiser %T", init))
}

// pure reports whether e can be evaluated once more, earlier, without
// side effects: constants, variables, field paths, dereferences, len or
// cap of those, and sums, differences and products of them.
func pure(pass *analysis.Pass, e ast.Expr) bool {
	if tv, ok := pass.TypesInfo.Types[e]; ok && tv.Value != nil {
		return true
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return pure(pass, e.X)
	case *ast.Ident:
		_, isVar := pass.TypesInfo.ObjectOf(e).(*types.Var)
		return isVar
	case *ast.SelectorExpr:
		switch sel := pass.TypesInfo.Selections[e]; {
		case sel == nil: // package-qualified name
			_, isVar := pass.TypesInfo.ObjectOf(e.Sel).(*types.Var)
			return isVar
		case sel.Kind() == types.FieldVal:
			return pure(pass, e.X)
		}
		return false
	case *ast.StarExpr:
		return pure(pass, e.X)
	case *ast.BinaryExpr: // the start of a loop counting down: len(xs) - 1
		switch e.Op {
		case token.ADD, token.SUB, token.MUL:
			return pure(pass, e.X) && pure(pass, e.Y)
		}
		return false
	case *ast.CallExpr:
		fn, ok := ast.Unparen(e.Fun).(*ast.Ident)
		if !ok || len(e.Args) != 1 {
			return false
		}
		b, ok := pass.TypesInfo.Uses[fn].(*types.Builtin)
		return ok && (b.Name() == "len" || b.Name() == "cap") && pure(pass, e.Args[0])
	}
	return false
}

// rootObjects returns the variables e reads: the roots of its field paths.
func rootObjects(pass *analysis.Pass, e ast.Expr) []types.Object {
	var objs []types.Object
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := pass.TypesInfo.Uses[id].(*types.Var); ok && !v.IsField() {
				objs = append(objs, v)
			}
		}
		return true
	})
	return objs
}

// movable reports whether the hint can be evaluated at the make rather than
// at the loop. With statements in between it must read only local
// variables that those statements do not assign: a field or a package
// variable may change under a call, or be guarded by a lock taken in between
// (moving len(p.conns) above p.mu.Lock() would be a data race).
func movable(pass *analysis.Pass, hint ast.Expr, at token.Pos, between []ast.Stmt) bool {
	if !visibleAt(pass, hint, at) {
		return false
	}
	if len(between) == 0 {
		return true
	}
	onlyLocals := true
	ast.Inspect(hint, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr, *ast.StarExpr:
			onlyLocals = false
		case *ast.Ident:
			if v, ok := pass.TypesInfo.Uses[n].(*types.Var); ok && v.Parent() == v.Pkg().Scope() {
				onlyLocals = false
			}
		}
		return onlyLocals
	})
	return onlyLocals && !assignsAny(pass, &ast.BlockStmt{List: between}, rootObjects(pass, hint))
}

// visibleAt reports whether every variable e reads was declared before pos,
// so the hint can move up to the make.
func visibleAt(pass *analysis.Pass, e ast.Expr, pos token.Pos) bool {
	for _, obj := range rootObjects(pass, e) {
		if obj.Parent() != obj.Pkg().Scope() && obj.Pos() >= pos {
			return false
		}
	}
	return true
}

// assignsAny reports whether n assigns to, increments or takes the address
// of any of objs.
func assignsAny(pass *analysis.Pass, n ast.Node, objs []types.Object) bool {
	return len(objs) > 0 && syntax.Assigns(n, func(id *ast.Ident) bool {
		return slices.Contains(objs, pass.TypesInfo.ObjectOf(id))
	})
}

// mentions reports whether n refers to obj anywhere.
func mentions(pass *analysis.Pass, n ast.Node, obj types.Object) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && pass.TypesInfo.ObjectOf(id) == obj {
			found = true
		}
		return !found
	})
	return found
}

func isIdentOf(pass *analysis.Pass, e ast.Expr, obj types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && obj != nil && pass.TypesInfo.ObjectOf(id) == obj
}

func exprText(pass *analysis.Pass, e ast.Expr) string {
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, pass.Fset, e); err != nil {
		return types.ExprString(e)
	}
	return buf.String()
}

// fillPositions returns the positions of the assignments in body that
// insert into the made map: m[k] = v for a map variable, s.f[k] = v for a
// field of a new struct value or a field made lazily, and the insert of a
// method that does only that (as.add(addr)).
func fillPositions(pass *analysis.Pass, made madeMapStmt, body *ast.BlockStmt) []token.Pos {
	var out []token.Pos
	ast.Inspect(body, func(n ast.Node) bool {
		if stmt, ok := n.(ast.Stmt); ok && made.reflect {
			if _, ok := reflectInsert(pass, stmt, made.obj); ok {
				out = append(out, stmt.Pos())
			}
			return true
		}
		if call, ok := n.(*ast.CallExpr); ok && made.field != nil {
			// as.add(addr), a method whose body is the insert
			// (fieldfill.go): the insert is the method's statement,
			// the line a profile charges the growth to.
			if fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func); ok {
				if _, ok := inserter(pass, fn, made.field); ok {
					out = append(out, astutil.FuncDecl(pass, fn).Body.List[0].Pos())
				}
			}
			return true
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for _, lhs := range as.Lhs {
			ix, ok := ast.Unparen(lhs).(*ast.IndexExpr)
			if !ok {
				continue
			}
			x := ast.Unparen(ix.X)
			if made.field != nil {
				sel, ok := x.(*ast.SelectorExpr)
				// made.obj is the struct variable (s.f filled after s :=
				// &T{f: make(M)}), or the field itself when the map is a
				// field made lazily (o.f = make(M) in an if o.f == nil).
				if !ok || pass.TypesInfo.Uses[sel.Sel] != made.field || made.obj != made.field && !isIdentOf(pass, sel.X, made.obj) {
					continue
				}
			} else if !isIdentOf(pass, x, made.obj) {
				continue
			}
			out = append(out, as.Pos())
		}
		return true
	})
	return out
}
