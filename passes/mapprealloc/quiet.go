package mapprealloc

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Code where a size hint cannot matter, found on real modules (see
// docs/lint-results.md): the finding would be true, and not worth a
// change.
//
//   - a loop of at most smallTrips iterations known from the code (a range
//     over an array or a composite literal, a constant bound): a map
//     starts with room for eight entries and never grows in it;
//   - code run once: the body of func init or func main, a function
//     literal run by sync.Once.Do or in a package-level variable's
//     initializer, and unexported functions (not methods) called only
//     from such code (not from inside a loop or a callback there);
//   - lifecycle code: a function that starts or shuts down its value
//     (astutil.IsLifecycleFunc: Start() error, Shutdown(ctx), closeAll())
//     and that the package does not call in a loop or a callback: it
//     runs once in the value's life (nats-server copying its clients at
//     Shutdown, caddy collecting a listener's protocols at Start);
//   - configuration code: a function whose name, or whose receiver's type
//     name, says config, options, unmarshal, validate, setup or
//     provision, or that takes a parameter of, or is a method of, a
//     configuration type (astutil.ConfigType); it runs once per
//     load, over a handful of configured items; and the unexported
//     functions called only from such code (astutil.ConfigOnlyFuncs:
//     setup(c) calling parse(c));
//   - test support and examples: astutil.TestSupportPackage, and any
//     file that imports "testing".

// smallTrips is the largest trip count whose map never grows: a map made
// without a hint has room for eight entries.
const smallTrips = 8

// quietCode tells code where a hint cannot matter. It looks at the
// package only when a finding is about to be reported.
type quietCode struct {
	pass        *analysis.Pass
	inspect     *inspector.Inspector
	ready       bool
	testSupport bool
	once        map[*types.Func]bool // unexported functions run once
	config      map[*types.Func]bool // functions called only from configuration code
	decoderConf map[*types.Func]bool // the same for decoders, built on first use
	repeated    map[*types.Func]bool // functions called in a loop or a callback, or used as values
}

func (q *quietCode) init() {
	if q.ready {
		return
	}
	q.ready = true
	q.testSupport = astutil.TestSupportPackage(q.pass.Pkg)
	q.once = make(map[*types.Func]bool)
	if !q.testSupport {
		astutil.CalledOnlyFrom(q.pass, q.inspect, q.once, q.runOnce)
		q.config = astutil.ConfigOnlyFuncs(q.pass, q.inspect)
		q.repeated = astutil.RepeatedFuncs(q.pass, q.inspect)
	}
}

// silent reports whether a map made by stmt, filled by loop (nil for the
// rebuild rule), is in code where its hint cannot matter.
func (q *quietCode) silent(stmt ast.Stmt, loop ast.Stmt) bool {
	return q.quiet(stmt, loop, false)
}

// quiet is silent, where for a map a decoder fills (decode.go) a name
// that says unmarshal does not make its code configuration code.
func (q *quietCode) quiet(stmt ast.Stmt, loop ast.Stmt, decoder bool) bool {
	q.init()
	if q.testSupport || importsTesting(q.pass, stmt.Pos()) {
		return true
	}
	if loop != nil && smallLoop(q.pass, loop) {
		return true
	}
	cur, ok := q.inspect.Root().FindNode(stmt)
	if !ok {
		return false
	}
	if q.runOnce(cur) || q.inLifecycle(cur) {
		return true
	}
	if decoder {
		if q.decoderConf == nil {
			q.decoderConf = astutil.DecoderConfigOnlyFuncs(q.pass, q.inspect)
		}
		return astutil.InDecoderConfigCode(q.pass, cur) || astutil.InFuncOf(q.pass, cur, q.decoderConf)
	}
	return astutil.InConfigCode(q.pass, cur) || astutil.InFuncOf(q.pass, cur, q.config)
}

// inLifecycle reports whether cur is in a function that starts or shuts
// down its value, and that the package calls only once in a row.
func (q *quietCode) inLifecycle(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		fd := enc.Node().(*ast.FuncDecl)
		fn, ok := q.pass.TypesInfo.Defs[fd.Name].(*types.Func)
		return ok && astutil.IsLifecycleFunc(q.pass.TypesInfo, fd) && !q.repeated[fn]
	}
	return false
}

