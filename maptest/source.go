package maptest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The source of the code under test is at hand: maptest runs inside go
// test, whose working directory is the package being tested, and the
// binary records each frame's file. A failure can then name the map the
// way the code writes it, and its type when a declaration says it. All of
// this is syntax (go/parser), not type checking: what the syntax does not
// say is left out rather than guessed.

// mapSource is what the source says about a site's map.
type mapSource struct {
	expr    string // the map expression on the line, as written ("s.sessions")
	typ     string // its declared type, as written ("map[string]int"), or ""
	slot    int64  // the bytes of one slot of that type, 0 when unknown
	deleted int    // a line of the package that deletes from the same map, or 0
}

// pkgSource is one package directory, parsed once per Find.
type pkgSource struct {
	fset  *token.FileSet
	files map[string]*ast.File // by absolute path
	src   map[string][]byte
}

// sources parses package directories on demand.
type sources map[string]*pkgSource

// lookup returns what the source says about the map at file:line, or nil
// when the file is not at hand or the line holds no map expression it
// recognises.
func (s sources) lookup(file string, line int, kind string) *mapSource {
	path := locate(file)
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	p, ok := s[dir]
	if !ok {
		p = parseDir(dir)
		s[dir] = p
	}
	f := p.files[path]
	if f == nil {
		return nil
	}
	x, fn := p.mapOnLine(f, line, kind)
	if x == nil {
		return nil
	}
	ms := &mapSource{expr: p.text(x)}
	if t := p.typeExpr(x, fn, 0); t != nil {
		ms.typ, ms.slot = p.text(t), slotSize(t)
	}
	ms.deleted = p.deleteOf(x, fn)
	return ms
}

// locate finds the file a frame names: as recorded, or, in a -trimpath
// binary (module-relative names), by its base name in the working
// directory, which go test sets to the package's directory.
func locate(file string) string {
	if filepath.IsAbs(file) {
		if _, err := os.Stat(file); err == nil {
			return file
		}
	}
	if wd, err := os.Getwd(); err == nil {
		p := filepath.Join(wd, filepath.Base(file))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func parseDir(dir string) *pkgSource {
	p := &pkgSource{fset: token.NewFileSet(), files: map[string]*ast.File{}, src: map[string][]byte{}}
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(p.fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		p.files[name], p.src[name] = f, src
	}
	return p
}

func (p *pkgSource) line(n ast.Node) int { return p.fset.Position(n.Pos()).Line }

// text is the source of n as written.
func (p *pkgSource) text(n ast.Node) string {
	pos, end := p.fset.Position(n.Pos()), p.fset.Position(n.End())
	src := p.src[pos.Filename]
	if src == nil || end.Offset > len(src) || pos.Offset > end.Offset {
		return ""
	}
	return string(src[pos.Offset:end.Offset])
}

// mapOnLine finds the map expression of the line, by the site's kind: the
// map indexed by an assignment (grow), the variable a make or map literal
// is assigned to (make), the variable maps.Clone's result is assigned to
// (clone), the sync.Map a method is called on (syncmap). It returns the
// function declaration around it too.
func (p *pkgSource) mapOnLine(f *ast.File, line int, kind string) (ast.Expr, *ast.FuncDecl) {
	var found ast.Expr
	var fn *ast.FuncDecl
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil || found != nil {
			return false
		}
		if p.line(n) > line || p.fset.Position(n.End()).Line < line {
			return false
		}
		if d, ok := n.(*ast.FuncDecl); ok {
			fn = d
		}
		switch kind {
		case "grow":
			found = p.indexedMap(n, line)
		case "make", "clone":
			found = p.assignedMap(n, line, kind)
		case "syncmap":
			if c, ok := n.(*ast.CallExpr); ok && p.line(c) == line {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && syncMapMethod[sel.Sel.Name] {
					found = sel.X
				}
			}
		}
		return found == nil
	})
	return found, fn
}

var syncMapMethod = map[string]bool{"Store": true, "LoadOrStore": true, "Swap": true, "CompareAndSwap": true}

// indexedMap is X of m[k] = v, m[k] op= v or m[k]++ on the line.
func (p *pkgSource) indexedMap(n ast.Node, line int) ast.Expr {
	var lhs []ast.Expr
	switch s := n.(type) {
	case *ast.AssignStmt:
		lhs = s.Lhs
	case *ast.IncDecStmt:
		lhs = []ast.Expr{s.X}
	}
	for _, e := range lhs {
		if ix, ok := ast.Unparen(e).(*ast.IndexExpr); ok && p.line(ix) == line {
			return ix.X
		}
	}
	return nil
}

