package lintcmd

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// loaded is the import graph of the packages to analyze, as the go
// command lists it.
type loaded struct {
	// roots are the packages to analyze. A package with in-package tests
	// is analyzed through its test variant ("p [p.test]"), which holds
	// all of its files, as go vet does; the package itself is analyzed
	// instead only when its test variant does not type-check.
	roots   []*packages.Package
	initial []*packages.Package
	// all is every package of the import graph, for the application-code
	// rule (which packages a main package reaches) and for errors.
	all []*packages.Package
}

// list lists the packages matching patterns and their dependencies with
// the go command (go list, nothing compiled): names, files and imports,
// no syntax or types yet.
func list(ctx context.Context, patterns []string, tests bool) (*loaded, error) {
	return listIn(ctx, "", nil, patterns, tests)
}

// listIn is list run in directory dir (the current one if empty) with the
// go command's environment env (the process's if nil).
func listIn(ctx context.Context, dir string, env []string, patterns []string, tests bool) (*loaded, error) {
	cfg := &packages.Config{
		Context: ctx,
		Dir:     dir,
		Env:     env,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedDeps | packages.NeedModule | packages.NeedTypesSizes,
		Tests: tests,
	}
	initial, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, goListError(err)
	}
	if len(initial) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	l := &loaded{initial: initial, roots: chooseRoots(initial)}
	packages.Visit(initial, nil, func(p *packages.Package) { l.all = append(l.all, p) })
	return l, nil
}

// checkAndAnalyze parses and type-checks the roots and, for their types
// only, their dependencies, and hands every root that type-checks to
// analyze as soon as it is ready. Dependencies are checked from source
// skipping function bodies, and each one's syntax is dropped as soon as
// it is checked: no analyzer of the suite uses facts, so nothing else of
// a dependency is needed. analyze may drop a root's syntax and type
// information when it is done with them. The memory held at any time is
// then the dependencies' types and the few packages in flight, not the
// syntax of the whole graph (docs/bench/lint.md).
func (l *loaded) checkAndAnalyze(ctx context.Context, analyze func(*packages.Package)) error {
	c := &loader{
		ctx:     ctx,
		fset:    token.NewFileSet(),
		full:    make(map[*packages.Package]bool),
		state:   make(map[*packages.Package]*checkState),
		analyze: analyze,
	}
	for _, p := range l.roots {
		c.full[p] = true
	}
	c.checkAll(l.roots)
	if err := ctx.Err(); err != nil {
		return err
	}
	// A test variant that does not type-check (a stale _test.go) must
	// not hide the package's own files: analyze the package instead, as
	// go vet goes on past a package that fails.
	for _, p := range l.roots {
		if !p.IllTyped {
			continue
		}
		if base := baseOf(p, l.initial); base != nil && !base.IllTyped {
			c.full[base] = true
			delete(c.state, base) // checked for its types only, if at all
			base.Types = nil
			c.checkAll([]*packages.Package{base})
		}
	}
	return ctx.Err()
}

// goListError gives the go command's own message when go list failed as
// a whole (a go.mod that needs a newer Go, a broken go.work): go/packages
// wraps it as "err: exit status 1: stderr: go: ...;", which says nothing
// more.
func goListError(err error) error {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "stderr: "); ok && strings.HasPrefix(msg, "err: exit status") {
		msg = strings.TrimRight(strings.TrimSpace(rest), ";")
		return errors.New(strings.TrimSpace(msg))
	}
	return err
}

// chooseRoots returns the packages to analyze: the initial packages,
// minus the synthesized test mains (p.test), and minus a package whose
// test variant is also initial (the variant holds the same files and
// more; analyzing both would report every finding twice).
func chooseRoots(initial []*packages.Package) []*packages.Package {
	hasVariant := make(map[string]bool)
	for _, p := range initial {
		if p.ForTest != "" && p.PkgPath == p.ForTest {
			hasVariant[p.PkgPath] = true
		}
	}
	var roots []*packages.Package
	for _, p := range initial {
		switch {
		case p.Name == "main" && strings.HasSuffix(p.ID, ".test") && p.ForTest == "":
			// The generated test main: nothing of the user's to analyze.
		case p.ForTest == "" && hasVariant[p.PkgPath]:
		default:
			roots = append(roots, p)
		}
	}
	return roots
}

