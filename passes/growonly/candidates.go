package growonly

import (
	_ "embed"
	"go/token"
	"go/types"
	"iter"
	"slices"
	"strings"

	"github.com/mapscope/mapscope/passes/internal/astutil"
)

// Phase 1: the candidates. Package-level maps and map fields of long-lived
// types are tracked; everything else is out of scope.

// collectCandidates records the package-level map variables and the map
// fields of package-level struct types that the analyzer may report.
func (c *checker) collectCandidates() {
	pkg := c.pass.Pkg
	visible := func(name string) bool {
		return c.app || !token.IsExported(name)
	}
	longLived := c.longLivedTypes()
	// serving are the types whose values serve requests or run a
	// goroutine's loop: long-lived whoever made them, so their
	// unexported map fields, which only this package can delete from,
	// are tracked even when the type is exported.
	serving := make(map[*types.TypeName]bool)
	addRequestServers(c.pass, serving)
	for tn := range astutil.RunLoopTypes(c.pass) {
		serving[tn] = true
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Var:
			if kind := mapKind(obj.Type()); kind != notMap && visible(name) && name != "_" {
				c.tracked[obj] = &tracked{name: name, syncMap: kind == syncMapKind}
			}
		case *types.TypeName:
			if obj.IsAlias() || (!visible(obj.Name()) && !serving[obj]) {
				continue // importers own the values of an exported type
			}
			st, ok := obj.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for f, path := range mapFields(st) {
				kind := mapKind(f.Type())
				if f.Name() == "_" || !slices.ContainsFunc(strings.Split(path, "."), visible) {
					continue // importers reach it, or it is unnamed
				}
				if !longLived[obj] && (kind != syncMapKind || !c.app) {
					continue // a map of a short-lived value dies with it
				}
				c.tracked[f] = &tracked{
					name:    obj.Name() + "." + path,
					field:   true,
					syncMap: kind == syncMapKind,
					owner:   obj,
				}
			}
		}
	}
}

// mapFields yields the map fields of st with their paths: its own, and
// those of its fields of an anonymous struct type, which group a map with
// its lock (`jobs struct { sync.Mutex; m map[K]V }`, path "jobs.m") and
// live as long as st's value.
func mapFields(st *types.Struct) iter.Seq2[*types.Var, string] {
	return func(yield func(*types.Var, string) bool) {
		for i := range st.NumFields() {
			f := st.Field(i)
			if mapKind(f.Type()) != notMap {
				if !yield(f, f.Name()) {
					return
				}
				continue
			}
			inner, ok := types.Unalias(f.Type()).(*types.Struct)
			if !ok || f.Name() == "_" {
				continue
			}
			for j := range inner.NumFields() {
				if g := inner.Field(j); mapKind(g.Type()) != notMap && !yield(g, f.Name()+"."+g.Name()) {
					return
				}
			}
		}
	}
}

// longLivedTypes returns the struct types of this package whose values
// are likely to live as long as the program: the types of package-level
// variables (directly, through a pointer or in a container), and the
// unexported types holding a mutex, which are shared between goroutines.
// Fields are not followed: a package variable of type *types.Scope says
// nothing about the lifetime of everything a Scope points to. An exported
// type with a mutex is left out: its values belong to importers, who
// decide how long they live.
func (c *checker) longLivedTypes() map[*types.TypeName]bool {
	pkg := c.pass.Pkg
	long := make(map[*types.TypeName]bool)
	var visit func(t types.Type, depth int)
	visit = func(t types.Type, depth int) {
		if depth > 4 {
			return
		}
		switch t := types.Unalias(t).(type) {
		case *types.Named:
			if tn := t.Origin().Obj(); tn.Pkg() == pkg {
				long[tn] = true
			}
		case *types.Pointer:
			visit(t.Elem(), depth+1)
		case *types.Slice:
			visit(t.Elem(), depth+1)
		case *types.Array:
			visit(t.Elem(), depth+1)
		case *types.Map:
			visit(t.Elem(), depth+1)
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Var:
			visit(obj.Type(), 0)
		case *types.TypeName:
			if st, ok := obj.Type().Underlying().(*types.Struct); ok && !obj.IsAlias() && hasMutex(st) && c.app {
				long[obj] = true
			}
		}
	}
	// A value that serves requests lives as long as the server, and so
	// do the values in its fields (see requests.go).
	addRequestServers(c.pass, long)
	// A value whose method runs a goroutine's loop (`for { select ... }`,
	// a range over a channel) lives as long as that goroutine.
	for tn := range astutil.RunLoopTypes(c.pass) {
		long[tn] = true
	}
	return long
}

func hasMutex(st *types.Struct) bool {
	for i := range st.NumFields() {
		if astutil.IsNamed(st.Field(i).Type(), "sync", "Mutex") || astutil.IsNamed(st.Field(i).Type(), "sync", "RWMutex") {
			return true
		}
	}
	return false
}

func mapKeyType(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if m, ok := t.Underlying().(*types.Map); ok {
		return m.Key()
	}
	return nil
}

type kindOfMap int

func mapKind(t types.Type) kindOfMap {
	if t == nil {
		return notMap
	}
	if astutil.IsNamed(t, "sync", "Map") {
		return syncMapKind
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok && astutil.IsNamed(p.Elem(), "sync", "Map") {
		return syncMapKind
	}
	if _, ok := t.Underlying().(*types.Map); ok {
		return builtinMapKind
	}
	return notMap
}
