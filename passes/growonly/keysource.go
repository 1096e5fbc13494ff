package growonly

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// A delete whose key is read from another field than the one every
// insertion keys by removes nothing:
//
//	ctx := string(m.Entries[0].Data)
//	ro.pending[ctx] = ...                     // keyed by Message.Entries[0].Data
//	...
//	delete(ro.pending, string(rs.req.Context)) // Message.Context: never a key
//
// checkKeySources traces every key of a map field or package-level map
// back to where it is read (through conversions and local variables
// defined once) and, when every insertion reads its key from the same
// path of a named type T and a delete reads it from another path of T,
// reports the delete. Nothing is reported when some delete of the map
// reads the insertions' path: the map is handled there.

// keyUse is one insertion into or deletion from a map, with the places
// its key is read from.
type keyUse struct {
	call    *ast.CallExpr // the delete, nil for an insertion
	mapText string
	key     ast.Expr
	sources []keySource
}

// keySource is one reading of a key: path of a value of type owner.
type keySource struct {
	owner *types.TypeName
	path  string // ".Entries[0].Data"
}

func (c *checker) checkKeySources(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	uses := make(map[*types.Var][]*keyUse)
	var order []*types.Var
	add := func(m *types.Var, u *keyUse) {
		if _, ok := uses[m]; !ok {
			order = append(order, m)
		}
		uses[m] = append(uses[m], u)
	}
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for declCur := range fileCur.Preorder((*ast.FuncDecl)(nil)) {
			decl := declCur.Node().(*ast.FuncDecl)
			if decl.Body == nil {
				continue
			}
			defs := localDefs(info, decl.Body)
			ast.Inspect(decl.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.AssignStmt:
					for _, lhs := range n.Lhs {
						if ix, ok := ast.Unparen(lhs).(*ast.IndexExpr); ok {
							if m := longMapVar(info, ix.X); m != nil {
								add(m, &keyUse{mapText: types.ExprString(ix.X), key: ix.Index, sources: keySources(info, defs, ix.Index)})
							}
						}
					}
				case *ast.CallExpr:
					if b, ok := typeutil.Callee(info, n).(*types.Builtin); ok && b.Name() == "delete" && len(n.Args) == 2 {
						if m := longMapVar(info, n.Args[0]); m != nil {
							add(m, &keyUse{call: n, mapText: types.ExprString(n.Args[0]), key: n.Args[1], sources: keySources(info, defs, n.Args[1])})
						}
					}
				}
				return true
			})
		}
	}
	for _, m := range order {
		c.judgeKeySources(uses[m])
	}
}

// judgeKeySources reports the deletes of one map that read their key
// from a path of T that no insertion keys by.
func (c *checker) judgeKeySources(uses []*keyUse) {
	var inserts, deletes []*keyUse
	for _, u := range uses {
		if u.call == nil {
			inserts = append(inserts, u)
		} else {
			deletes = append(deletes, u)
		}
	}
	if len(inserts) == 0 || len(deletes) == 0 {
		return
	}
	// insertPath returns the one path of owner every insertion reads its
	// key from, or "".
	insertPath := func(owner *types.TypeName) string {
		path := ""
		for _, ins := range inserts {
			p := ""
			for _, s := range ins.sources {
				if s.owner == owner {
					p = s.path
					break
				}
			}
			if p == "" || (path != "" && p != path) {
				return ""
			}
			path = p
		}
		return path
	}
	type finding struct {
		del        *keyUse
		owner      *types.TypeName
		delP, insP string
	}
	var found []finding
	for _, del := range deletes {
		for _, s := range del.sources {
			ins := insertPath(s.owner)
			if ins == "" {
				continue
			}
			if ins == s.path {
				return // some delete matches the insertions: handled
			}
			found = append(found, finding{del, s.owner, s.path, ins})
			break
		}
	}
	for _, f := range found {
		c.pass.Reportf(f.del.call.Pos(), "delete(%s, %s) deletes a key read from %s%s, but every insertion keys by %s%s: the entries stay",
			f.del.mapText, types.ExprString(f.del.key), f.owner.Name(), f.delP, f.owner.Name(), f.insP)
	}
}

// longMapVar returns the field or package-level variable e names, if it
// is a map.
func longMapVar(info *types.Info, e ast.Expr) *types.Var {
	var v *types.Var
	switch e := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		v, _ = info.ObjectOf(e.Sel).(*types.Var)
	case *ast.Ident:
		v, _ = info.ObjectOf(e).(*types.Var)
		if v != nil && (v.Pkg() == nil || v.Parent() != v.Pkg().Scope()) {
			return nil
		}
	}
	if v == nil || mapKind(v.Type()) != builtinMapKind {
		return nil
	}
	return v.Origin()
}

// localDefs returns the local variables of body defined once, by `x :=
// expr`, and never assigned again, with their defining expressions.
func localDefs(info *types.Info, body *ast.BlockStmt) map[types.Object]ast.Expr {
	defs := make(map[types.Object]ast.Expr)
	assigned := make(map[types.Object]bool)
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, lhs := range as.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				continue
			}
			if obj := info.Defs[id]; obj != nil && as.Tok == token.DEFINE && len(as.Lhs) == len(as.Rhs) {
				defs[obj] = as.Rhs[i]
			} else if obj := info.Uses[id]; obj != nil {
				assigned[obj] = true
			}
		}
		return true
	})
	for obj := range assigned {
		delete(defs, obj)
	}
	return defs
}

// keySources traces key through conversions and local definitions to
// the field path it reads, and returns that path as seen from each named
// struct type along it, innermost first: m.Entries[0].Data is
// Entry.Data and Message.Entries[0].Data.
func keySources(info *types.Info, defs map[types.Object]ast.Expr, key ast.Expr) []keySource {
	for range 4 {
		key = ast.Unparen(key)
		if call, ok := key.(*ast.CallExpr); ok && len(call.Args) == 1 {
			if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
				key = call.Args[0]
				continue
			}
		}
		if id, ok := key.(*ast.Ident); ok {
			if def, ok := defs[info.Uses[id]]; ok {
				key = def
				continue
			}
		}
		break
	}
	full := types.ExprString(key)
	var out []keySource
	e := key
	for {
		var inner ast.Expr
		switch x := ast.Unparen(e).(type) {
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel == nil || sel.Kind() != types.FieldVal {
				return out
			}
			inner = x.X
		case *ast.IndexExpr:
			if tv, ok := info.Types[x.Index]; !ok || tv.Value == nil {
				return out // a variable index: not a fixed path
			}
			inner = x.X
		default:
			return out
		}
		t := info.TypeOf(inner)
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			if _, ok := n.Underlying().(*types.Struct); ok {
				prefix := types.ExprString(inner)
				if strings.HasPrefix(full, prefix) {
					out = append(out, keySource{owner: n.Origin().Obj(), path: full[len(prefix):]})
				}
			}
		}
		e = inner
	}
}
