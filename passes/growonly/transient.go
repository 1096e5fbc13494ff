package growonly

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Values that live only in locals. nats-server gathers the updates of a
// meta snapshot's replay in a recoveryUpdates made in the function that
// replays it, passes it down to the functions that apply entries, and
// sets it to nil when the replay ends: a map the cleanup forgets there is
// freed with its owner.

// transientTypes returns the unexported struct types of the package whose
// values, T or *T, are made in the package (a composite literal, new(T),
// var x T) and held only by local variables and by parameters and
// results of the same type: never stored in a package variable, a field,
// a container or a channel, never converted to another type (an
// interface may carry them anywhere), and never the type of a field or a
// package variable. A local that a run loop outlives (declared before the
// loop of its function) must also be set again inside the loop, or it
// lives as long as the goroutine. _test.go files are skipped.
func transientTypes(pass *analysis.Pass, in *inspector.Inspector) map[*types.TypeName]bool {
	info := pass.TypesInfo
	out := make(map[*types.TypeName]bool)
	scope := pass.Pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || tn.Exported() {
			continue
		}
		if _, ok := tn.Type().Underlying().(*types.Struct); ok {
			out[tn] = true
		}
	}
	// of returns the candidate type of t, T or *T, or nil.
	of := func(t types.Type) *types.TypeName {
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok && out[n.Origin().Obj()] {
			return n.Origin().Obj()
		}
		return nil
	}
	// Anything that mentions T in its type holds a T for longer than a
	// call: package variables, fields, containers, channels.
	var mentions func(t types.Type, depth int)
	mentions = func(t types.Type, depth int) {
		if depth > 4 || t == nil {
			return
		}
		switch u := types.Unalias(t).(type) {
		case *types.Named:
			if depth > 0 {
				delete(out, u.Origin().Obj())
			}
		case *types.Pointer:
			mentions(u.Elem(), depth) // a *T is held as a T is
		case *types.Slice:
			mentions(u.Elem(), depth+1)
		case *types.Array:
			mentions(u.Elem(), depth+1)
		case *types.Map:
			mentions(u.Key(), depth+1)
			mentions(u.Elem(), depth+1)
		case *types.Chan:
			mentions(u.Elem(), depth+1)
		case *types.Struct:
			for i := range u.NumFields() {
				mentions(u.Field(i).Type(), depth+1)
			}
		}
	}
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Var:
			mentions(obj.Type(), 1)
		case *types.TypeName:
			mentions(obj.Type().Underlying(), 0)
		}
	}
	for tn := range astutil.RunLoopTypes(pass) {
		delete(out, tn)
	}
	if len(out) == 0 {
		return out
	}
	made := make(map[*types.TypeName]bool) // a composite literal, new(T) or var x T shows where values come from
	for fileCur := range in.Root().Children() {
		if astutil.IsTestFile(pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.Ident)(nil), (*ast.CompositeLit)(nil), (*ast.CallExpr)(nil)) {
			if call, ok := cur.Node().(*ast.CallExpr); ok {
				if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "new" {
					if tn := of(info.TypeOf(call)); tn != nil {
						made[tn] = true
					}
				}
				continue
			}
			e := cur.Node().(ast.Expr)
			tn := of(info.TypeOf(e))
			if tn == nil {
				continue
			}
			if _, ok := e.(*ast.CompositeLit); ok {
				made[tn] = true
			}
			if id, ok := e.(*ast.Ident); ok {
				v, ok := info.ObjectOf(id).(*types.Var)
				if !ok {
					continue // a type name or a function
				}
				if info.Defs[id] != nil {
					if v.IsField() || v.Parent() == scope || outlivedLocal(info, cur, v) {
						delete(out, tn)
					}
					if _, ok := types.Unalias(v.Type()).(*types.Named); ok && cur.ParentEdgeKind() == edge.ValueSpec_Names {
						made[tn] = true
					}
					continue
				}
			}
			if !heldLocally(info, cur, types.Unalias(info.TypeOf(e))) {
				delete(out, tn)
			}
		}
	}
	for tn := range out {
		if !made[tn] {
			delete(out, tn) // made elsewhere, or as a zero value in a place we do not see
		}
	}
	return out
}

// heldLocally reports whether the value of type t at cur stays in a
// local: it is compared, dereferenced, has a field or method selected, is
// assigned to a local of its own type, or is passed as an argument or
// returned as a result of its own type.
func heldLocally(info *types.Info, cur inspector.Cursor, t types.Type) bool {
	cur = astutil.UnparenUp(cur)
	if cur.ParentEdgeKind() == edge.UnaryExpr_X && cur.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
		cur = astutil.UnparenUp(cur.Parent())
		t = types.NewPointer(t)
	}
	parent := cur.Parent()
	kind, index := cur.ParentEdge()
	switch kind {
	case edge.SelectorExpr_X, edge.StarExpr_X, edge.BinaryExpr_X, edge.BinaryExpr_Y, edge.AssignStmt_Lhs, edge.ExprStmt_X:
		return true
	case edge.AssignStmt_Rhs:
		as := parent.Node().(*ast.AssignStmt)
		return len(as.Lhs) == len(as.Rhs) && localOfType(info, as.Lhs[index], t)
	case edge.ValueSpec_Values:
		vs := parent.Node().(*ast.ValueSpec)
		return len(vs.Names) == len(vs.Values) && localOfType(info, vs.Names[index], t)
	case edge.ReturnStmt_Results:
		for enc := range parent.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			var sig *types.Signature
			switch n := enc.Node().(type) {
			case *ast.FuncDecl:
				if fn, ok := info.Defs[n.Name].(*types.Func); ok {
					sig = fn.Signature()
				}
			case *ast.FuncLit:
				sig, _ = info.TypeOf(n).(*types.Signature)
			}
			ret := parent.Node().(*ast.ReturnStmt)
			return sig != nil && sig.Results().Len() == len(ret.Results) && types.Identical(sig.Results().At(index).Type(), t)
		}
		return false
	case edge.CallExpr_Args:
		sig, ok := types.Unalias(info.TypeOf(parent.Node().(*ast.CallExpr).Fun)).(*types.Signature)
		if !ok || sig.Params().Len() == 0 {
			return false // a builtin (append) or a conversion
		}
		i := min(index, sig.Params().Len()-1)
		pt := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			return false
		}
		return types.Identical(pt, t)
	}
	return false
}

// localOfType reports whether e is the blank identifier or a local
// variable of type t.
func localOfType(info *types.Info, e ast.Expr, t types.Type) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	if id.Name == "_" {
		return true
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	return ok && !v.IsField() && v.Parent() != v.Pkg().Scope() && types.Identical(v.Type(), t)
}

// outlivedLocal reports whether the local v, declared at cur, lives as
// long as a run loop of its function: it is declared before the loop,
// read inside it, and never set inside it.
func outlivedLocal(info *types.Info, cur inspector.Cursor, v *types.Var) bool {
	_, body := astutil.InnermostFunc(cur)
	if body == nil {
		return false
	}
	outlived := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok || outlived {
			return false
		}
		if !astutil.IsRunLoop(info, n) || n.Pos() < v.Pos() {
			return true
		}
		used, set := false, false
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.Ident:
				if info.Uses[m] == v {
					used = true
				}
			case *ast.AssignStmt:
				for _, lhs := range m.Lhs {
					if id, ok := ast.Unparen(lhs).(*ast.Ident); ok && info.Uses[id] == v {
						set = true
					}
				}
			}
			return true
		})
		outlived = used && !set
		return !outlived
	})
	return outlived
}
