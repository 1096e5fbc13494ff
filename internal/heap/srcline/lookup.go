package srcline

import (
	"fmt"
	"go/ast"
	"go/token"
)

// Lookup describes the source line a profile frame points at. fn is the
// profile's function name ("main.fill",
// "example.com/svc/internal/store.(*Store).Put", "main.main.func1",
// "main.build[...]", "pkg.init.0"); "" skips the function check. file is
// the profile's file name: an absolute path from the build machine, a
// -trimpath name starting with the module path, or
// "command-line-arguments/x.go". line is 1-based.
//
// Frames outside the module return an error wrapping ErrNotInTree.
func (t *Tree) Lookup(fn, file string, line int) (*Line, error) {
	ff, haveFunc := parseFrameFunc(fn)
	if fn != "" && !haveFunc {
		return nil, fmt.Errorf("srcline: %s:%d: %w: cannot parse function name %q", file, line, ErrMismatch, fn)
	}
	rel, err := t.resolve(ff, haveFunc, file)
	if err != nil {
		return nil, err
	}
	pf, err := t.parse(rel)
	if err != nil {
		return nil, err
	}
	if line < 1 || line > pf.lines {
		return nil, fmt.Errorf("srcline: %s:%d: %w: the file has %d lines", rel, line, ErrLineOutOfRange, pf.lines)
	}
	res := &Line{Path: rel, Line: line}
	if haveFunc {
		if dir, ok := t.pkgDir(ff.pkg); ok && !ff.isMain() && dir != pathDir(rel) {
			return nil, fmt.Errorf("srcline: %s:%d: %w: function %s is not in package directory %s", rel, line, ErrMismatch, fn, pathDir(rel))
		}
		if ff.isMain() && pf.file.Name.Name != "main" {
			return nil, fmt.Errorf("srcline: %s:%d: %w: function %s but the file is package %s", rel, line, ErrMismatch, fn, pf.file.Name.Name)
		}
		tgt, ok := findFuncDecl(pf.file, ff.rest)
		if !ok {
			return nil, fmt.Errorf("srcline: %s:%d: %w: no function %s in the file", rel, line, ErrMismatch, fn)
		}
		name, ok := tgt.matchLine(pf.fset, pf.file, line)
		if !ok {
			return nil, fmt.Errorf("srcline: %s:%d: %w: the line is not inside %s", rel, line, ErrMismatch, fn)
		}
		res.Func = name
	} else {
		res.Func = enclosingDecl(pf.fset, pf.file, line)
	}

	key := lineKey{rel, line}
	t.mu.Lock()
	known := t.lines[key]
	t.mu.Unlock()
	if known != nil {
		return known.clone(res.Func), nil
	}
	fset, tf, typed, loadErr := t.typed(rel)
	var file0 *ast.File
	if typed {
		file0 = tf.file
	} else {
		fset, file0 = pf.fset, pf.file
		tf = typedFile{}
	}
	c := &classifier{fset: fset, file: file0, info: tf.info, pkg: tf.pkg, line: line, library: t.loadRoot != ""}
	res.Ops, res.Loop = c.run()
	res.Typed = typed
	if !typed {
		res.LoadErr = loadErr
	}
	t.mu.Lock()
	t.lines[key] = res
	t.mu.Unlock()
	return res.clone(res.Func), nil
}

// clone copies a cached answer, so that callers may keep and change it.
// The declaration name depends on the function asked for (package
// initialisers), so it is the caller's.
func (l *Line) clone(fn string) *Line {
	c := *l
	c.Func = fn
	c.Ops = append([]Op(nil), l.Ops...)
	if l.Loop != nil {
		lp := *l.Loop
		c.Loop = &lp
	}
	return &c
}

func pathDir(rel string) string {
	for i := len(rel) - 1; i >= 0; i-- {
		if rel[i] == '/' {
			return rel[:i]
		}
	}
	return "."
}

// lineOf returns the line of p.
func (c *classifier) lineOf(p token.Pos) int { return c.fset.Position(p).Line }
