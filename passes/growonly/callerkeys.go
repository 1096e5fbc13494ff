package growonly

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Keys chosen in another package. A service's handler in package main
// calls store.Add(r.URL.Path); the map store.Add fills only grows, but
// package store sees only a caller's key, which in a library is usually
// one of a bounded set (taint.go), and package main sees no map. One
// analysis pass sees one package, and analysis facts flow from a package
// to its importers, the wrong way here. So growonly leaves both halves in
// its Result, and a driver that sees the whole program (mapscope lint)
// joins them:
//
//   - CallerKeys: the exported functions of the package whose parameters
//     become the key of an insert left uncounted for that reason, directly
//     or through one call of the package (Add calling add(k)), into a map
//     nothing else lets grow or shrink (no other insert counted, no
//     release);
//   - RequestCalls: the calls to exported functions of other packages,
//     and to methods of interfaces (the implementation may be another
//     package's: callbacks a server was handed), with an argument that
//     came with a request or an event, as taint.go
//     follows them (the standard library's too: an import path does not
//     say which packages the driver analyzed, and only those have
//     CallerKeys to join).
//
// The joined finding is reported at the call, where the request data
// goes in, and names the map and its insert. go vet -vettool and
// golangci-lint see one package at a time and do not report it.

// Result is growonly's result for a driver that sees every package.
type Result struct {
	CallerKeys   []CallerKey
	RequestCalls []RequestCall
}

// A CallerKey is an exported function whose parameters become the key of
// a map of its package that only grows if its callers' keys do.
type CallerKey struct {
	Func   string // the function, as types.Func.FullName writes it
	Obj    *types.Func
	Params []int     // the parameters the key is made of
	Hops   int       // calls between the function and the insert: 0 or 1
	Map    string    // the map, as a diagnostic names it: "map Hits", "map field Store.seen"
	Insert token.Pos // the insert
}

// A RequestCall is a call that passes request data to a function of
// another package.
type RequestCall struct {
	Func string      // the callee, as types.Func.FullName writes it
	Obj  *types.Func // the callee: a function, a method, or an interface's method
	Call token.Pos   // the call
	Arg  int         // the argument holding request data
	Text string      // the argument as written
	Hops int         // calls between where the request came in and the argument
}

// Reaches reports whether call passes request data into k's key, within
// the calls request data is followed through. A call of an interface's
// method reaches the method of every type that implements the interface
// (a server calling the callbacks another package handed it).
func (k CallerKey) Reaches(call RequestCall) bool {
	if !slices.Contains(k.Params, call.Arg) || call.Hops+1+k.Hops > maxTaintHops {
		return false
	}
	return k.Func == call.Func || implements(k.Obj, call.Obj)
}

// isInterfaceMethod reports whether fn is an interface's method.
func isInterfaceMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

// implements reports whether the method m is iface's method of the same
// name for m's receiver type: that type, or a pointer to it, implements
// the interface iface belongs to.
func implements(m, iface *types.Func) bool {
	if m == nil || iface == nil || m.Name() != iface.Name() {
		return false
	}
	irecv, mrecv := iface.Signature().Recv(), m.Signature().Recv()
	if irecv == nil || mrecv == nil {
		return false
	}
	it, ok := irecv.Type().Underlying().(*types.Interface)
	if !ok {
		return false
	}
	t := mrecv.Type()
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	return types.Implements(t, it) || types.Implements(types.NewPointer(t), it)
}

// Message is the finding for call reaching k, with insert the insert's
// position as "file.go:line".
func (k CallerKey) Message(call RequestCall, insert token.Position) string {
	via := ""
	if call.Func != k.Func && call.Obj != nil {
		via = ", passed to it through " + shortName(call.Obj.Signature().Recv().Type()) + ","
	}
	return fmt.Sprintf("%s only grows: %s makes its argument a key (%s:%d), and %s here%s came with a request; nothing in its package deletes from it, clears it or replaces it",
		k.Map, funcName(k.Obj, k.Func), filepath.Base(insert.Filename), insert.Line, call.Text, via)
}

// funcName names fn as code that imports its package writes it:
// store.Add, (*store.Store).Add.
func funcName(fn *types.Func, fullName string) string {
	if fn == nil {
		return fullName
	}
	if recv := fn.Signature().Recv(); recv != nil {
		return "(" + shortName(recv.Type()) + ")." + fn.Name()
	}
	return fn.Pkg().Name() + "." + fn.Name()
}

// shortName writes t qualified by package names, not paths.
func shortName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// callerInsert is an insert left to the callers of the package.
type callerInsert struct {
	cur inspector.Cursor // the map expression of the insert
	key ast.Expr
}