// assignedMap is the left side of x = make(map...), x := map[K]V{...},
// x = maps.Clone(y) or var x = ... on the line.
func (p *pkgSource) assignedMap(n ast.Node, line int, kind string) ast.Expr {
	var lhs, rhs []ast.Expr
	switch s := n.(type) {
	case *ast.AssignStmt:
		lhs, rhs = s.Lhs, s.Rhs
	case *ast.ValueSpec:
		for _, name := range s.Names {
			lhs = append(lhs, name)
		}
		rhs = s.Values
	default:
		return nil
	}
	if len(lhs) != len(rhs) {
		return nil
	}
	for i, r := range rhs {
		if p.line(r) != line && p.line(lhs[i]) != line {
			continue
		}
		if kind == "make" && mapTypeOf(r) != nil || kind == "clone" && isClone(r) {
			return lhs[i]
		}
	}
	return nil
}

// mapTypeOf returns the map type of make(map...) or a map literal.
func mapTypeOf(e ast.Expr) *ast.MapType {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "make" && len(e.Args) > 0 {
			mt, _ := e.Args[0].(*ast.MapType)
			return mt
		}
	case *ast.CompositeLit:
		mt, _ := e.Type.(*ast.MapType)
		return mt
	}
	return nil
}

func isClone(e ast.Expr) bool {
	c, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Clone"
}

// typeExpr derives the declared type of x: a variable declared with a
// type or assigned a make or a map literal in fn or at package level, a
// parameter or result of fn, or a field of a struct type of the package
// reached through fn's receiver or a typed variable. nil when the syntax
// does not say.
func (p *pkgSource) typeExpr(x ast.Expr, fn *ast.FuncDecl, depth int) ast.Expr {
	if depth > 8 {
		return nil
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return p.varType(x.Name, fn)
	case *ast.SelectorExpr:
		base := p.typeExpr(x.X, fn, depth+1)
		st := p.structOf(base)
		if st == nil {
			return nil
		}
		for _, field := range st.Fields.List {
			for _, name := range field.Names {
				if name.Name == x.Sel.Name {
					return field.Type
				}
			}
		}
	case *ast.StarExpr:
		if t, ok := p.typeExpr(x.X, fn, depth+1).(*ast.StarExpr); ok {
			return t.X
		}
	}
	return nil
}

// varType finds how the variable name is declared: in fn (receiver,
// parameters, results, var and := statements), else at package level.
func (p *pkgSource) varType(name string, fn *ast.FuncDecl) ast.Expr {
	if fn != nil {
		for _, list := range []*ast.FieldList{fn.Recv, fn.Type.Params, fn.Type.Results} {
			if list == nil {
				continue
			}
			for _, field := range list.List {
				for _, n := range field.Names {
					if n.Name == name {
						return field.Type
					}
				}
			}
		}
		if t := declaredIn(fn.Body, name); t != nil {
			return t
		}
	}
	for _, f := range p.files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				if t := declaredIn(g, name); t != nil {
					return t
				}
			}
		}
	}
	return nil
}

// declaredIn finds var name T, var name = make(T...) or map literal, and
// name := make(T...) or map literal under n.
func declaredIn(n ast.Node, name string) ast.Expr {
	if n == nil {
		return nil
	}
	var t ast.Expr
	ast.Inspect(n, func(n ast.Node) bool {
		if t != nil {
			return false
		}
		switch s := n.(type) {
		case *ast.ValueSpec:
			for i, id := range s.Names {
				if id.Name != name {
					continue
				}
				if s.Type != nil {
					t = s.Type
				} else if i < len(s.Values) {
					t = literalType(s.Values[i])
				}
			}
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE || len(s.Lhs) != len(s.Rhs) {
				break
			}
			for i, l := range s.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					t = literalType(s.Rhs[i])
				}
			}
		case *ast.FuncLit:
			return false // another scope
		}
		return true
	})
	return t
}

// literalType is T of make(T...), T{...} or &T{...}.
func literalType(e ast.Expr) ast.Expr {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "make" && len(e.Args) > 0 {
			return e.Args[0]
		}
	case *ast.CompositeLit:
		return e.Type
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			if t := literalType(e.X); t != nil {
				return &ast.StarExpr{X: t}
			}
		}
	}
	return nil
}

