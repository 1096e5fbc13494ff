package astutil

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// LongLivedTypes returns the struct types of the package whose values are
// likely to live as long as the program or a long-lived owner, so that a
// map in one of their fields lives as long:
//
//   - the types of package-level variables (directly, through a pointer,
//     or as the elements of a slice, array or map);
//   - the types holding a sync.Mutex, sync.RWMutex or sync.Map: their
//     values are shared between goroutines;
//   - the types with a method that runs a goroutine's main loop (a `for`
//     without a condition, or over a channel, that selects or receives),
//     which lives as long as the goroutine;
//   - in application code, also the struct types held in a field of one of
//     those (a Server's *Sublist), two levels deep.
//
// Other struct types are taken as short-lived: a decoder state, a visitor
// or a request's scratch space dies with the call that made it, and its
// maps with it. Fields are followed only in application code: in a
// library, a package variable of type *types.Scope says nothing about the
// lifetime of everything a Scope points to.
func LongLivedTypes(pass *analysis.Pass, app bool) map[*types.TypeName]bool {
	pkg := pass.Pkg
	long := make(map[*types.TypeName]bool)
	own := func(t types.Type) *types.TypeName {
		if u, ok := ElemType(t).(*types.Named); ok {
			if tn := u.Origin().Obj(); tn.Pkg() == pkg {
				if _, ok := u.Underlying().(*types.Struct); ok {
					return tn
				}
			}
		}
		return nil
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Var:
			if tn := own(obj.Type()); tn != nil {
				long[tn] = true
			}
		case *types.TypeName:
			if st, ok := obj.Type().Underlying().(*types.Struct); ok && !obj.IsAlias() && sharedBetweenGoroutines(st) {
				long[obj] = true
			}
		}
	}
	for tn := range RunLoopTypes(pass) {
		long[tn] = true
	}
	if app {
		for range 2 {
			for tn := range long {
				st, ok := tn.Type().Underlying().(*types.Struct)
				if !ok {
					continue
				}
				for i := range st.NumFields() {
					if inner := own(st.Field(i).Type()); inner != nil {
						long[inner] = true
					}
				}
			}
		}
	}
	return long
}

// sharedBetweenGoroutines reports whether the struct holds a mutex or a
// sync.Map, directly or embedded.
func sharedBetweenGoroutines(st *types.Struct) bool {
	for i := range st.NumFields() {
		t := st.Field(i).Type()
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		if IsNamed(t, "sync", "Mutex") || IsNamed(t, "sync", "RWMutex") || IsNamed(t, "sync", "Map") {
			return true
		}
	}
	return false
}

// RunLoopTypes returns the types with a method whose body runs a
// goroutine's main loop: a value running one lives as long as the
// goroutine, usually the program.
func RunLoopTypes(pass *analysis.Pass) map[*types.TypeName]bool {
	out := make(map[*types.TypeName]bool)
	for _, f := range pass.Files {
		if IsTestFile(pass, f) {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil || len(fd.Recv.List) != 1 {
				continue
			}
			t := pass.TypesInfo.TypeOf(fd.Recv.List[0].Type)
			if p, ok := types.Unalias(t).(*types.Pointer); ok {
				t = p.Elem()
			}
			n, ok := types.Unalias(t).(*types.Named)
			if !ok || out[n.Origin().Obj()] {
				continue
			}
			if hasRunLoop(pass.TypesInfo, fd.Body) {
				out[n.Origin().Obj()] = true
			}
		}
	}
	return out
}

// hasRunLoop reports whether body holds a loop that runs until its
// goroutine is told to stop: `for { select ... }`, `for { <-ch ... }` or a
// range over a channel or a ticker.
func hasRunLoop(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return true // a goroutine started here runs the loop for the value
		}
		found = IsRunLoop(info, n)
		return !found
	})
	return found
}

// BlocksInRunLoop reports whether body itself (not a goroutine it starts)
// runs a goroutine's main loop: the function serves one subscriber, stream
// or connection for as long as it lasts.
func BlocksInRunLoop(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok || found {
			return false
		}
		found = IsRunLoop(info, n)
		return !found
	})
	return found
}

// IsRunLoop reports whether n is a loop that runs until its goroutine is
// told to stop, handling one event per iteration: `for { select ... }`,
// `for { <-ch ... }` or a range over a channel or a ticker.
func IsRunLoop(info *types.Info, n ast.Node) bool {
	switch n := n.(type) {
	case *ast.ForStmt:
		return n.Cond == nil && receives(n.Body)
	case *ast.RangeStmt:
		if t := info.TypeOf(n.X); t != nil {
			_, ok := t.Underlying().(*types.Chan)
			return ok
		}
	}
	return false
}

// receives reports whether n selects or receives from a channel.
func receives(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectStmt:
			found = true
		case *ast.UnaryExpr:
			if n.Op.String() == "<-" {
				found = true
			}
		}
		return !found
	})
	return found
}

// ElemType returns what t holds through pointers, slices, arrays and map
// values, a few levels deep: T for *T, []*T or map[K][]T. Named container
// types are not looked through.
func ElemType(t types.Type) types.Type {
	for range 4 {
		switch u := types.Unalias(t).(type) {
		case *types.Pointer:
			t = u.Elem()
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Map:
			t = u.Elem()
		default:
			return t
		}
	}
	return nil
}
