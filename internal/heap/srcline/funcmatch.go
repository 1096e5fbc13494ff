package srcline

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/mapscope/mapscope/internal/syntax"
)

// funcTarget is what a profile function name designates in a file: a
// declaration, or the package initialiser (package-level var and const
// declarations).
type funcTarget struct {
	decl      *ast.FuncDecl // nil for package initialisers
	closure   []string      // the rest of the name after decl: "func1", "2"
	pkgInit   bool
	inlinedIn []*ast.FuncDecl // later names in the path that are declarations (closures of inlined callees)
}

// nameTokens strips generic brackets and receiver parentheses from the part
// of a profile function name after the package and splits it at dots:
// "(*Store[...]).Put.func1" -> Store, Put, func1. Suffixes such as
// "-range1" or "-fm" are dropped.
func nameTokens(rest string) []string {
	var b strings.Builder
	depth := 0
	for _, r := range rest {
		switch {
		case r == '[':
			depth++
		case r == ']':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r == '(' || r == ')' || r == '*':
		default:
			b.WriteRune(r)
		}
	}
	toks := strings.Split(b.String(), ".")
	for i, s := range toks {
		if j := strings.IndexByte(s, '-'); j >= 0 {
			toks[i] = s[:j]
		}
	}
	return toks
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// recvName returns the base type name of a method receiver.
func recvName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	// *T, (T), T[K] and T[K, V] all name T.
	if id := syntax.RootIdent(fd.Recv.List[0].Type); id != nil {
		return id.Name
	}
	return ""
}

// declName renders a declaration as a profile would, without package:
// "(*Server).handle", "Index.Add", "fill".
func declName(fd *ast.FuncDecl) string {
	r := recvName(fd)
	if r == "" {
		return fd.Name.Name
	}
	if _, ptr := fd.Recv.List[0].Type.(*ast.StarExpr); ptr {
		return "(*" + r + ")." + fd.Name.Name
	}
	return r + "." + fd.Name.Name
}

// lookupDecl finds the declaration named by toks[i] (and toks[i+1] for a
// method), returning it and how many tokens it used.
func lookupDecl(f *ast.File, toks []string, i int) (*ast.FuncDecl, int) {
	if i+1 < len(toks) {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && recvName(fd) == toks[i] && fd.Name.Name == toks[i+1] {
				return fd, 2
			}
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == toks[i] && fd.Name.Name != "init" {
			return fd, 1
		}
	}
	return nil, 0
}

// findFuncDecl resolves a profile function name (without package) in f.
func findFuncDecl(f *ast.File, rest string) (funcTarget, bool) {
	toks := nameTokens(rest)
	if len(toks) == 0 || toks[0] == "" {
		return funcTarget{}, false
	}
	switch {
	case toks[0] == "init" && (len(toks) == 1 || !isNumber(toks[1])):
		// pkg.init, pkg.init.func1: package-level initialisation.
		return funcTarget{pkgInit: true}, true
	case toks[0] == "map" && len(toks) > 1 && toks[1] == "init", toks[0] == "glob":
		return funcTarget{pkgInit: true}, true
	case toks[0] == "init":
		// pkg.init.0: the N-th func init of the package; files are
		// numbered together, so any func init of this file may be it.
		var tgt funcTarget
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
				tgt.inlinedIn = append(tgt.inlinedIn, fd)
			}
		}
		return tgt, len(tgt.inlinedIn) > 0
	}
	fd, used := lookupDecl(f, toks, 0)
	if fd == nil {
		return funcTarget{}, false
	}
	tgt := funcTarget{decl: fd, closure: toks[used:]}
	// A closure of a function inlined into its caller is named after both
	// ("main.caller.callee.func1"): remember the later declarations too.
	for i := used; i < len(toks); i++ {
		if g, _ := lookupDecl(f, toks, i); g != nil && g != fd {
			tgt.inlinedIn = append(tgt.inlinedIn, g)
		}
	}
	return tgt, true
}

// contains reports whether the line lies within node's lines.
func containsLine(fset *token.FileSet, n ast.Node, line int) bool {
	return fset.Position(n.Pos()).Line <= line && line <= fset.Position(n.End()).Line
}

// matchLine returns the declaration holding line for the target, or "" and
// false when the line is outside everything the name designates.
func (tgt funcTarget) matchLine(fset *token.FileSet, f *ast.File, line int) (string, bool) {
	if tgt.decl != nil && containsLine(fset, tgt.decl, line) {
		name := declName(tgt.decl)
		if lit, suffix := resolveClosure(tgt.decl, tgt.closure); lit != nil && containsLine(fset, lit, line) {
			name += suffix
		}
		return name, true
	}
	for _, fd := range tgt.inlinedIn {
		if containsLine(fset, fd, line) {
			return declName(fd), true
		}
	}
	if tgt.pkgInit {
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && (gd.Tok == token.VAR || gd.Tok == token.CONST) && containsLine(fset, gd, line) {
				return "init", true
			}
		}
	}
	return "", false
}

// enclosingDecl names the declaration holding line, for lookups without a
// function name.
func enclosingDecl(fset *token.FileSet, f *ast.File, line int) string {
	for _, d := range f.Decls {
		if !containsLine(fset, d, line) {
			continue
		}
		if fd, ok := d.(*ast.FuncDecl); ok {
			return declName(fd)
		}
		return "init"
	}
	return ""
}

// resolveClosure follows a closure path ("func2", "1") from a declaration:
// funcN is the N-th function literal of the declaration, not counting
// literals nested in others, and each following number the N-th literal
// inside the previous one. It returns the literal and the name suffix, or
// nil when the path does not lead to a literal (wrappers such as gowrap1,
// numbering changed by inlining).
func resolveClosure(decl *ast.FuncDecl, path []string) (*ast.FuncLit, string) {
	var cur ast.Node = decl.Body
	var lit *ast.FuncLit
	suffix := ""
	for i, tok := range path {
		num := tok
		if i == 0 {
			var ok bool
			if num, ok = strings.CutPrefix(tok, "func"); !ok {
				break
			}
		}
		if !isNumber(num) || cur == nil {
			break
		}
		n, _ := strconv.Atoi(num)
		lits := directFuncLits(cur)
		if n < 1 || n > len(lits) {
			break
		}
		lit = lits[n-1]
		cur = lit.Body
		suffix += "." + tok
	}
	return lit, suffix
}

// directFuncLits lists the function literals in n that are not inside
// another literal, in source order.
func directFuncLits(n ast.Node) []*ast.FuncLit {
	var lits []*ast.FuncLit
	ast.Inspect(n, func(x ast.Node) bool {
		if l, ok := x.(*ast.FuncLit); ok {
			lits = append(lits, l)
			return false
		}
		return true
	})
	return lits
}
