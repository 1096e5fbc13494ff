// Package mapkind names why map storage was allocated, and knows which
// functions of the runtime and the standard library mean map storage.
//
// The names cover the bucket maps of Go 1.21-1.23 (and GOEXPERIMENT=
// noswissmap in 1.24 and 1.25) and the Swiss tables of Go 1.24-1.27; see
// map-runtime-facts.md. Every mapscope component that reads a stack, a
// binary or a record asks this package, so that they agree.
package mapkind

import "strings"

// Kind says what an allocation site allocated.
type Kind string

const (
	Grow    Kind = "grow"    // an assignment that grew a map: a new table, group array, directory or bucket array
	Make    Kind = "make"    // initial sizing by make or a map literal
	Clone   Kind = "clone"   // maps.Clone
	Reflect Kind = "reflect" // built through reflect, or a decoder using it (encoding/json)
	SyncMap Kind = "syncmap" // storage of a sync.Map
	NonMap  Kind = "nonmap"  // an allocation that is not map storage
	Unknown Kind = "unknown" // no evidence either way
)

// Kinds lists every kind in report order.
var Kinds = []Kind{Grow, Make, Clone, Reflect, SyncMap, NonMap, Unknown}

// IsMap reports whether k is one of the map storage kinds.
func (k Kind) IsMap() bool {
	switch k {
	case Grow, Make, Clone, Reflect, SyncMap:
		return true
	}
	return false
}

// Rank orders the map kinds when one stack shows several: maps.Clone calls
// makemap, reflect and sync.Map (before Go 1.24) call mapassign. The
// frame nearest the user's code gives the reason, so a wrapper outranks
// what it wraps. Kinds that are not map storage rank 0.
func Rank(k Kind) int {
	switch k {
	case SyncMap:
		return 5
	case Reflect:
		return 4
	case Clone:
		return 3
	case Make:
		return 2
	case Grow:
		return 1
	}
	return 0
}

// IsRuntime reports whether fn is part of the runtime (runtime. or
// internal/runtime/): the frames runtime/pprof strips from heap profiles,
// and the allocator's own.
func IsRuntime(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/")
}

// OfFrame returns the kind of map storage a frame in an allocation's stack
// stands for, or "" when the function says nothing about maps.
func OfFrame(fn string) Kind {
	switch {
	case strings.HasPrefix(fn, "sync.(*Map)."), strings.HasPrefix(fn, "internal/sync."):
		return SyncMap
	case strings.HasPrefix(fn, "reflect.mapassign"), strings.HasPrefix(fn, "reflect.makemap"),
		strings.HasPrefix(fn, "reflect.MakeMap"), strings.HasPrefix(fn, "reflect.Value.SetMapIndex"),
		strings.HasPrefix(fn, "reflect.mapclear"):
		return Reflect
	case fn == "maps.clone", strings.HasPrefix(fn, "runtime.mapclone"), fn == "runtime.maps_clone",
		strings.HasPrefix(fn, "internal/runtime/maps.(*Map).Clone"),
		strings.HasPrefix(fn, "internal/runtime/maps.(*table).clone"):
		return Clone
	case strings.HasPrefix(fn, "runtime.makemap"), strings.HasPrefix(fn, "internal/runtime/maps.NewMap"),
		strings.HasPrefix(fn, "internal/runtime/maps.NewEmptyMap"), strings.Contains(fn, ".map.init."):
		return Make
	case strings.HasPrefix(fn, "runtime.mapassign"), strings.HasPrefix(fn, "runtime.hashGrow"),
		strings.HasPrefix(fn, "runtime.growWork"), strings.HasPrefix(fn, "runtime.evacuate"),
		strings.HasPrefix(fn, "runtime.newoverflow"), strings.HasPrefix(fn, "runtime.(*hmap).newoverflow"),
		strings.HasPrefix(fn, "runtime.(*hmap).createOverflow"),
		// makemap and hashGrow both call makeBucketArray: the caller,
		// which ranks higher or equal, decides.
		fn == "runtime.makeBucketArray",
		// Every allocation inside internal/runtime/maps that is not a
		// make or clone (matched above) is growth: a new group array,
		// table or directory for an insert.
		strings.HasPrefix(fn, "internal/runtime/maps."):
		return Grow
	}
	return ""
}

// OfCallee maps the function an allocating call instruction calls, as read
// from a binary, to a kind. ok is false for callees that say nothing
// (an unfamiliar runtime function leaves the site unknown, not guessed).
func OfCallee(callee string) (k Kind, ok bool) {
	switch c := callee; {
	case strings.Contains(c, "mapassign"):
		return Grow, true
	case strings.Contains(c, "makemap"), strings.HasPrefix(c, "internal/runtime/maps.NewMap"):
		return Make, true
	case c == "maps.clone", strings.Contains(c, "mapclone"), strings.Contains(c, "maps_clone"):
		return Clone, true
	case isNonMapAllocator(c):
		return NonMap, true
	}
	return Unknown, false
}

// isNonMapAllocator reports runtime entry points that allocate something
// other than map storage. The list is closed on purpose.
func isNonMapAllocator(fn string) bool {
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