// baseOf returns the package whose test variant p is, if it was loaded.
func baseOf(p *packages.Package, initial []*packages.Package) *packages.Package {
	if p.ForTest == "" || p.PkgPath != p.ForTest {
		return nil // an external test package has no files of its own elsewhere
	}
	for _, q := range initial {
		if q.ForTest == "" && q.PkgPath == p.PkgPath {
			return q
		}
	}
	return nil
}

type loader struct {
	ctx  context.Context
	fset *token.FileSet
	// full marks the packages to check with syntax and type information.
	full map[*packages.Package]bool

	mu    sync.Mutex
	state map[*packages.Package]*checkState
	// analyze is called with every fully checked package that
	// type-checks.
	analyze func(*packages.Package)
}

type checkState struct {
	done chan struct{}
}

// checkAll type-checks pkgs and their dependencies, each once, in
// parallel but never more at a time than there are CPUs, so that the
// syntax of only a few dependencies is alive at any moment.
func (l *loader) checkAll(pkgs []*packages.Package) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	var start func(p *packages.Package) *checkState
	start = func(p *packages.Package) *checkState {
		l.mu.Lock()
		st, ok := l.state[p]
		if ok {
			l.mu.Unlock()
			return st
		}
		st = &checkState{done: make(chan struct{})}
		l.state[p] = st
		l.mu.Unlock()
		var deps []*checkState
		for _, imp := range p.Imports {
			deps = append(deps, start(imp))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(st.done)
			for _, d := range deps {
				<-d.done
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			l.check(p)
		}()
		return st
	}
	for _, p := range pkgs {
		start(p)
	}
	wg.Wait()
}

// check parses and type-checks one package whose imports are checked.
func (l *loader) check(p *packages.Package) {
	if p.PkgPath == "unsafe" {
		p.Types = types.Unsafe
		return
	}
	if l.ctx.Err() != nil {
		p.IllTyped = true
		return
	}
	full := l.full[p]
	if len(p.Errors) > 0 {
		// go list could not make sense of the package (a missing import,
		// a bad import path): type errors would only repeat that.
		p.IllTyped = true
		return
	}
	for _, imp := range p.Imports {
		if imp.IllTyped {
			// The dependency's own errors say what is wrong; checking
			// this package would only add "could not import" lines.
			p.IllTyped = true
			return
		}
	}
	var files []*ast.File
	for _, name := range p.CompiledGoFiles {
		f, err := l.parse(name, full)
		if err != nil {
			p.Errors = append(p.Errors, parseErrors(err)...)
		}
		if f == nil {
			continue
		}
		if strings.HasSuffix(name, "_test.go") {
			// No analyzer looks inside test functions (tests exercise
			// maps on purpose and their memory never reaches
			// production): check their declarations only. Test bodies
			// are most of a well-tested package's syntax.
			dropBodies(f)
		}
		files = append(files, f)
	}
	if !full {
		dropPrivateFuncs(files)
	}
	p.Fset = l.fset
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	cfg := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp := p.Imports[path]
			if imp == nil || imp.Types == nil {
				return nil, fmt.Errorf("could not import %s", path)
			}
			return imp.Types, nil
		}),
		IgnoreFuncBodies: !full,
		Sizes:            p.TypesSizes,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && strings.HasSuffix(te.Fset.File(te.Pos).Name(), "_test.go") &&
				(te.Soft || te.Msg == "func init must have a body") {
				return // what dropping test bodies causes: imports used only there, init
			}
			p.Errors = append(p.Errors, typeError(err))
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		cfg.GoVersion = "go" + p.Module.GoVersion
	}
	var info *types.Info
	if full {
		info = &types.Info{
			Types:        make(map[ast.Expr]types.TypeAndValue),
			Defs:         make(map[*ast.Ident]types.Object),
			Uses:         make(map[*ast.Ident]types.Object),
			Implicits:    make(map[ast.Node]types.Object),
			Instances:    make(map[*ast.Ident]types.Instance),
			Scopes:       make(map[ast.Node]*types.Scope),
			Selections:   make(map[*ast.SelectorExpr]*types.Selection),
			FileVersions: make(map[*ast.File]string),
		}
	}
	// The checker's own error is the first one passed to cfg.Error,
	// which may have been one of those ignored.
	_ = types.NewChecker(cfg, l.fset, p.Types, info).Files(files)
	if len(p.Errors) > 0 {
		p.IllTyped = true
	}
	if full && !p.IllTyped {
		p.Syntax, p.TypesInfo = files, info
		l.analyze(p)
		return
	}
	// Nothing will print a position inside a dependency once its errors
	// are formatted: its line table, a tenth of what a large graph keeps
	// alive, can go (positions there now all read as line 1).
	for _, f := range files {
		if tf := l.fset.File(f.Pos()); tf != nil {
			tf.SetLines([]int{0})
		}
	}
}

