// Package attribute decides, for every sample of a heap profile, whether
// the bytes are map storage, of what kind, and at which source site of the
// user's code they were allocated.
//
// Heap profiles written by runtime/pprof drop the runtime frames, so map
// storage appears as anonymous bytes at a user line. The package weighs
// evidence in a fixed order (DESIGN.md, "Attribution"):
//
//  1. map frames still in the stack (full-stack profiles from mapwatch,
//     godeltaprof, and frames runtime/pprof keeps: reflect, maps.clone,
//     sync.Map, map literal initialisers);
//  2. the binary: the function called just before the frame's return
//     address (runtime.mapassign_fast64 versus runtime.newobject);
//  3. the source line, parsed and type-checked, which also names the map;
//  4. the sample's block size, against the sizes the line's types allow;
//
// and records which evidence decided. A sample without evidence is
// Unknown: the package never guesses.
package heap

// Kind says what a site allocated.
type Kind string

const (
	Grow    Kind = "grow"    // an assignment that grew a map
	Make    Kind = "make"    // initial sizing by make or a map literal
	Clone   Kind = "clone"   // maps.Clone
	Reflect Kind = "reflect" // built through reflect or a decoder using it
	SyncMap Kind = "syncmap" // storage of a sync.Map
	NonMap  Kind = "nonmap"  // an allocation that is not map storage
	Unknown Kind = "unknown" // no evidence either way
)

// IsMap reports whether k is one of the map storage kinds.
func (k Kind) IsMap() bool {
	switch k {
	case Grow, Make, Clone, Reflect, SyncMap:
		return true
	}
	return false
}

// Kinds lists every kind in report order.
var Kinds = []Kind{Grow, Make, Clone, Reflect, SyncMap, NonMap, Unknown}

// Evidence names what decided a classification.
type Evidence string

const (
	FromStack  Evidence = "stack"  // map or runtime frames present in the sample's stack
	FromBinary Evidence = "binary" // the call instruction before the return address
	FromSource Evidence = "source" // the type-checked source line
	FromSize   Evidence = "size"   // the sample's block size against the line's types (sizes.go)
)