// smallLoop reports whether loop runs at most smallTrips times, as the
// code says: a range over an array (or a pointer to one), over a
// composite literal, or over a constant, or a counted loop with a
// constant count.
func smallLoop(pass *analysis.Pass, loop ast.Stmt) bool {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		x := ast.Unparen(l.X)
		if lit, ok := x.(*ast.CompositeLit); ok {
			return len(lit.Elts) <= smallTrips
		}
		tv, ok := pass.TypesInfo.Types[x]
		if !ok {
			return false
		}
		if tv.Value != nil {
			n, err := strconv.ParseInt(tv.Value.ExactString(), 10, 64)
			return err == nil && n <= smallTrips
		}
		t := tv.Type.Underlying()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem().Underlying()
		}
		if a, ok := t.(*types.Array); ok {
			return a.Len() <= smallTrips
		}
	case *ast.ForStmt:
		count, ok := knownLengthLoop(pass, l)
		if !ok {
			return false
		}
		// A constant count, or one computed from constants only (len of
		// an array is one): the largest of them bounds it.
		if n, err := strconv.Atoi(count.count.Expr); err == nil {
			return n <= smallTrips
		}
		for _, e := range count.count.Reads {
			tv, ok := pass.TypesInfo.Types[e]
			if !ok || tv.Value == nil {
				return false
			}
			n, err := strconv.ParseInt(tv.Value.ExactString(), 10, 64)
			if err != nil || n > smallTrips || n < -smallTrips {
				return false
			}
		}
		return len(count.count.Reads) > 0
	}
	return false
}

// runOnce reports whether the code at cur runs once per process: it is
// not inside a loop or a callback of a function that runs once.
func (q *quietCode) runOnce(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if enc == cur {
			continue
		}
		switch n := enc.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return false
		case *ast.FuncLit:
			if !q.litRunsInPlace(enc) {
				return false
			}
			// An immediately called literal runs where it stands; a
			// sync.Once body runs once wherever it stands.
			if q.onceDo(enc) {
				return true
			}
		case *ast.FuncDecl:
			return q.declRunsOnce(n)
		}
	}
	// Outside any function: a package-level variable's initializer.
	return true
}

// litRunsInPlace reports whether the function literal at lit is called
// right where it stands (func() { ... }()) or passed to sync.Once.Do.
func (q *quietCode) litRunsInPlace(lit inspector.Cursor) bool {
	parent := lit.Parent()
	call, ok := parent.Node().(*ast.CallExpr)
	if !ok {
		return false
	}
	return ast.Unparen(call.Fun) == lit.Node() || q.onceDo(lit)
}

// onceDo reports whether the function literal at lit is the argument of
// a call that runs it at most once (sync.Once's Do, sync.OnceFunc, ...).
func (q *quietCode) onceDo(lit inspector.Cursor) bool {
	call, ok := lit.Parent().Node().(*ast.CallExpr)
	return ok && len(call.Args) == 1 && call.Args[0] == lit.Node() && astutil.IsOnceCall(q.pass.TypesInfo, call)
}

func (q *quietCode) declRunsOnce(fd *ast.FuncDecl) bool {
	if fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "main" && q.pass.Pkg.Name() == "main") {
		return true
	}
	fn, ok := q.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	return ok && q.once[fn]
}

// importsTesting reports whether the file that holds pos imports
// "testing": its functions are test helpers, even in a production package
// (alertmanager's api/v2 keeps them in testing.go).
func importsTesting(pass *analysis.Pass, pos token.Pos) bool {
	for _, f := range pass.Files {
		if pos < f.FileStart || pos >= f.FileEnd {
			continue
		}
		for _, imp := range f.Imports {
			if path, err := strconv.Unquote(imp.Path.Value); err == nil && path == "testing" {
				return true
			}
		}
	}
	return false
}
