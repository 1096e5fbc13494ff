// Package astutil holds the syntax and type helpers that several of
// mapscope's analyzers share.
package astutil

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"iter"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// MustExtractDoc returns the text after the "# Analyzer name" heading of
// the package comment in content, without the "name:" prefix.
func MustExtractDoc(content, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", content, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		panic(fmt.Sprintf("%s: doc.go has no package comment", name))
	}
	for section := range strings.SplitSeq(f.Doc.Text(), "\n# ") {
		body, ok := strings.CutPrefix(section, "Analyzer "+name+"\n")
		if !ok {
			continue
		}
		body, ok = strings.CutPrefix(strings.TrimSpace(body), name+":")
		if !ok {
			panic(fmt.Sprintf("%s: heading not followed by %q", name, name+": summary"))
		}
		return strings.TrimSpace(body)
	}
	panic(fmt.Sprintf("%s: doc.go has no %q heading", name, "# Analyzer "+name))
}

// IsNewValue reports whether e allocates a new struct value.
func IsNewValue(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		return true
	case *ast.CallExpr:
		b, ok := typeutil.Callee(info, e).(*types.Builtin)
		return ok && b.Name() == "new"
	}
	return false
}

func IsNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[ast.Unparen(e)]
	return ok && tv.IsNil()
}

// UnparenUp moves from cur to the outermost parenthesised expression
// around it.
func UnparenUp(cur inspector.Cursor) inspector.Cursor {
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	return cur
}

func IsNamed(t types.Type, pkgPath, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == pkgPath && obj.Name() == name
}

// IsNilCheckOf reports whether cond is `x == nil` (or has it as a conjunct
// or disjunct) where x is written as want.
func IsNilCheckOf(info *types.Info, cond ast.Expr, want string) bool {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return false
	}
	switch bin.Op {
	case token.LAND, token.LOR:
		return IsNilCheckOf(info, bin.X, want) || IsNilCheckOf(info, bin.Y, want)
	case token.EQL:
		return (IsNil(info, bin.Y) && types.ExprString(ast.Unparen(bin.X)) == want) ||
			(IsNil(info, bin.X) && types.ExprString(ast.Unparen(bin.Y)) == want)
	}
	return false
}

// AddFreshLocals adds to fresh the local variables under root initialised
// with a newly allocated value (&T{}, T{}, new(T), var x T): setting their
// map fields creates a map, it does not reset or replace a live one.
func AddFreshLocals(info *types.Info, root inspector.Cursor, fresh map[*types.Var]bool) {
	for cur := range root.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE || len(n.Lhs) != len(n.Rhs) {
				continue
			}
			for i, lhs := range n.Lhs {
				if id, ok := lhs.(*ast.Ident); ok {
					if v, ok := info.Defs[id].(*types.Var); ok && IsNewValue(info, n.Rhs[i]) {
						fresh[v] = true
					}
				}
			}
		case *ast.ValueSpec:
			if !InFunction(cur) {
				continue // a package variable is not fresh: it lives on
			}
			for i, id := range n.Names {
				if v, ok := info.Defs[id].(*types.Var); ok &&
					(len(n.Values) == 0 || (len(n.Values) == len(n.Names) && IsNewValue(info, n.Values[i]))) {
					fresh[v] = true
				}
			}
		}
	}
}

// AllocatedLocals returns the local variables under root that hold, for
// their whole life, the value they were made with: the fresh locals of
// AddFreshLocals that are never assigned again (`p = lookup(id)`).
func AllocatedLocals(info *types.Info, root inspector.Cursor) map[*types.Var]bool {
	allocated := make(map[*types.Var]bool)
	AddFreshLocals(info, root, allocated)
	for cur := range root.Preorder((*ast.AssignStmt)(nil), (*ast.RangeStmt)(nil)) {
		var lhs []ast.Expr
		switch n := cur.Node().(type) {
		case *ast.AssignStmt:
			lhs = n.Lhs
		case *ast.RangeStmt:
			lhs = []ast.Expr{n.Key, n.Value}
		}
		for _, e := range lhs {
			if id, ok := e.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok {
					delete(allocated, v) // assigned again
				}
			}
		}
	}
	return allocated
}

// InFunction reports whether cur is inside a function body.
func InFunction(cur inspector.Cursor) bool {
	for range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return true
	}
	return false
}

// OneAssign returns the variable and value of a statement that assigns
// or declares exactly one: `x := v` and `var x = v` (decl), or `x = v`.
func OneAssign(stmt ast.Stmt) (lhs, rhs ast.Expr, decl, ok bool) {
	switch s := stmt.(type) {
	case *ast.AssignStmt:
		if (s.Tok != token.DEFINE && s.Tok != token.ASSIGN) || len(s.Lhs) != 1 || len(s.Rhs) != 1 {
			return nil, nil, false, false
		}
		return s.Lhs[0], s.Rhs[0], s.Tok == token.DEFINE, true
	case *ast.DeclStmt:
		gen, ok := s.Decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.VAR || len(gen.Specs) != 1 {
			return nil, nil, false, false
		}
		spec := gen.Specs[0].(*ast.ValueSpec)
		if len(spec.Names) != 1 || len(spec.Values) != 1 {
			return nil, nil, false, false
		}
		return spec.Names[0], spec.Values[0], true, true
	}
	return nil, nil, false, false
}

// Stmts returns the statement list of a block, case clause or select
// clause, and nil for any other node.
func Stmts(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// FuncParts returns the type and body of a function declaration or
// literal, and nils for any other node.
func FuncParts(n ast.Node) (*ast.FuncType, *ast.BlockStmt) {
	switch n := n.(type) {
	case *ast.FuncDecl:
		return n.Type, n.Body
	case *ast.FuncLit:
		return n.Type, n.Body
	}
	return nil, nil
}

// InnermostFunc returns the type and body of the innermost function
// declaration or literal around cur, or nils outside any function.
func InnermostFunc(cur inspector.Cursor) (*ast.FuncType, *ast.BlockStmt) {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return FuncParts(enc.Node())
	}
	return nil, nil
}

// FuncDecl returns the declaration of fn (its generic origin) among the
// package's files, or nil when fn is not declared in the package.
func FuncDecl(pass *analysis.Pass, fn *types.Func) *ast.FuncDecl {
	if fn == nil || fn.Pkg() != pass.Pkg {
		return nil
	}
	fn = fn.Origin()
	for _, f := range pass.Files {
		if f.Pos() <= fn.Pos() && fn.Pos() < f.End() {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && pass.TypesInfo.Defs[fd.Name] == fn {
					return fd
				}
			}
		}
	}
	return nil
}

// FuncDecls yields the function declarations with a body of the
// package's files, _test.go files left out.
func FuncDecls(pass *analysis.Pass) iter.Seq[*ast.FuncDecl] {
	return func(yield func(*ast.FuncDecl) bool) {
		for _, f := range pass.Files {
			if IsTestFile(pass, f) {
				continue
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && !yield(fd) {
					return
				}
			}
		}
	}
}
