package growonly

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A delete under the wrong key removes nothing, and the entry it was
// meant to remove stays for good:
//
//	key := keyFromSubjectAndQueue(subject, queue)
//	if chs := s.notify.remove[key]; len(chs) > 0 {
//		...
//		delete(s.notify.remove, subject) // the map is indexed by key
//	}
//
// checkWrongKeys reports, within one function, delete(m, a) when the same
// map is indexed there by a local variable b built from a (b := f(a, ...))
// and never by a itself: the delete was meant for b. The check does not
// depend on the map's lifetime: it is a bug wherever it is. A function
// that itself stores under b renames the entry (nats-server upper-casing
// connection types: delete(m, ct); m[strings.ToUpper(ct)] = ...), and is
// not reported.
func (c *checker) checkWrongKeys(inspect *inspector.Inspector) {
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for declCur := range fileCur.Preorder((*ast.FuncDecl)(nil)) {
			if decl := declCur.Node().(*ast.FuncDecl); decl.Body != nil {
				c.checkWrongKeysIn(decl.Body)
			}
		}
	}
}

func (c *checker) checkWrongKeysIn(body *ast.BlockStmt) {
	info := c.pass.TypesInfo
	defs := make(map[types.Object]ast.Expr)           // b := expr
	indexed := make(map[string]map[types.Object]bool) // map text -> key variables it is indexed by
	stored := make(map[string]map[types.Object]bool)  // map text -> key variables stored under
	var deletes []*ast.CallExpr
	keyObj := func(e ast.Expr) types.Object {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				return v
			}
		}
		return nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if ix, ok := ast.Unparen(lhs).(*ast.IndexExpr); ok {
					if k := keyObj(ix.Index); k != nil {
						text := types.ExprString(ast.Unparen(ix.X))
						if stored[text] == nil {
							stored[text] = make(map[types.Object]bool)
						}
						stored[text][k] = true
					}
				}
			}
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, lhs := range n.Lhs {
					if id, ok := lhs.(*ast.Ident); ok && info.Defs[id] != nil {
						defs[info.Defs[id]] = n.Rhs[i]
					}
				}
			}
		case *ast.IndexExpr:
			if _, ok := typeUnder[*types.Map](info.TypeOf(n.X)); ok {
				if k := keyObj(n.Index); k != nil {
					text := types.ExprString(ast.Unparen(n.X))
					if indexed[text] == nil {
						indexed[text] = make(map[types.Object]bool)
					}
					indexed[text][k] = true
				}
			}
		case *ast.CallExpr:
			if b, ok := typeutil.Callee(info, n).(*types.Builtin); ok && b.Name() == "delete" && len(n.Args) == 2 {
				deletes = append(deletes, n)
			}
		}
		return true
	})
	for _, del := range deletes {
		a := keyObj(del.Args[1])
		text := types.ExprString(ast.Unparen(del.Args[0]))
		if a == nil || indexed[text][a] {
			continue
		}
		var built types.Object // the first such b, for a stable message
		renamed := false
		for b := range indexed[text] {
			def, ok := defs[b]
			if !ok || !mentionsObj(info, def, a) {
				continue
			}
			if stored[text][b] {
				renamed = true
			}
			if built == nil || b.Pos() < built.Pos() {
				built = b
			}
		}
		if built != nil && !renamed {
			c.pass.Reportf(del.Pos(), "delete(%s, %s) deletes %s, but the map is indexed here by %s, built from it: the entry under %s stays",
				text, a.Name(), a.Name(), built.Name(), built.Name())
		}
	}
}

// typeUnder returns t's underlying type as a T.
func typeUnder[T types.Type](t types.Type) (T, bool) {
	var zero T
	if t == nil {
		return zero, false
	}
	u, ok := t.Underlying().(T)
	return u, ok
}

// mentionsObj reports whether e refers to obj.
func mentionsObj(info *types.Info, e ast.Expr, obj types.Object) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == obj {
			found = true
		}
		return !found
	})
	return found
}
