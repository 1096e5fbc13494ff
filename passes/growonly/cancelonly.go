package growonly

import (
	"cmp"
	"go/ast"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// An entry kept for work a call starts, and deleted only when someone
// cancels that work, stays when the work ends on its own:
//
//	func (e *Executor) CreateRun(ev *Event) {
//		cmd := exec.Command(...)
//		go e.run(cmd)        // ends when the command exits
//		e.runs[ev.ID] = cmd  // kept so that CancelRun can kill it
//	}
//
//	func (e *Executor) CancelRun(id int) {
//		e.runs[id].Process.Kill()
//		delete(e.runs, id)   // the only delete
//	}
//
// checkCancelOnly reports a tracked map whose every release is in a
// function whose name says cancel, kill or abort (one entry's work
// stopped on request), when a function storing into it starts work with
// a go statement and nothing that work runs (its function, what it
// calls within the package, the function literals in it) refers to those
// functions. Nothing may range over the map (a sweep), and the
// cancelling functions must not be used as values (a callback the work
// may be handed). krok's in-memory executor kept every event's processes
// this way, https://github.com/krok-o/krok/issues/130.

// cancelWords are what the name of a function that stops one entry's work
// on request says.
var cancelWords = []string{"cancel", "kill", "abort"}

func (c *checker) checkCancelOnly() {
	if len(c.tracked) == 0 {
		return
	}
	swept := c.sweptMaps()
	for v, t := range c.tracked {
		if !t.released || t.releasedOther || len(t.releasers) == 0 || swept[v] || c.siblingReported[v] {
			continue
		}
		cancels := slices.SortedFunc(maps.Keys(t.releasers), func(a, b *ast.FuncDecl) int { return cmp.Compare(a.Pos(), b.Pos()) })
		if slices.ContainsFunc(cancels, func(fd *ast.FuncDecl) bool { return !cancelName(fd.Name.Name) }) || c.usedAsValue(cancels) {
			continue
		}
		names := make([]string, len(cancels))
		for i, cancel := range cancels {
			names[i] = cancel.Name.Name
		}
		storers := slices.SortedFunc(maps.Keys(t.storers), func(a, b *ast.FuncDecl) int { return cmp.Compare(t.storers[a], t.storers[b]) })
		for _, fd := range storers {
			work := startedWork(fd)
			if work == nil || c.workReaches(work, t.releasers) {
				continue
			}
			c.pass.Reportf(t.storers[fd], "%s keeps an entry for the work %s starts (go %s, line %d), and only %s deletes one: work that ends on its own leaves its entry behind (delete it when the work ends)",
				t.describe(), fd.Name.Name, workName(c.pass.TypesInfo, work), c.pass.Fset.Position(work.Pos()).Line, strings.Join(names, " and "))
			break
		}
	}
}

// cancelName reports whether a function's name says it stops one
// entry's work on request.
func cancelName(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc(cancelWords, func(w string) bool { return strings.Contains(name, w) })
}

// startedWork returns the first go statement in fd's body, outside
// function literals.
func startedWork(fd *ast.FuncDecl) *ast.GoStmt {
	var first *ast.GoStmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			first = n
		}
		return first == nil
	})
	return first
}

func workName(info *types.Info, work *ast.GoStmt) string {
	if fn, ok := typeutil.Callee(info, work.Call).(*types.Func); ok {
		return fn.Name()
	}
	return "func literal"
}

// workReaches reports whether the work a go statement starts refers to
// one of the functions fds, through the package's functions it refers to
// (calls or method values), a few levels deep. A call of a method of an
// interface named like one of fds counts as reaching it.
func (c *checker) workReaches(work *ast.GoStmt, fds map[*ast.FuncDecl]bool) bool {
	info := c.pass.TypesInfo
	names := make(map[string]bool)
	for fd := range fds {
		names[fd.Name.Name] = true
	}
	seen := make(map[ast.Node]bool)
	var reaches func(n ast.Node, depth int) bool
	reaches = func(n ast.Node, depth int) bool {
		if n == nil || seen[n] || depth > 4 {
			return false
		}
		seen[n] = true
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return !found
			}
			fn, ok := info.Uses[id].(*types.Func)
			if !ok {
				return true
			}
			if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
				found = names[fn.Name()]
				return !found
			}
			if decl := astutil.FuncDecl(c.pass, fn.Origin()); decl != nil {
				found = fds[decl] || reaches(decl.Body, depth+1)
			}
			return !found
		})
		return found
	}
	return reaches(work.Call, 0)
}

// usedAsValue reports whether one of fds is referred to other than by
// calling it: a method value or function handed on as a callback.
func (c *checker) usedAsValue(fds []*ast.FuncDecl) bool {
	info := c.pass.TypesInfo
	objs := make(map[types.Object]bool)
	for _, fd := range fds {
		if fn := info.Defs[fd.Name]; fn != nil {
			objs[fn] = true
		}
	}
	refersTo := func(id *ast.Ident) bool {
		fn, ok := info.Uses[id].(*types.Func)
		return ok && objs[fn.Origin()]
	}
	for _, f := range c.pass.Files {
		if astutil.IsTestFile(c.pass, f) {
			continue
		}
		called := make(map[*ast.Ident]bool)
		used := false
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fun := ast.Unparen(n.Fun).(type) {
				case *ast.Ident:
					called[fun] = true
				case *ast.SelectorExpr:
					called[fun.Sel] = true
				}
			case *ast.Ident:
				used = used || !called[n] && refersTo(n)
			}
			return !used
		})
		if used {
			return true
		}
	}
	return false
}
