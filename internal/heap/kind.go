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

import "github.com/mapscope/mapscope/internal/mapruntime/mapkind"

// Kind says what a site allocated; mapkind is its one definition, shared
// with the runtime libraries.
type Kind = mapkind.Kind

const (
	Grow    = mapkind.Grow
	Make    = mapkind.Make
	Clone   = mapkind.Clone
	Reflect = mapkind.Reflect
	SyncMap = mapkind.SyncMap
	NonMap  = mapkind.NonMap
	Unknown = mapkind.Unknown
)

// Kinds lists every kind in report order.
var Kinds = mapkind.Kinds

// Evidence names what decided a classification.
type Evidence string

const (
	FromStack  Evidence = "stack"  // map or runtime frames present in the sample's stack
	FromBinary Evidence = "binary" // the call instruction before the return address
	FromSource Evidence = "source" // the type-checked source line
	FromSize   Evidence = "size"   // the sample's block size against the line's types (sizes.go)
)
