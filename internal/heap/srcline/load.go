package srcline

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

// loadedPkg is one package directory of the tree, type-checked from source
// with its dependencies read from export data (see docs/bench/srcline.md
// for why and what it costs).
type loadedPkg struct {
	fset  *token.FileSet
	files map[string]typedFile // rel path -> file
	err   error                // load failure; files may still hold partial results
}

type typedFile struct {
	file *ast.File
	pkg  *types.Package
	info *types.Info
}

const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports

// typed returns the type-checked syntax of a tree file, or ok == false
// when the file is not part of a package the go command can load here
// (build constraints, a broken module), with the load error if any.
func (t *Tree) typed(rel string) (*token.FileSet, typedFile, bool, error) {
	dir := path.Dir(rel)
	tests := strings.HasSuffix(rel, "_test.go")
	key := dir
	if tests {
		key += " [tests]"
	}
	lp := t.loaded(key)
	if lp == nil {
		// One load at a time: concurrent lookups of the same package wait
		// for the first instead of running the go command twice.
		t.loadMu.Lock()
		if lp = t.loaded(key); lp == nil {
			lp = t.loadDirs([]string{dir}, tests)
			t.mu.Lock()
			t.pkgs[key] = lp
			t.mu.Unlock()
		}
		t.loadMu.Unlock()
	}
	tf, ok := lp.files[rel]
	return lp.fset, tf, ok && tf.info != nil, lp.err
}

func (t *Tree) loaded(key string) *loadedPkg {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pkgs[key]
}

// Frame names a profile frame for Preload.
type Frame struct {
	Func string // profile function name
	File string // profile file name
}