// collectCallerKeys fills c.result.CallerKeys from the tracked maps that
// only their callers' keys could make grow.
func (c *checker) collectCallerKeys() {
	if c.pass.Pkg.Name() == "main" {
		return // nobody imports it
	}
	suppressed := astutil.NewReporter(c.pass)
	for v, t := range c.tracked {
		// A map its close empties is left out: whether that close ends a
		// server or each transaction of a library (btcd's ffldb empties a
		// transaction's pending blocks when it commits), the package
		// holding the map cannot tell, and its callers' keys then go
		// with it.
		if t.released || t.firstInsert.IsValid() || c.siblingReported[v] || t.onlyEmptiedBy != "" {
			continue
		}
		for _, ins := range t.callerKeys {
			fd, ok := innermostDecl(ins.cur)
			if !ok || suppressed.Suppressed(ins.cur.Node().Pos()) {
				continue
			}
			params := c.paramsOf(fd, ins.key)
			if len(params) == 0 {
				continue
			}
			for _, e := range c.exportedEntries(fd, params) {
				e.Map, e.Insert = t.describe(), ins.cur.Node().Pos()
				c.result.CallerKeys = append(c.result.CallerKeys, e)
			}
		}
	}
	slices.SortFunc(c.result.CallerKeys, func(a, b CallerKey) int { return int(a.Insert - b.Insert) })
}

// innermostDecl returns the function declaration cur is in, unless a
// function literal is in between (its parameters are not the
// declaration's).
func innermostDecl(cur inspector.Cursor) (*ast.FuncDecl, bool) {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fd, ok := enc.Node().(*ast.FuncDecl)
		return fd, ok && fd.Body != nil
	}
	return nil, false
}

// paramsOf returns the indices of fd's parameters that e reads, directly
// or through local variables defined from them.
func (c *checker) paramsOf(fd *ast.FuncDecl, e ast.Expr) []int {
	info := c.pass.TypesInfo
	index := make(map[*types.Var]int)
	i := 0
	for _, field := range fd.Type.Params.List {
		for _, id := range field.Names {
			if v, ok := info.Defs[id].(*types.Var); ok {
				index[v] = i
			}
			i++
		}
		if len(field.Names) == 0 {
			i++
		}
	}
	defs := allLocalDefs(info, fd.Body)
	seen := make(map[*types.Var]bool)
	var out []int
	var visit func(e ast.Expr)
	visit = func(e ast.Expr) {
		ast.Inspect(e, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				_, lit := n.(*ast.FuncLit)
				return !lit
			}
			v, ok := info.Uses[id].(*types.Var)
			if !ok || v.IsField() || seen[v] {
				return true
			}
			seen[v] = true
			if i, ok := index[v]; ok {
				out = append(out, i)
			}
			for _, d := range defs[v] {
				if d != nil {
					visit(d)
				}
			}
			return true
		})
	}
	visit(e)
	slices.Sort(out)
	return slices.Compact(out)
}

// exportedEntries returns the exported functions whose parameters reach
// the parameters params of fd: fd itself when it is exported, else the
// exported functions of the package that call it with them.
func (c *checker) exportedEntries(fd *ast.FuncDecl, params []int) []CallerKey {
	info := c.pass.TypesInfo
	fn, ok := info.Defs[fd.Name].(*types.Func)
	if !ok {
		return nil
	}
	if fn.Exported() {
		return []CallerKey{{Func: fn.FullName(), Obj: fn, Params: params}}
	}
	var out []CallerKey
	for caller := range astutil.FuncDecls(c.pass) {
		cfn, ok := info.Defs[caller.Name].(*types.Func)
		if !ok || !cfn.Exported() || caller.Body == nil {
			continue
		}
		var reached []int
		ast.Inspect(caller.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || typeutil.Callee(info, call) != fn {
				return true
			}
			for _, i := range params {
				if i < len(call.Args) {
					reached = append(reached, c.paramsOf(caller, call.Args[i])...)
				}
			}
			return true
		})
		if len(reached) > 0 {
			slices.Sort(reached)
			out = append(out, CallerKey{Func: cfn.FullName(), Obj: cfn, Params: slices.Compact(reached), Hops: 1})
		}
	}
	return out
}

// recordRequestCalls fills c.result.RequestCalls. Calls a suppression
// comment covers are left out, as a finding there would be.
func (c *checker) recordRequestCalls(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	suppressed := astutil.NewReporter(c.pass)
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.CallExpr)(nil)) {
			call := cur.Node().(*ast.CallExpr)
			fn, ok := typeutil.Callee(info, call).(*types.Func)
			// The package's own interfaces count: the types that
			// implement them may be another package's.
			if !ok || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg && !isInterfaceMethod(fn) || !fn.Exported() {
				continue
			}
			if suppressed.Suppressed(call.Pos()) {
				continue
			}
			for i, arg := range call.Args {
				hops, ok := c.taintOf(arg)
				if !ok {
					continue
				}
				c.result.RequestCalls = append(c.result.RequestCalls, RequestCall{
					Func: fn.Origin().FullName(),
					Obj:  fn.Origin(),
					Call: call.Pos(),
					Arg:  i,
					Text: types.ExprString(arg),
					Hops: hops,
				})
			}
		}
	}
}
