package growonly

import (
	"go/ast"
	"go/token"
	"go/types"
	"iter"
	"sort"
	"strings"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Maps kept side by side for the same keys, where the cleanup forgets one:
//
//	delete(s.serverHeads, event.Server)
//	delete(s.unvalidatedOptimistic, event.Server)
//	delete(s.unvalidatedFinality, event.Server)
//	// s.reqFinalityEpoch[server] = epoch elsewhere, never deleted
//
// checkSiblings reports a map field that is inserted into and never
// deleted from, cleared or replaced, when a function of the package
// deletes one key from at least two other map fields of the same struct
// with the same key type. Deleting from the siblings says their entries
// are meant to go when the key goes, whatever the struct's lifetime, so
// the forgotten map keeps every key it was given. A map whose every
// insert names a constant key (s.httpReqStats[ConnzPath]++) holds at
// most those keys, whatever its siblings do. Nor is a field of a value
// that lives only in locals (transient.go): it goes with its owner.

// siblingField is what the package does to one map field.
type siblingField struct {
	field    *types.Var
	owner    *types.TypeName
	inserts  []token.Pos
	varKeys  bool // some insert's key is not a constant
	released bool // deleted from, cleared, replaced or escaping
}

func (c *checker) checkSiblings(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	fields := make(map[*types.Var]*siblingField)
	for f, tn := range mapFieldsOf(c.pass.Pkg) {
		fields[f] = &siblingField{field: f, owner: tn}
	}
	if len(fields) < 3 {
		return
	}
	// cleanups[{fn, key text}] lists the fields fn deletes that key from.
	cleanups := make(map[funcKey]map[*types.Var]bool)
	fresh := make(map[*types.Var]bool)
	for fileCur := range inspect.Root().Children() {
		if astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			continue
		}
		astutil.AddFreshLocals(info, fileCur, fresh)
		for cur := range fileCur.Preorder((*ast.SelectorExpr)(nil)) {
			v, _ := info.ObjectOf(cur.Node().(*ast.SelectorExpr).Sel).(*types.Var)
			sf := fields[originOf(v)]
			if sf == nil {
				continue
			}
			outer := astutil.UnparenUp(cur)
			parent := outer.Parent()
			switch outer.ParentEdgeKind() {
			case edge.IndexExpr_X:
				switch astutil.UnparenUp(parent).ParentEdgeKind() {
				case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
					sf.inserts = append(sf.inserts, cur.Node().Pos())
					if tv := info.Types[parent.Node().(*ast.IndexExpr).Index]; tv.Value == nil {
						sf.varKeys = true
					}
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
						if fd := funcDeclAround(cur); fd != nil {
							k := funcKey{fd, types.ExprString(call.Args[1])}
							if cleanups[k] == nil {
								cleanups[k] = make(map[*types.Var]bool)
							}
							cleanups[k][sf.field] = true
						}
					}
				}
			case edge.AssignStmt_Lhs:
				if root := syntax.FieldRoot(cur.Node().(ast.Expr)); root != nil {
					if rv, ok := info.Uses[root].(*types.Var); ok && fresh[rv] {
						continue // construction
					}
				}
			}
			sf.released = true
		}
	}
	transient := transientTypes(c.pass, inspect)
	reported := make(map[*types.Var]bool)
	c.siblingReported = reported
	keys := make([]funcKey, 0, len(cleanups))
	for k := range cleanups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	for _, k := range keys {
		deleted := cleanups[k]
		if len(deleted) < 2 {
			continue
		}
		var owner *types.TypeName
		var keyType types.Type
		var names []string
		for f := range deleted {
			sf := fields[f]
			kt := f.Type().Underlying().(*types.Map).Key()
			if owner != nil && (sf.owner != owner || !types.Identical(kt, keyType)) {
				owner = nil
				break
			}
			owner, keyType = sf.owner, kt
			names = append(names, f.Name())
		}
		if owner == nil || transient[owner] {
			continue // no siblings, or an owner that dies with its function
		}
		sort.Strings(names)
		for _, sf := range fields {
			if sf.owner != owner || deleted[sf.field] || sf.released || !sf.varKeys || reported[sf.field] ||
				!types.Identical(sf.field.Type().Underlying().(*types.Map).Key(), keyType) {
				continue
			}
			reported[sf.field] = true
			c.pass.Reportf(sf.inserts[0], "map field %s.%s only grows: %s deletes %s from %s but not from it",
				owner.Name(), sf.field.Name(), k.fn.Name.Name, k.key, strings.Join(names, ", "))
		}
	}
}

func originOf(v *types.Var) *types.Var {
	if v == nil {
		return nil
	}
	return v.Origin()
}

// funcDeclAround returns the function declaration around cur, function
// literals included, or nil outside any.
func funcDeclAround(cur inspector.Cursor) *ast.FuncDecl {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		return enc.Node().(*ast.FuncDecl)
	}
	return nil
}

// A funcKey is a key expression, as written, in one function: the
// sibling and paired rules match what a function inserts, deletes and
// reads by it. Functions are told apart by declaration, not by name:
// methods of two types share names.
type funcKey struct {
	fn  *ast.FuncDecl
	key string
}

// less orders funcKeys by position, then key, for stable messages.
func (k funcKey) less(o funcKey) bool {
	if k.fn.Pos() != o.fn.Pos() {
		return k.fn.Pos() < o.fn.Pos()
	}
	return k.key < o.key
}

// mapFieldsOf yields the map fields (not sync.Map) of the struct types
// declared at package level in pkg, with their types.
func mapFieldsOf(pkg *types.Package) iter.Seq2[*types.Var, *types.TypeName] {
	return func(yield func(*types.Var, *types.TypeName) bool) {
		for _, name := range pkg.Scope().Names() {
			tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			st, ok := tn.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				if f := st.Field(i); mapKind(f.Type()) == builtinMapKind && !yield(f, tn) {
					return
				}
			}
		}
	}
}