// Preload type-checks, in one run of the go command, the packages of the
// frames that are in the tree and not loaded yet. Lookups load lazily one
// package at a time; a caller that knows all the frames of a profile saves
// one go command start per package (a third of a second each, warm) by
// calling Preload first. Frames outside the tree are ignored.
func (t *Tree) Preload(frames []Frame) {
	seen := map[string]bool{}
	var dirs []string
	for _, fr := range frames {
		ff, ok := parseFrameFunc(fr.Func)
		rel, err := t.resolve(ff, ok, fr.File)
		if err != nil || strings.HasSuffix(rel, "_test.go") {
			continue
		}
		dir := path.Dir(rel)
		if t.loaded(dir) == nil && !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	if len(dirs) == 0 {
		return
	}
	t.loadMu.Lock()
	defer t.loadMu.Unlock()
	lp := t.loadDirs(dirs, false)
	t.mu.Lock()
	for _, d := range dirs {
		if t.pkgs[d] == nil {
			t.pkgs[d] = lp
		}
	}
	t.mu.Unlock()
}

// loadDirs type-checks the packages in dirs (relative to the root), with
// their tests when tests is set.
func (t *Tree) loadDirs(dirs []string, tests bool) *loadedPkg {
	lp := &loadedPkg{fset: token.NewFileSet(), files: map[string]typedFile{}}
	patterns := make([]string, len(dirs))
	for i, dir := range dirs {
		patterns[i] = "./" + dir
		if dir == "." {
			patterns[i] = "."
		}
		if t.loadRoot != "" { // a dependency: by import path, from the main module
			patterns[i] = t.module
			if dir != "." {
				patterns[i] += "/" + dir
			}
		}
	}
	env := t.env()
	loadDir := loadDirOf(t)
	mode := loadMode
	if t.fromSource(env, patterns) {
		mode |= packages.NeedDeps
		// From source, the one cost left on a cold cache is cgo: "go list
		// -compiled" runs it on the standard library's cgo packages (net,
		// os/user, runtime/cgo), 12 of the 15 s the list takes. Without
		// cgo those packages have pure Go files of the same API, so unless
		// a package looked up has cgo files of its own, leave it off.
		if !t.usesCgo(env, loadDirOf(t), patterns) {
			env = append(env, "CGO_ENABLED=0")
		}
	}
	cfg := &packages.Config{
		Mode:  mode,
		Dir:   loadDir,
		Env:   env,
		Fset:  lp.fset,
		Tests: tests,
	}
	if mode&packages.NeedDeps != 0 {
		cfg.ParseFile = t.dependencyParser()
	}
	done := t.progress(fmt.Sprintf("loading the source of %d package(s) with the go command", len(patterns)))
	pkgs, err := packages.Load(cfg, patterns...)
	done()
	if err != nil {
		lp.err = fmt.Errorf("srcline: loading %s: %w", strings.Join(patterns, " "), err)
		return lp
	}
	var errs []error
	for _, p := range pkgs {
		if p.TypesInfo == nil || p.Types == nil {
			for _, e := range p.Errors {
				errs = append(errs, e)
			}
			continue
		}
		// A package with an import the go command could not resolve (a
		// module not in the module cache) is still type-checked, with
		// holes: say why, from the import's own error.
		for _, imp := range p.Imports {
			for _, e := range imp.Errors {
				if e.Kind == packages.ListError {
					errs = append(errs, fmt.Errorf("%s: %v", imp.PkgPath, e))
				}
			}
		}
		for _, f := range p.Syntax {
			name := lp.fset.File(f.Pos()).Name()
			rel, ok := t.relOf(name)
			if !ok {
				continue
			}
			// With tests, a file appears in the package and in its test
			// variant; the test variant sees everything the file sees.
			if _, dup := lp.files[rel]; dup && !strings.Contains(p.ID, "[") {
				continue
			}
			lp.files[rel] = typedFile{file: f, pkg: p.Types, info: p.TypesInfo}
		}
	}
	if len(errs) > 0 {
		lp.err = fmt.Errorf("srcline: loading %s: %w", strings.Join(patterns, " "), errors.Join(errs...))
	}
	return lp
}

// env is the go command's environment for loading the tree: never the
// network (GOPROXY=off: a missing module is reported, not downloaded
// behind the user's back), and no go.work that does not list the module.
func (t *Tree) env() []string {
	root := t.root
	if t.loadRoot != "" {
		root = t.loadRoot
	}
	env := goEnv(root)
	if env == nil {
		env = os.Environ()
	}
	return append(env, "GOPROXY=off")
}

// fromSource decides how the dependencies of patterns are type-checked.
// In the automatic mode it asks the go command whether their export data
// is in the build cache ("go list -deps" computes staleness without
// building): when a dozen or more dependencies would have to be compiled,
// type-checking them from source is several times faster.
func (t *Tree) fromSource(env []string, patterns []string) bool {
	switch {
	case t.opts.FromSource || t.opts.Deps == DepsFromSource:
		return true
	case t.opts.Deps == DepsExport:
		return false
	}
	t.mu.Lock()
	decided, fs := t.depsDecided, t.depsFromSource
	t.mu.Unlock()
	if decided {
		return fs
	}
	cmd := exec.Command("go", append([]string{"list", "-e", "-deps", "-f", "{{if .Stale}}stale{{end}}"}, patterns...)...)
	cmd.Dir, cmd.Env = loadDirOf(t), env
	out, err := cmd.Output()
	fs = err == nil && strings.Count(string(out), "stale") >= staleLimit
	t.mu.Lock()
	t.depsDecided, t.depsFromSource = true, fs
	t.mu.Unlock()
	return fs
}

// dependencyParser returns the ParseFile of a from-source load. The
// tree's own files are parsed in full; a dependency's only need to declare
// what the tree's code uses, so its function bodies are dropped:
// type-checking them was two thirds of a cold load, and go/packages
// records the type of every expression in them. Errors this causes in a
// dependency (an import only its bodies used) are not looked at: only the
// tree's packages are.
func (t *Tree) dependencyParser() func(*token.FileSet, string, []byte) (*ast.File, error) {
	roots := []string{t.root}
	if real, err := filepath.EvalSymlinks(t.root); err == nil && real != t.root {
		roots = append(roots, real) // the go command reports real paths
	}
	own := func(filename string) bool {
		for _, root := range roots {
			rel, err := filepath.Rel(root, filename)
			if err == nil && !strings.HasPrefix(rel, "..") && !strings.HasPrefix(rel, "vendor"+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	return func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
		if own(filename) {
			return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments)
		}
		f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
		if f != nil {
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok {
					fn.Body = nil
				}
			}
		}
		return f, err
	}
}

// usesCgo reports whether a package of patterns has cgo files (or the go
// command cannot say).
func (t *Tree) usesCgo(env []string, dir string, patterns []string) bool {
	cmd := exec.Command("go", append([]string{"list", "-e", "-f", "{{if .CgoFiles}}cgo{{end}}"}, patterns...)...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	return err != nil || strings.Contains(string(out), "cgo")
}

// loadDirOf is where the go command runs for t: its root, or for a
// dependency the main module that selects its version.
func loadDirOf(t *Tree) string {
	if t.loadRoot != "" {
		return t.loadRoot
	}
	return t.root
}

// staleLimit is how many dependencies without export data make the
// automatic mode type-check from source.
const staleLimit = 12

// progress tells Options.Progress about a slow step once it has taken a
// second, and every five seconds after; the returned func ends the step.
func (t *Tree) progress(msg string) (done func()) {
	if t.opts.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTimer(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				t.opts.Progress(fmt.Sprintf("%s (%s so far)", msg, time.Since(start).Round(time.Second)))
				tick.Reset(5 * time.Second)
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
	}
}

// relOf turns a file name reported by the go command into a tree path.
func (t *Tree) relOf(name string) (string, bool) {
	rel, err := filepath.Rel(t.root, name)
	if err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel), true
	}
	// The go command reports real paths; the root may be a symlink.
	real, err := filepath.EvalSymlinks(t.root)
	if err != nil {
		return "", false
	}
	rel, err = filepath.Rel(real, name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false
	}
	if _, err := os.Stat(filepath.Join(t.root, rel)); err != nil {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
