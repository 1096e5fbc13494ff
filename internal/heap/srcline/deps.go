package srcline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Dependencies: a profile frame inside a library (a map a cache library
// grows, reached from the user's line) is read from the library's source
// at the version the module's go.mod selects, from the module cache or the
// vendor directory, never from the network. The library's tree is loaded
// through the go command run in the main module, so that it is
// type-checked with the main module's build list.

// deps is what a main tree knows of its dependencies.
type deps struct {
	once    sync.Once
	mods    []moduleInfo // from go list -m all
	err     error
	mu      sync.Mutex
	trees   map[string]*Tree // module path -> tree
	missing map[string]bool  // modules not in the module cache, reported once
	listErr error            // err, under mu for DepsError
}

type moduleInfo struct {
	Path    string
	Version string
	Dir     string
	Main    bool
	Replace *moduleInfo
	Error   *struct{ Err string }
}

// ForPackage returns the tree holding the source of package pkg: t itself
// for the module's own packages, else the tree of the dependency module
// providing it. Errors wrap ErrNotInTree: the standard library (whose
// source only matches the profile when the toolchains agree, which the
// tree cannot know), a module missing from the module cache, a package
// of no module in the build list.
func (t *Tree) ForPackage(pkg string) (*Tree, error) {
	if pkg == "main" || pkg == "command-line-arguments" || pkg == t.module || strings.HasPrefix(pkg, t.module+"/") {
		return t, nil
	}
	if t.deps == nil {
		return nil, fmt.Errorf("srcline: %s: %w: not a module of the tree", pkg, ErrNotInTree)
	}
	first, _, _ := strings.Cut(pkg, "/")
	if !strings.Contains(first, ".") {
		return nil, fmt.Errorf("srcline: %s: %w: standard library", pkg, ErrNotInTree)
	}
	d := t.deps
	d.once.Do(func() {
		var partial error
		d.mods, partial, d.err = t.listModules()
		d.mu.Lock()
		d.listErr = cmp.Or(d.err, partial)
		d.mu.Unlock()
	})
	if d.err != nil {
		return nil, fmt.Errorf("srcline: %s: %w: listing the modules of %s: %v", pkg, ErrNotInTree, t.module, d.err)
	}
	var best *moduleInfo
	for i := range d.mods {
		m := &d.mods[i]
		if m.Main || (pkg != m.Path && !strings.HasPrefix(pkg, m.Path+"/")) {
			continue
		}
		if best == nil || len(m.Path) > len(best.Path) {
			best = m
		}
	}
	if best == nil {
		return nil, fmt.Errorf("srcline: %s: %w: no module of %s's build list provides it", pkg, ErrNotInTree, t.module)
	}
	dir := best.Dir
	if best.Replace != nil && best.Replace.Dir != "" {
		dir = best.Replace.Dir
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if dir == "" {
		d.missing[best.Path+"@"+best.Version] = true
		return nil, fmt.Errorf("srcline: %s: %w: module %s@%s is not in the module cache", pkg, ErrNotInTree, best.Path, best.Version)
	}
	if tr := d.trees[best.Path]; tr != nil {
		return tr, nil
	}
	tr := &Tree{
		root:     dir,
		module:   best.Path,
		version:  best.Version,
		loadRoot: t.root,
		opts:     t.opts,
		parsed:   map[string]*parsedFile{},
		pkgs:     map[string]*loadedPkg{},
		lines:    map[lineKey]*Line{},
	}
	d.trees[best.Path] = tr
	return tr, nil
}

// Missing lists the dependency modules whose source was wanted but is not
// in the module cache.
func (t *Tree) Missing() []string {
	if t.deps == nil {
		return nil
	}
	t.deps.mu.Lock()
	defer t.deps.mu.Unlock()
	var out []string
	for m := range t.deps.missing {
		out = append(out, m)
	}
	return out
}

// DepsError returns why the dependency modules could not be listed, or
// were listed in part (go list -m all needs the go.mod of every module in
// the build list, and the go command is run without the network), or nil
// if they were listed or never wanted.
func (t *Tree) DepsError() error {
	if t.deps == nil {
		return nil
	}
	t.deps.mu.Lock()
	defer t.deps.mu.Unlock()
	return t.deps.listErr
}

// Version returns the version of a dependency's tree ("" for the main
// module's).
func (t *Tree) Version() string { return t.version }

// listModules runs go list -m all in the main module, offline.
//
// A module whose go.mod is not in the module cache does not fail the
// listing (-e): the others are listed, and partial says how many were
// not, since a requirement of theirs may select a newer version than the
// one listed.
func (t *Tree) listModules() (mods []moduleInfo, partial, err error) {
	cmd := exec.Command("go", "list", "-m", "-e", "-json", "all")
	cmd.Dir, cmd.Env = t.root, t.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, nil, errors.New(firstLine(msg))
	}
	var failed []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m moduleInfo
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, err
		}
		if m.Error != nil && !m.Main {
			failed = append(failed, m.Path+"@"+m.Version+": "+firstLine(m.Error.Err))
		}
		mods = append(mods, m)
	}
	if len(failed) > 0 {
		partial = fmt.Errorf("the go.mod of %d of its modules is not in the module cache (%s), so a library may be read at an older version than the build's", len(failed), failed[0])
	}
	// A vendor directory holds the source when the module vendors.
	if fi, err := os.Stat(filepath.Join(t.root, "vendor", "modules.txt")); err == nil && !fi.IsDir() {
		for i := range mods {
			if !mods[i].Main {
				mods[i].Dir = filepath.Join(t.root, "vendor", filepath.FromSlash(mods[i].Path))
				mods[i].Replace = nil
			}
		}
	}
	return mods, partial, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