// parse parses one file. A dependency's file is parsed for the type
// checker only and dropped with it; a file to analyze also keeps every
// error (AllErrors), as go vet reports them. Comments stay in both: a
// //go:build line sets the file's Go version, and suppression
// directives are comments.
func (l *loader) parse(name string, full bool) (*ast.File, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	mode := parser.ParseComments | parser.SkipObjectResolution
	if full {
		mode |= parser.AllErrors
	}
	return parser.ParseFile(l.fset, name, src, mode)
}

// dropBodies removes the bodies of the functions and methods declared in
// f, which the type checker then treats like functions implemented in
// assembly.
func dropBodies(f *ast.File) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			fd.Body = nil
		}
	}
}

// dropPrivateFuncs removes from the files of a dependency, checked for
// its types only, the functions no importer can name: those that are
// neither exported nor methods, unless a package-level declaration other
// than a function names them (var x = helper()). Their signatures are a
// large part of what a dependency's types would otherwise keep alive
// until the end of the run, and only the package's own function bodies,
// which are not checked, can call them. Methods stay, exported or not: an
// interface of the package with unexported methods is satisfied through
// them in its importers.
func dropPrivateFuncs(files []*ast.File) {
	named := make(map[string]bool)
	for _, f := range files {
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok != token.IMPORT {
				ast.Inspect(gd, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok {
						named[id.Name] = true
					}
					return true
				})
			}
		}
	}
	for _, f := range files {
		decls := f.Decls[:0]
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && !fd.Name.IsExported() && !named[fd.Name.Name] {
				continue
			}
			decls = append(decls, d)
		}
		clear(f.Decls[len(decls):])
		f.Decls = decls
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func parseErrors(err error) []packages.Error {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		var out []packages.Error
		for _, e := range list {
			out = append(out, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
		}
		return out
	}
	return []packages.Error{{Pos: "-", Msg: err.Error(), Kind: packages.ParseError}}
}

func typeError(err error) packages.Error {
	if te, ok := err.(types.Error); ok {
		return packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError}
	}
	return packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.TypeError}
}

// errors returns the errors of every package, one a line, sorted,
// each once: a package's test variant repeats its errors, and an error in
// a dependency shows in every package that imports it.
func (l *loaded) errors() []string {
	seen := make(map[string]bool)
	var out []string
	for _, p := range l.all {
		for _, e := range p.Errors {
			msg := e.Error()
			if !seen[msg] {
				seen[msg] = true
				out = append(out, msg)
			}
		}
	}
	slices.Sort(out)
	return out
}
