// Package srcline tells what a source line named by a heap profile frame
// does with memory.
//
// Heap profiles written by runtime/pprof drop runtime frames, so the bytes a
// map's groups and tables take show up as allocated at a user source line:
// the line of `m[k] = v` for growth, of `make(map...)` or a literal for the
// initial sizing. Given the module's source tree, a Tree parses and
// type-checks the line and reports its allocating operations: map
// assignments, makes (with their size hint), literals, clones, decodes into
// maps, reflect map calls, sync.Map stores, other allocations and calls
// that may allocate inside. It names each map as written (`s.sessions`),
// gives its type, and describes the innermost loop around the line so that
// callers can suggest a size hint.
//
// Lookup is strict about the match between the profile and the tree: a
// frame whose function does not contain the line returns ErrMismatch, so a
// stale or different checkout is reported rather than explained wrongly.
package srcline

import (
	"errors"
	"fmt"
	"go/token"
)

// Errors returned (wrapped, naming the file) by Open and Lookup. Test them
// with errors.Is.
var (
	// ErrNotInTree: the frame's file is not a file of the module (standard
	// library, another module, generated code absent from the checkout).
	// Callers skip such frames.
	ErrNotInTree = errors.New("file not in source tree")
	// ErrAmbiguous: the frame's file name matches several files of the tree
	// and neither the function's package nor its name tells them apart.
	ErrAmbiguous = errors.New("file name matches several files in source tree")
	// ErrLineOutOfRange: the line is before the first or past the last line
	// of the file.
	ErrLineOutOfRange = errors.New("line out of range")
	// ErrMismatch: the source tree does not match the profile: the function
	// is not in the file, or the line is not inside it.
	ErrMismatch = errors.New("source does not match profile")
	// ErrNoModule: Open was given a directory without a usable go.mod.
	ErrNoModule = errors.New("no go.mod")
)

// Kind says what an operation on a line does.
type Kind int

const (
	// MapAssign stores into a builtin map (m[k] = v, m[k]++, maps.Copy):
	// the map may grow here.
	MapAssign Kind = iota + 1
	// MapMake is make(map[K]V) or make(map[K]V, hint) (or maps.Collect).
	MapMake
	// MapLiteral is a map composite literal, or one of its entries.
	MapLiteral
	// MapClone is maps.Clone: it copies the tables at their current size.
	MapClone
	// MapDecode decodes (json, yaml, gob, ...) into a destination holding
	// a map.
	MapDecode
	// MapReflect builds or stores into a map through package reflect.
	MapReflect
	// SyncMapStore stores into a sync.Map.
	SyncMapStore
	// Alloc allocates something that is not a map: &T{}, new, slices,
	// channels, append, strings, closures, interface conversions.
	Alloc
	// Call calls a function that may allocate inside.
	Call
	// MapMethod calls a method of a named map type on a map the line
	// holds (s.Insert(k) on a k8s.io/apimachinery sets.Set[string]): the
	// map is the caller's, filled, read or grown inside the method. Like
	// Call, the line itself allocates nothing.
	MapMethod
)

var kindNames = [...]string{
	MapAssign:    "mapassign",
	MapMake:      "mapmake",
	MapLiteral:   "mapliteral",
	MapClone:     "mapclone",
	MapDecode:    "mapdecode",
	MapReflect:   "mapreflect",
	SyncMapStore: "syncmapstore",
	Alloc:        "alloc",
	Call:         "call",
	MapMethod:    "mapmethod",
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// IsMap reports whether the operation puts memory into a builtin map (or a
// sync.Map).
func (k Kind) IsMap() bool { return k >= MapAssign && k <= SyncMapStore }

// Line describes one source line.
type Line struct {
	Path string // the file in the tree, relative to root, slash-separated
	Line int    // the line number looked up
	// Func is the function declaration the line is in as written in the
	// source ("(*Server).handle", "fill", "init" for package-level
	// initialisers).
	Func string
	Ops  []Op  // allocating operations on this line, in source order
	Loop *Loop // innermost enclosing loop of the line inside its function, nil if none
	// Typed is false when the package could not be type-checked (a file
	// excluded by build constraints, a broken go.mod): then only the
	// operations recognisable from syntax alone are reported.
	Typed bool
	// LoadErr says why the package could not be loaded when Typed is
	// false (nil when the file is only excluded by build constraints).
	LoadErr error
}

// Op is one allocating operation.
type Op struct {
	Kind Kind
	// Expr is the map expression for map ops ("s.sessions", "cache[id]"
	// for nested maps), the allocation expression for Alloc
	// ("&Session{...}", "make([]byte, n)"), the call for Call.
	Expr string
	// Type is the static type of the map (or of the allocated value), with
	// names of the line's own package unqualified and others qualified by
	// package name ("map[string]*http.Request", "Index").
	Type string
	// MapType is the map type spelled out when Type is a named type
	// ("map[string][]int" for Index); equal to Type otherwise, "" for
	// non-map ops.
	MapType string
	Hint    string // MapMake: the size hint expression as written, "" when none
	// Callee is the called function for Call, MapDecode, MapClone and
	// other ops made by calls, in profile notation
	// ("encoding/json.Unmarshal", "(*sync.Map).Store" is
	// "sync.(*Map).Store").
	Callee string
	Col    int // 1-based column of the operation

	// Sizes, for matching a sample's allocation size, 0 when unknown.
	// SlotSize and BucketSize describe a map op's storage: the slot of a
	// Swiss-table group (Go 1.24+; a group is 8 control bytes and 8
	// slots) and a whole bucket (Go 1.21-1.23). Size is the object an
	// Alloc of a pointer (&T{...}, new(T)) allocates.
	SlotSize, BucketSize, Size int64
}

// Loop describes the innermost loop around a line.
type Loop struct {
	Line int // line of the for keyword
	// KnownTrips is the expression of a trip count known before the loop
	// starts ("len(items)", "n", "100"); "" when unknown (a for with a
	// break or an open condition, range over a channel or function,
	// for {}). An early return does not make it unknown: it is an exit
	// path, and the count stays a bound.
	KnownTrips string
	// InsertsOncePerIteration reports that a MapAssign on the line runs
	// unconditionally once per iteration: it is a statement of the loop
	// body itself, with no continue or goto before it.
	InsertsOncePerIteration bool
	// LocalMap reports that the map of that MapAssign is a variable
	// declared in the line's function, outside the loop: the make that a
	// size hint would go to is in reach, and the map is filled here. A
	// struct field, a package variable or a parameter is not: such a map
	// outlives the call and grows across calls, which a hint sized for
	// one loop does not fix. Needs type information.
	LocalMap bool
}

// pos returns the 1-based line and column of p in fset.
func lineCol(fset *token.FileSet, p token.Pos) (int, int) {
	pp := fset.Position(p)
	return pp.Line, pp.Column
}
