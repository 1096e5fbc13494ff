package astutil

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// Lifecycle functions run once in the life of the value they belong to:
// a server is started once and shut down once. A map built there is
// built once (a hint cannot matter), and a map emptied only there is
// held until then (growonly's shutdown rule).

// IsShutdownName reports whether a function so named shuts something
// down: its name is, or begins with, close, shutdown or stop, in any case.
func IsShutdownName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(lower, "close") || strings.HasPrefix(lower, "shutdown") || strings.HasPrefix(lower, "stop")
}

// IsLifecycleFunc reports whether fd starts or shuts down its value:
// named Start (or start), or with a shutdown name, and returning nothing
// or only an error. The results tell a server's `Start() error` from a
// tracer's `Start(ctx, name) (context.Context, Span)`, which runs per
// request.
func IsLifecycleFunc(info *types.Info, fd *ast.FuncDecl) bool {
	name := fd.Name.Name
	if name != "Start" && name != "start" && !IsShutdownName(name) {
		return false
	}
	fn, ok := info.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	res := fn.Signature().Results()
	switch res.Len() {
	case 0:
		return true
	case 1:
		return types.Identical(res.At(0).Type(), types.Universe.Lookup("error").Type())
	}
	return false
}

// RepeatedFuncs returns the package's functions that it calls from
// inside a loop (other than a loop of a shutdown function, which waits
// for idle connections) or from a function literal, or uses as a value:
// they may run any time, however they are named. _test.go files are
// skipped.
func RepeatedFuncs(pass *analysis.Pass, in *inspector.Inspector) map[*types.Func]bool {
	repeated := make(map[*types.Func]bool)
	for fileCur := range in.Root().Children() {
		if IsTestFile(pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.Ident)(nil)) {
			f, ok := pass.TypesInfo.Uses[cur.Node().(*ast.Ident)].(*types.Func)
			if !ok || f.Pkg() != pass.Pkg {
				continue
			}
			use := cur
			if cur.ParentEdgeKind() == edge.SelectorExpr_Sel {
				use = cur.Parent()
			}
			if use.ParentEdgeKind() != edge.CallExpr_Fun || inLoopOrCallback(use) {
				repeated[f.Origin()] = true
			}
		}
	}
	return repeated
}

// inLoopOrCallback reports whether cur is in a loop or a callback of the
// function around it, unless that function shuts something down. A
// function literal called where it stands (func() {...}(), deferred or
// started as a goroutine) is not a callback: it runs once per call.
func inLoopOrCallback(cur inspector.Cursor) bool {
	inner := false
	for enc := range cur.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl:
			return inner && !IsShutdownName(n.Name.Name)
		case *ast.FuncLit:
			if call, ok := enc.Parent().Node().(*ast.CallExpr); ok && ast.Unparen(call.Fun) == n {
				continue
			}
		}
		inner = true
	}
	return inner
}
