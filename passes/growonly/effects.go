package growonly

import (
	_ "embed"
	"go/ast"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Phase 2: facts about the package gathered before any use is judged:
// fresh locals, functions that run once, and what each function does to
// the maps passed to it (so a helper's delete counts at its callers).

// collectOnceFuncs records the functions passed by name to sync.Once.Do,
// sync.OnceFunc, sync.OnceValue or sync.OnceValues.
func (c *checker) collectOnceFuncs(fileCur inspector.Cursor) {
	info := c.pass.TypesInfo
	for cur := range fileCur.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if len(call.Args) != 1 || !astutil.IsOnceCall(info, call) {
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
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
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
	if !c.ownKeys {
		return
	}
	c.insert(t, exprCur, mapKeyType(c.pass.TypesInfo.TypeOf(exprCur.Node().(ast.Expr))), nil)
}

type effect int

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
