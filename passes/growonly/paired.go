package growonly

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Two maps of one struct filled together under the same key, where the
// removal deletes the key from one and only reads it from the other:
//
//	func (om *OrderedMap) Set(key, value any) {
//		om.index[key] = n
//		om.store[key] = value
//	}
//
//	func (om *OrderedMap) Delete(key any) {
//		delete(om.store, key)
//		if n, ok := om.index[key]; ok {
//			unlink(n) // the entry of index stays
//		}
//	}
//
// checkPaired reports a map field A that is inserted into and never
// cleared, replaced or handed on, when a function inserts A[k] and B[k]
// (the same key expression) into another map field B of the same struct,
// and a function deletes B[j] and reads A[j] (the same key expression
// again) without deleting it from A, nor inserting into A or B under
// that key (a reference count it decrements, or the function that fills
// the pair, manages the key on purpose). The removal knows A holds the
// key, and the paired insertion says the two maps hold the same keys: A
// keeps every key B lost. It is checkSiblings' rule for a cleanup of one
// sibling that visits the forgotten map, and holds whatever the struct's
// lifetime.
//
// A may be deleted from elsewhere, on another event, as long as the
// removal neither deletes from A nor calls a function of the package
// that does: yamux's closeStream reads a stream's ID in inflight to give
// back its SYN credit, and only the peer's acknowledgement
// (establishStream) deletes it there; a stream closed before the
// acknowledgement leaves its ID in inflight for the life of the session.

type pairedField struct {
	owner    *types.TypeName
	inserts  map[funcKey][]token.Pos
	deletes  map[funcKey]bool
	reads    map[funcKey]bool
	deleters map[*types.Func]bool // the functions that delete from it, under any key
	first    token.Pos
	released bool // cleared, replaced or handed on
}

func (c *checker) checkPaired(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	fields := make(map[*types.Var]*pairedField)
	for f, tn := range mapFieldsOf(c.pass.Pkg) {
		fields[f] = &pairedField{owner: tn, inserts: map[funcKey][]token.Pos{}, deletes: map[funcKey]bool{}, reads: map[funcKey]bool{}, deleters: map[*types.Func]bool{}}
	}
	if len(fields) < 2 {
		return
	}
	fresh := make(map[*types.Var]bool)
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		astutil.AddFreshLocals(info, fileCur, fresh)
		for cur := range fileCur.Preorder((*ast.SelectorExpr)(nil)) {
			v, _ := info.ObjectOf(cur.Node().(*ast.SelectorExpr).Sel).(*types.Var)
			pf := fields[originOf(v)]
			if pf == nil {
				continue
			}
			fd := funcDeclAround(cur)
			if fd == nil {
				continue
			}
			outer := astutil.UnparenUp(cur)
			parent := outer.Parent()
			switch outer.ParentEdgeKind() {
			case edge.IndexExpr_X:
				key := funcKey{fd, types.ExprString(parent.Node().(*ast.IndexExpr).Index)}
				switch astutil.UnparenUp(parent).ParentEdgeKind() {
				case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
					pf.inserts[key] = append(pf.inserts[key], cur.Node().Pos())
					if !pf.first.IsValid() || cur.Node().Pos() < pf.first {
						pf.first = cur.Node().Pos()
					}
				default:
					pf.reads[key] = true
				}
				continue
			case edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y:
				continue
			case edge.CallExpr_Args:
				call := parent.Node().(*ast.CallExpr)
				if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok {
					switch {
					case b.Name() == "len":
						continue
					case b.Name() == "delete" && len(call.Args) == 2:
						pf.deletes[funcKey{fd, types.ExprString(call.Args[1])}] = true
						if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
							pf.deleters[fn] = true
						}
						continue
					}
				}
			case edge.AssignStmt_Lhs:
				if root := syntax.FieldRoot(cur.Node().(ast.Expr)); root != nil {
					if rv, ok := info.Uses[root].(*types.Var); ok && fresh[rv] {
						continue // construction
					}
				}
			case edge.KeyValueExpr_Value:
				continue // a composite literal's field: construction
			}
			pf.released = true
		}
	}
	calls := packageCalls(c.pass)
	var found []*types.Var
	for a, pa := range fields {
		if pa.released || len(pa.inserts) == 0 || c.siblingReported[a] {
			continue
		}
		found = append(found, a)
	}
	sort.Slice(found, func(i, j int) bool { return fields[found[i]].first < fields[found[j]].first })
	for _, a := range found {
		pa := fields[a]
		kt := a.Type().Underlying().(*types.Map).Key()
		for b, pb := range fields {
			if b == a || pb.owner != pa.owner || !types.Identical(b.Type().Underlying().(*types.Map).Key(), kt) {
				continue
			}
			together := false
			for key := range pa.inserts {
				together = together || len(pb.inserts[key]) > 0
			}
			if !together {
				continue
			}
			var cleanup *funcKey
			for key := range pb.deletes {
				// The cleanup reads A under the key and neither inserts
				// it (a reference count it decrements is its own
				// choice) nor is where the pair is filled, and neither
				// it nor a function it calls deletes from A.
				fn, _ := info.Defs[key.fn.Name].(*types.Func)
				if pa.reads[key] && len(pa.inserts[key]) == 0 && len(pb.inserts[key]) == 0 && !pa.deleters[fn] && !callsAny(calls, fn, pa.deleters) &&
					(cleanup == nil || key.less(*cleanup)) {
					cleanup = &key
				}
			}
			if cleanup == nil {
				continue
			}
			fn, key := cleanup.fn.Name.Name, cleanup.key
			msg := fmt.Sprintf("map field %s.%s only grows: %s deletes %s from %s, filled together with it, but only reads it from %s",
				pa.owner.Name(), a.Name(), fn, key, b.Name(), a.Name())
			if len(pa.deleters) > 0 {
				var names []string
				for f := range pa.deleters {
					names = append(names, f.Name())
				}
				sort.Strings(names)
				msg = fmt.Sprintf("map field %s.%s keeps what %s drops: %s deletes %s from %s, filled together with it, but only reads it from %s, which only %s deletes from, on another event",
					pa.owner.Name(), a.Name(), b.Name(), fn, key, b.Name(), a.Name(), strings.Join(names, ", "))
			}
			c.pass.Reportf(pa.first, "%s", msg)
			if c.siblingReported == nil {
				c.siblingReported = make(map[*types.Var]bool)
			}
			c.siblingReported[a] = true
			break
		}
	}
}

// packageCalls returns, for each function of the package, the package's
// functions and methods it calls, outside _test.go files.
func packageCalls(pass *analysis.Pass) map[*types.Func]map[*types.Func]bool {
	calls := make(map[*types.Func]map[*types.Func]bool)
	for fd := range astutil.FuncDecls(pass) {
		caller, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
		if !ok {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if fn, ok := typeutil.Callee(pass.TypesInfo, call).(*types.Func); ok && fn.Pkg() == pass.Pkg {
				if calls[caller] == nil {
					calls[caller] = make(map[*types.Func]bool)
				}
				calls[caller][fn.Origin()] = true
			}
			return true
		})
	}
	return calls
}

// callsAny reports whether fn calls one of funcs, directly or through the
// package's functions.
func callsAny(calls map[*types.Func]map[*types.Func]bool, fn *types.Func, funcs map[*types.Func]bool) bool {
	seen := map[*types.Func]bool{fn: true}
	work := []*types.Func{fn}
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		for g := range calls[f] {
			if funcs[g] {
				return true
			}
			if !seen[g] {
				seen[g] = true
				work = append(work, g)
			}
		}
	}
	return false
}