// structOf returns the struct type of a type expression naming a struct
// type of the package (T or *T), or the struct literal type itself.
func (p *pkgSource) structOf(t ast.Expr) *ast.StructType {
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch t := t.(type) {
	case *ast.StructType:
		return t
	case *ast.Ident:
		for _, f := range p.files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.TYPE {
					continue
				}
				for _, spec := range g.Specs {
					if ts := spec.(*ast.TypeSpec); ts.Name.Name == t.Name {
						st, _ := ts.Type.(*ast.StructType)
						return st
					}
				}
			}
		}
	}
	return nil
}

// deleteOf returns the line of a delete from the same map anywhere in the
// package, or 0. A map reached through a method's receiver is the same
// map in another method of that type whatever the receiver is called
// there ("f.m" in put, "q.m" in evict).
func (p *pkgSource) deleteOf(x ast.Expr, fn *ast.FuncDecl) int {
	want := p.normalize(x, fn)
	line := 0
	for _, f := range p.files {
		for _, d := range f.Decls {
			other, ok := d.(*ast.FuncDecl)
			if !ok || other.Body == nil {
				continue
			}
			ast.Inspect(other.Body, func(n ast.Node) bool {
				if line != 0 {
					return false
				}
				c, ok := n.(*ast.CallExpr)
				if !ok || len(c.Args) != 2 {
					return true
				}
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "delete" && p.normalize(c.Args[0], other) == want {
					line = p.line(c)
				}
				return true
			})
		}
	}
	return line
}

// normalize spells an expression with a method's receiver replaced by its
// type: "f.m" in func (f *fifo) put() is "(fifo).m".
func (p *pkgSource) normalize(x ast.Expr, fn *ast.FuncDecl) string {
	s := p.text(x)
	if fn == nil || fn.Recv == nil || len(fn.Recv.List) != 1 || len(fn.Recv.List[0].Names) != 1 {
		return s
	}
	recv := fn.Recv.List[0].Names[0].Name
	if rest, ok := strings.CutPrefix(s, recv+"."); ok {
		t := fn.Recv.List[0].Type
		if st, ok := t.(*ast.StarExpr); ok {
			t = st.X
		}
		return "(" + p.text(t) + ")." + rest
	}
	return s
}

// slotSize is the bytes of one slot, key and elem with their padding, of
// a map type written with predeclared, pointer, map, chan, func, slice or
// array types; 0 when the syntax does not give it (a named type).
func slotSize(t ast.Expr) int64 {
	mt, ok := t.(*ast.MapType)
	if !ok {
		return 0
	}
	ks, ka := typeSize(mt.Key)
	vs, va := typeSize(mt.Value)
	if ks < 0 || vs < 0 {
		return 0
	}
	// Keys and elems over 128 bytes are stored as pointers.
	if ks > 128 {
		ks, ka = 8, 8
	}
	if vs > 128 {
		vs, va = 8, 8
	}
	align := max(ka, va, 1)
	off := ks
	if va > 0 {
		off = (off + va - 1) / va * va
	}
	size := off + vs
	return (size + align - 1) / align * align
}

// typeSize is the size and alignment of a type on a 64-bit platform, -1
// when unknown.
func typeSize(t ast.Expr) (size, align int64) {
	switch t := t.(type) {
	case *ast.Ident:
		switch t.Name {
		case "bool", "int8", "uint8", "byte":
			return 1, 1
		case "int16", "uint16":
			return 2, 2
		case "int32", "uint32", "rune", "float32":
			return 4, 4
		case "int", "uint", "int64", "uint64", "uintptr", "float64", "complex64":
			return 8, 8
		case "complex128":
			return 16, 8
		case "string", "any", "error":
			return 16, 8
		}
	case *ast.StarExpr, *ast.MapType, *ast.ChanType, *ast.FuncType:
		return 8, 8
	case *ast.InterfaceType:
		return 16, 8
	case *ast.ArrayType:
		es, ea := typeSize(t.Elt)
		if es < 0 {
			return -1, 0
		}
		if t.Len == nil {
			return 24, 8 // a slice
		}
		lit, ok := t.Len.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return -1, 0
		}
		n, err := strconv.ParseInt(lit.Value, 0, 64)
		if err != nil {
			return -1, 0
		}
		return n * es, ea
	case *ast.StructType:
		if t.Fields == nil || len(t.Fields.List) == 0 {
			return 0, 1
		}
	}
	return -1, 0
}
