package heaptest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The annotations of mapscope's test programs are comments of one syntax,
//
//	m[i] = &T{}  // want: grow "m" "map[int]*T"; nonmap
//
// "// want:" followed by Go tokens: words, quoted strings and semicolons
// between clauses. What the words mean is up to the test that reads them:
// the corpus names the kinds a classifier must report (Wants), the source
// tests the operations srcline must find on the line. This file reads them
// the same way for both.
const annotationPrefix = "// want:"

// An Annotation is one "// want:" comment.
type Annotation struct {
	File   string        // slash-separated path relative to the directory read
	Line   int           // the line the comment is on
	Pkg    string        // import path of the file's package; "main" for commands
	Decl   *ast.FuncDecl // the function declaration holding the line, nil outside one
	Tokens []Token
}

// A Token is a word, a quoted string (unquoted), or ";".
type Token struct {
	Text   string
	Quoted bool
}

// ReadAnnotations returns the annotations of every .go file under root,
// except in nested modules, in file and line order. modPath is the module
// path of root, from which package paths are derived.
func ReadAnnotations(root, modPath string) ([]Annotation, error) {
	var out []Annotation
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root {
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		pkg := modPath
		if dir := filepath.ToSlash(filepath.Dir(rel)); dir != "." {
			pkg += "/" + dir
		}
		if f.Name.Name == "main" {
			pkg = "main"
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				text, ok := strings.CutPrefix(c.Text, annotationPrefix)
				if !ok {
					continue
				}
				line := fset.Position(c.Pos()).Line
				toks, err := ScanAnnotation(text)
				if err != nil {
					return fmt.Errorf("%s:%d: %v", rel, line, err)
				}
				out = append(out, Annotation{File: rel, Line: line, Pkg: pkg, Decl: funcAt(fset, f, line), Tokens: toks})
			}
		}
		return nil
	})
	return out, err
}

func funcAt(fset *token.FileSet, f *ast.File, line int) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fset.Position(d.Pos()).Line <= line && line <= fset.Position(d.End()).Line {
			return fd
		}
	}
	return nil
}

// ScanAnnotation splits the text after "// want:" into tokens.
func ScanAnnotation(text string) ([]Token, error) {
	var s scanner.Scanner
	var scanErr error
	src := []byte(text)
	s.Init(token.NewFileSet().AddFile("", -1, len(src)), src, func(_ token.Position, msg string) {
		scanErr = fmt.Errorf("want: %s in %q", msg, text)
	}, 0)
	var toks []Token
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		t := Token{Text: lit}
		switch {
		case tok == token.STRING:
			v, err := strconv.Unquote(lit)
			if err != nil {
				return nil, fmt.Errorf("want: bad string %s in %q", lit, text)
			}
			t = Token{Text: v, Quoted: true}
		case lit == "":
			t.Text = tok.String()
		}
		toks = append(toks, t)
	}
	return toks, scanErr
}
