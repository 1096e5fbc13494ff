package srcline

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
)

// Tree is the source tree of one module. It is safe for concurrent use.
type Tree struct {
	root   string // absolute
	module string
	// A dependency's tree (ForPackage) has its version, and is loaded
	// through the go command run in the main module's root, loadRoot.
	version  string
	loadRoot string
	deps     *deps // the main tree's dependencies; nil in a dependency's tree

	indexOnce sync.Once
	indexErr  error
	files     map[string]bool     // rel path -> exists
	byBase    map[string][]string // base name -> rel paths, sorted

	opts Options

	loadMu sync.Mutex             // held while the go command loads packages
	mu     sync.Mutex             // guards the maps below
	parsed map[string]*parsedFile // rel path -> syntax only
	pkgs   map[string]*loadedPkg  // rel dir (+ test flag) -> type-checked package
	lines  map[lineKey]*Line      // answers already computed

	depsDecided, depsFromSource bool // the automatic Deps mode, once decided
}

type lineKey struct {
	rel  string
	line int
}

// Options tune how a Tree type-checks.
type Options struct {
	// Deps says how the dependencies of a package are type-checked. The
	// zero value, DepsAuto, asks the go command whether the build cache
	// holds their export data and reads it if so, else type-checks them
	// from source: export data is much faster when the cache is warm (the
	// usual case on a machine that built the code) and much slower when it
	// is cold, because the go command must compile them first; see
	// docs/bench/srcline.md.
	Deps DepsMode
	// FromSource is Deps: DepsFromSource, kept for callers that set it.
	FromSource bool
	// Progress, when not nil, is told what a slow load is doing, at most
	// once a second and only after the first second.
	Progress func(msg string)
}

// DepsMode says how dependencies are type-checked.
type DepsMode int

const (
	DepsAuto       DepsMode = iota // export data if cached, else source
	DepsExport                     // export data, built by the go command if need be
	DepsFromSource                 // parsed and type-checked from source
)

// parsedFile is a file parsed on its own, enough to match functions and
// lines without type-checking.
type parsedFile struct {
	fset  *token.FileSet
	file  *ast.File
	lines int
}

// Open prepares the module rooted at root, a directory containing go.mod
// or one inside such a module.
// Loading is lazy: files are indexed, parsed and type-checked on first
// lookup.
func Open(root string) (*Tree, error) {
	return OpenWith(root, Options{})
}

// OpenWith is Open with options.
func OpenWith(root string, opts Options) (*Tree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("srcline: opening %s: %w", root, err)
	}
	// Like the go command, a directory inside a module means that module:
	// "-source ./cmd/server" is as natural as "-source .".
	abs, data, err := findModule(abs)
	if err != nil {
		return nil, fmt.Errorf("srcline: opening %s: %w", root, err)
	}
	mp := modfile.ModulePath(data)
	if mp == "" {
		return nil, fmt.Errorf("srcline: %s: %w: no module line", filepath.Join(abs, "go.mod"), ErrNoModule)
	}
	return &Tree{
		root:   abs,
		module: mp,
		deps:   &deps{trees: map[string]*Tree{}, missing: map[string]bool{}},
		opts:   opts,
		parsed: map[string]*parsedFile{},
		pkgs:   map[string]*loadedPkg{},
		lines:  map[lineKey]*Line{},
	}, nil
}

// LoadErrors returns the distinct errors of the go command's loads so far.
func (t *Tree) LoadErrors() []error {
	t.mu.Lock()
	defer t.mu.Unlock()
	seen := map[*loadedPkg]bool{}
	var out []error
	for _, lp := range t.pkgs {
		if lp != nil && lp.err != nil && !seen[lp] {
			seen[lp] = true
			out = append(out, lp.err)
		}
	}
	return out
}

// ModulePath returns the module path from go.mod.
func (t *Tree) ModulePath() string { return t.module }

// Root returns the absolute directory of the tree.
func (t *Tree) Root() string { return t.root }

// index lists the module's .go files, skipping what the go command skips
// (testdata, vendor, _ and . directories) and nested modules.
func (t *Tree) index() error {
	t.indexOnce.Do(func() {
		t.files = map[string]bool{}
		t.byBase = map[string][]string{}
		t.indexErr = filepath.WalkDir(t.root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == t.root {
					return err
				}
				return nil // unreadable subdirectory: its files are simply not in the tree
			}
			if d.IsDir() {
				if p == t.root {
					return nil
				}
				name := d.Name()
				if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") || !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(t.root, p)
			if err != nil {
				return nil
			}
			rel = filepath.ToSlash(rel)
			t.files[rel] = true
			b := path.Base(rel)
			t.byBase[b] = append(t.byBase[b], rel)
			return nil
		})
		for _, v := range t.byBase {
			sort.Strings(v)
		}
		if t.indexErr != nil {
			t.indexErr = fmt.Errorf("srcline: indexing %s: %w", t.root, t.indexErr)
		}
	})
	return t.indexErr
}

// parse returns the syntax of a tree file, cached.
func (t *Tree) parse(rel string) (*parsedFile, error) {
	t.mu.Lock()
	pf := t.parsed[rel]
	t.mu.Unlock()
	if pf != nil {
		return pf, nil
	}
	src, err := os.ReadFile(filepath.Join(t.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("srcline: reading %s: %w", rel, err)
	}
	fset := token.NewFileSet()
	// A file that does not parse still yields a partial AST; lines and
	// functions before the error stay usable.
	f, _ := parser.ParseFile(fset, filepath.Join(t.root, filepath.FromSlash(rel)), src, parser.SkipObjectResolution)
	if f == nil {
		return nil, fmt.Errorf("srcline: parsing %s: no syntax", rel)
	}
	n := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	pf = &parsedFile{fset: fset, file: f, lines: n}
	t.mu.Lock()
	t.parsed[rel] = pf
	t.mu.Unlock()
	return pf, nil
}

// findModule returns the innermost directory at or above dir that holds a
// go.mod, and that file's contents.
func findModule(dir string) (string, []byte, error) {
	if _, err := os.Stat(dir); err != nil {
		return "", nil, err
	}
	for d := dir; ; {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			return d, data, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, fmt.Errorf("%w: %v", ErrNoModule, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil, fmt.Errorf("%w in it or any directory above", ErrNoModule)
		}
		d = parent
	}
}
