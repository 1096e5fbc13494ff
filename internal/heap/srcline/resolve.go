package srcline

import (
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"

	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// frameFunc is a profile function name split into its package and the rest
// ("example.com/svc/store" and "(*Store).Put.func1").
type frameFunc struct {
	pkg  string // import path as in the profile; "main" for package main
	rest string
}

// parseFrameFunc splits a profile function name.
func parseFrameFunc(fn string) (frameFunc, bool) {
	pkg, rest, ok := funcname.Split(fn)
	return frameFunc{pkg: pkg, rest: rest}, ok
}

func (f frameFunc) isMain() bool { return funcname.IsMain(f.pkg) }

// pkgDir reports whether the function's package belongs to the module,
// and its directory relative to the root.
func (t *Tree) pkgDir(pkg string) (string, bool) {
	// External test packages live in the directory of the package.
	pkg = strings.TrimSuffix(pkg, "_test")
	if pkg == t.module {
		return ".", true
	}
	if strings.HasPrefix(pkg, t.module+"/") {
		return strings.TrimPrefix(pkg, t.module+"/"), true
	}
	return "", false
}

// resolve maps a profile file name to a file of the tree, relative to root.
func (t *Tree) resolve(ff frameFunc, haveFunc bool, file string) (string, error) {
	if err := t.index(); err != nil {
		return "", err
	}
	name := strings.ReplaceAll(file, `\`, "/")
	if name == "" || strings.HasSuffix(name, "/") || path.Ext(name) != ".go" {
		return "", fmt.Errorf("srcline: %q: %w: not a Go file name", file, ErrNotInTree)
	}
	// The same machine, or a tree checked out at the build path.
	if filepath.IsAbs(file) {
		if rel, err := filepath.Rel(t.root, file); err == nil && !strings.HasPrefix(rel, "..") {
			rel = filepath.ToSlash(rel)
			if t.files[rel] {
				return rel, nil
			}
		}
	}
	// -trimpath: files of the module are named by import path.
	if strings.HasPrefix(name, t.module+"/") {
		rel := strings.TrimPrefix(name, t.module+"/")
		if t.files[rel] {
			return rel, nil
		}
		return "", fmt.Errorf("srcline: %s: %w", file, ErrNotInTree)
	}
	base := path.Base(name)
	if haveFunc && !ff.isMain() {
		dir, ok := t.pkgDir(ff.pkg)
		if !ok {
			// Standard library or another module.
			return "", fmt.Errorf("srcline: %s (%s.%s): %w", file, ff.pkg, ff.rest, ErrNotInTree)
		}
		rel := path.Join(dir, base)
		if t.files[rel] {
			return rel, nil
		}
		return "", fmt.Errorf("srcline: %s: %w: no %s in package directory %s", file, ErrNotInTree, base, dir)
	}
	return t.resolveBySuffix(ff, haveFunc, file, name)
}

// resolveBySuffix picks the tree file sharing the longest path suffix with
// name; package main frames and command-line-arguments need it because
// their function names carry no import path.
func (t *Tree) resolveBySuffix(ff frameFunc, haveFunc bool, file, name string) (string, error) {
	parts := strings.Split(strings.TrimPrefix(name, "command-line-arguments/"), "/")
	cands := t.byBase[parts[len(parts)-1]]
	if len(cands) == 0 {
		return "", fmt.Errorf("srcline: %s: %w", file, ErrNotInTree)
	}
	best, bestScore := []string(nil), -1
	for _, c := range cands {
		cp := strings.Split(c, "/")
		n := 0
		for n < len(cp) && n < len(parts) && cp[len(cp)-1-n] == parts[len(parts)-1-n] {
			n++
		}
		switch {
		case n > bestScore:
			best, bestScore = []string{c}, n
		case n == bestScore:
			best = append(best, c)
		}
	}
	if len(best) == 1 {
		return best[0], nil
	}
	// Several equally good names: keep the ones whose package and
	// function agree with the frame.
	var fit []string
	for _, c := range best {
		pf, err := t.parse(c)
		if err != nil {
			continue
		}
		if haveFunc && ff.isMain() && pf.file.Name.Name != "main" {
			continue
		}
		if haveFunc {
			if _, ok := findFuncDecl(pf.file, ff.rest); !ok {
				continue
			}
		}
		fit = append(fit, c)
	}
	switch len(fit) {
	case 1:
		return fit[0], nil
	case 0:
		return "", fmt.Errorf("srcline: %s: %w: %d files named %s, none with function %s", file, ErrMismatch, len(best), path.Base(name), ff.pkg+"."+ff.rest)
	}
	return "", fmt.Errorf("srcline: %s: %w: %s", file, ErrAmbiguous, strings.Join(fit, ", "))
}
