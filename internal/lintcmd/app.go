package lintcmd

import (
	"strings"

	"github.com/mapscope/mapscope/passes/growonly"
	"golang.org/x/tools/go/packages"
)

// applicationPackages returns the import paths of the packages that are
// application code: the packages of a main module that one of its
// network services (a main package that reaches package net) imports,
// directly or through other packages of the same module. growonly holds
// library code to stricter rules (its callers may own its maps' keys);
// the packages a service is made of are not a library, wherever they
// sit in the tree, and only a driver that sees the whole module can tell.
func applicationPackages(all []*packages.Package) []string {
	reachesNet := make(map[*packages.Package]bool)
	var netSeen func(p *packages.Package, seen map[*packages.Package]bool) bool
	netSeen = func(p *packages.Package, seen map[*packages.Package]bool) bool {
		if v, ok := reachesNet[p]; ok {
			return v
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		found := p.PkgPath == "net"
		for _, imp := range p.Imports {
			if found {
				break
			}
			found = netSeen(imp, seen)
		}
		reachesNet[p] = found
		return found
	}
	app := make(map[string]bool)
	for _, p := range all {
		if p.Name != "main" || p.Module == nil || !p.Module.Main || strings.HasSuffix(p.ID, ".test") {
			continue
		}
		if !netSeen(p, make(map[*packages.Package]bool)) {
			continue // a program that runs to completion, not a service
		}
		var visit func(q *packages.Package)
		visit = func(q *packages.Package) {
			for _, imp := range q.Imports {
				if imp.Module == nil || imp.Module.Path != p.Module.Path || app[imp.PkgPath] {
					continue
				}
				app[imp.PkgPath] = true
				visit(imp)
			}
		}
		visit(p)
	}
	var out []string
	for path := range app {
		out = append(out, path)
	}
	return out
}

// markApplications tells growonly which packages are application code,
// for the length of one analysis; the returned function restores the
// flag as the user set it.
func markApplications(all []*packages.Package) (restore func(), err error) {
	f := growonly.Analyzer.Flags.Lookup("apps")
	old := f.Value.String()
	paths := applicationPackages(all)
	if len(paths) == 0 {
		return func() {}, nil
	}
	value := strings.Join(paths, ",")
	if old != "" {
		value = old + "," + value
	}
	if err := f.Value.Set(value); err != nil {
		return nil, err
	}
	return func() { f.Value.Set(old) }, nil
}
