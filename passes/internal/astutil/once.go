package astutil

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// IsTestFile reports whether f is a _test.go file: tests and benchmarks
// exercise maps, growth included, and their allocations never reach
// production, so no analyzer reports them.
func IsTestFile(pass *analysis.Pass, f *ast.File) bool {
	return strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "_test.go")
}

// TestSupportPackage reports whether pkg exists to support tests, to
// measure or to document, by its name or an element of its import path:
// one of test, tests, testutil(s), testhelper(s), testenv, testdata, e2e,
// fuzz, fuzzing, interop (interoperability test clients and servers),
// stress, bench, benchmark(s), examples, _examples, or a name ending in
// test, testutil(s) or testing (servertest, internal/testutils/roundrobin,
// util/fuzzing, interop/stress/client, documentation/examples/custom-sd).
func TestSupportPackage(pkg *types.Package) bool {
	for _, elem := range append(strings.Split(pkg.Path(), "/"), pkg.Name()) {
		switch elem {
		case "tests", "testhelper", "testhelpers", "testenv", "testdata", "e2e", "fuzz", "fuzzing", "interop", "stress", "bench", "benchmark", "benchmarks", "examples", "_examples":
			return true
		}
		for _, suffix := range []string{"test", "testutil", "testutils", "testing"} {
			if strings.HasSuffix(elem, suffix) {
				return true
			}
		}
	}
	return false
}

// IsOnceCall reports whether call runs its function argument at most
// once: sync.Once's Do, sync.OnceFunc, sync.OnceValue, sync.OnceValues.
func IsOnceCall(info *types.Info, call *ast.CallExpr) bool {
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

// CalledOnlyFrom adds to funcs the package-level functions of the package
// (not methods: one may be called through an interface, where no
// reference shows; exported ones only in package main, which nobody
// imports) that are called, never used as a value, and called only where
// within holds, outside _test.go files. It iterates to a fixed point, so
// within may consult funcs: a function called only from functions in it
// joins them (a registry filled by `func init() { load("en") }`, load
// calling add).
func CalledOnlyFrom(pass *analysis.Pass, inspect *inspector.Inspector, funcs map[*types.Func]bool, within func(call inspector.Cursor) bool) {
	refs := make(map[*types.Func][]inspector.Cursor)
	scope := pass.Pkg.Scope()
	for fileCur := range inspect.Root().Children() {
		if IsTestFile(pass, fileCur.Node().(*ast.File)) {
			continue
		}
		for cur := range fileCur.Preorder((*ast.Ident)(nil)) {
			fn, ok := pass.TypesInfo.Uses[cur.Node().(*ast.Ident)].(*types.Func)
			if ok && fn.Pkg() == pass.Pkg && fn.Parent() == scope {
				refs[fn] = append(refs[fn], cur)
			}
		}
	}
	for fn, uses := range refs {
		if fn.Exported() && pass.Pkg.Name() != "main" {
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
			if funcs[fn] {
				continue
			}
			all := true
			for _, u := range uses {
				if !within(u) {
					all = false
					break
				}
			}
			if all {
				funcs[fn] = true
				changed = true
			}
		}
	}
}
