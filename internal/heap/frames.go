package heap

import "strings"

// frameClass is what a single function name tells about an allocation.
type frameClass int

const (
	plainFrame   frameClass = iota // says nothing about maps
	runtimeFrame                   // runtime internals that are not map code
	markGrow
	markMake
	markClone
	markReflect
	markSyncMap
)

// classifyFrame recognises the functions whose presence in a stack means
// map storage. The names cover the bucket maps of Go 1.21-1.23 and the
// Swiss tables of Go 1.24+; see map-runtime-facts.md.
func classifyFrame(fn string) frameClass {
	switch {
	case strings.HasPrefix(fn, "sync.(*Map)."), strings.HasPrefix(fn, "internal/sync."):
		return markSyncMap
	case strings.HasPrefix(fn, "reflect.mapassign"), strings.HasPrefix(fn, "reflect.makemap"),
		strings.HasPrefix(fn, "reflect.MakeMap"), strings.HasPrefix(fn, "reflect.Value.SetMapIndex"),
		strings.HasPrefix(fn, "reflect.mapclear"):
		return markReflect
	case fn == "maps.clone", strings.HasPrefix(fn, "runtime.mapclone"), fn == "runtime.maps_clone",
		strings.HasSuffix(fn, "maps.(*Map).Clone"):
		return markClone
	case strings.HasPrefix(fn, "runtime.makemap"), strings.HasPrefix(fn, "internal/runtime/maps.NewMap"),
		strings.HasPrefix(fn, "internal/runtime/maps.NewEmptyMap"), strings.Contains(fn, ".map.init."):
		return markMake
	case strings.HasPrefix(fn, "runtime.mapassign"), strings.HasPrefix(fn, "runtime.hashGrow"),
		strings.HasPrefix(fn, "runtime.growWork"), strings.HasPrefix(fn, "runtime.newoverflow"),
		strings.HasPrefix(fn, "internal/runtime/maps."):
		// Every allocation inside internal/runtime/maps that is not a
		// make or clone (matched above) is growth: a new group, table
		// or directory for an insert.
		return markGrow
	case strings.HasPrefix(fn, "runtime."), strings.HasPrefix(fn, "internal/runtime/"):
		return runtimeFrame
	}
	return plainFrame
}

// markKind is the kind a map marker stands for, in precedence order: a
// sync.Map built on a builtin map (Go <= 1.23) is sync.Map storage, a
// decoder growing a map through reflect is reflect, and so on.
var markPrecedence = []struct {
	class frameClass
	kind  Kind
}{
	{markSyncMap, SyncMap},
	{markReflect, Reflect},
	{markClone, Clone},
	{markMake, Make},
	{markGrow, Grow},
}

// calleeKind maps the function called at an allocation site, as read from
// the binary, to a kind. ok is false for callees that say nothing.
func calleeKind(callee string) (Kind, bool) {
	switch c := callee; {
	case strings.Contains(c, "mapassign"):
		return Grow, true
	case strings.Contains(c, "makemap"), strings.HasPrefix(c, "internal/runtime/maps.NewMap"):
		return Make, true
	case c == "maps.clone", strings.Contains(c, "mapclone"), strings.Contains(c, "maps_clone"):
		return Clone, true
	case nonMapAllocator(c):
		return NonMap, true
	}
	return Unknown, false
}

// nonMapAllocator reports runtime entry points that allocate something
// other than map storage. The list is closed on purpose: an unfamiliar
// runtime callee leaves the sample unknown rather than guessed.
func nonMapAllocator(fn string) bool {
	name, ok := strings.CutPrefix(fn, "runtime.")
	if !ok {
		return false
	}
	for _, p := range []string{
		"newobject", "newarray", "mallocgc", "growslice", "makeslice", "makechan",
		"concatstring", "concatbyte", "rawstring", "rawbyteslice", "rawruneslice",
		"slicebytetostring", "stringtoslicebyte", "stringtoslicerune", "slicerunetostring",
		"intstring", "convT", "convTstring", "convTslice", "convT64", "convT32", "convT16",
		"newproc", "deferproc", "makefunc",
		"printlock", "gopanic", "panicwrap", "malg", "allocm",
	} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// isStandard reports whether a function belongs to the standard library
// (its package path has no dot in the first element), or the runtime.
func isStandard(fn string) bool {
	pkg := packageOf(fn)
	if pkg == "main" || pkg == "command-line-arguments" {
		return false
	}
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".")
}

// packageOf returns the import path part of a fully qualified function
// name such as "example.com/a/b.(*T).M" or "main.f.func1".
func packageOf(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}
