// Package growonly defines an Analyzer that reports long-lived maps that
// are inserted into but never deleted from, cleared, replaced or bounded.
//
// # Analyzer growonly
//
// growonly: report long-lived maps that only grow
//
// A Go map never gives memory back while it lives: deletes and clear keep
// every table, and only replacing the map releases them. A package-level
// map, or a map field of a long-lived value, that is inserted into and
// never deleted from, cleared, replaced or bounded therefore grows for as
// long as the program runs:
//
//	var sessions = map[string]*Session{}
//
//	func login(id string, s *Session) {
//		sessions[id] = s // "map sessions only grows: nothing in the package deletes from it, clears it or replaces it"
//	}
//
// The same holds for sync.Map: Store, LoadOrStore and Swap insert; Delete,
// LoadAndDelete, CompareAndDelete and Clear remove.
//
// The analyzer is silent when, anywhere in the package,
//
//   - the map is deleted from (delete, clear, the range-delete idiom, or the
//     sync.Map removal methods),
//   - the map is replaced: assigned nil or a new map outside its creation
//     (a declaration, init, a composite literal, a freshly allocated local
//     value, a lazy `if m == nil { m = make(...) }` or a sync.Once), or the
//     whole struct holding it is overwritten (`*c = Cache{}`),
//   - the map is bounded: its length is compared against a limit
//     (`if len(m) < max { m[k] = v }`),
//   - the map escapes: it is passed to a function (other than len, delete,
//     clear, fmt printing and the read-only functions of package maps), or
//     assigned to another variable, returned, or its address is taken;
//     whoever receives it may delete from it.
//
// One diagnostic is reported per map, on its first insertion in source
// order. Insertions in init functions and package variable initialisers
// do not count (a table filled at start-up is not a leak), and _test.go
// files are ignored altogether: a test that deletes from a map does not
// bound it in production, and a test that fills one does not leak.
//
// Scope and false-positive budget. Only maps whose every use the analyzer
// can see are reported:
//
//   - Exported package variables and exported fields are not reported
//     (except in package main, which nobody imports): an importing package
//     may delete from them, and analysis facts flow from a package to its
//     importers, never back, so the defining package cannot know. The flag
//     -growonly.exported reports them anyway, for a program whose
//     importers are all known.
//   - A map field is reported only when its struct type is long-lived: a
//     package-level variable holds it (directly, through a pointer, a
//     container or another long-lived struct), or the struct carries a
//     sync.Mutex or sync.RWMutex (it is shared between goroutines), or the
//     field is a sync.Map. A map field of a value built and dropped inside
//     one call (a decoder state, a visitor) is not a leak.
//   - Maps in local variables are never reported.
//
// There is no suggested fix: whether to delete on a code path, bound the
// map or replace it with an LRU is a design decision.
package growonly
