// Package mapstats reports how much memory a Go map holds right now, next to
// how many entries it has, and what a right-sized copy would hold.
//
// A map never gives memory back while it lives: deletes, clear and churn
// keep every table the map ever grew. Only the running program can compare
// a map's length with its capacity, so mapstats reads the runtime's map
// header directly (through unsafe, with layouts selected by build tags) and
// rounds every allocation it finds to the allocator's size classes, which
// makes Stats.Bytes agree with the heap growth that runtime.ReadMemStats
// sees when the map is built.
//
//	st, err := mapstats.Of(cache)
//	if err == nil && st.Reclaimable() > 64<<20 {
//		cache = mapstats.Rebuild(cache)
//	}
//
// Of also reads a *sync.Map, which since Go 1.24 is a hash-trie and holds
// no builtin map: Len and Bytes come from walking its nodes, entry by
// entry, with atomic loads and no lock.
//
// Supported: Go 1.24 to 1.27, Swiss tables (the default) and, on Go 1.24
// and 1.25, the bucket implementation of a GOEXPERIMENT=noswissmap build;
// sync.Map where it is the hash-trie (the default). Any other layout
// returns ErrUnsupported; mapstats never guesses.
//
// Concurrency: Of reads a builtin map without synchronization. Reading a
// map while another goroutine writes it is a data race; the caller must
// hold whatever lock guards the map's writers (mapwatch takes that lock
// for you). Of bounds every pointer it follows and returns ErrInconsistent
// rather than crashing when it catches a header in the middle of a change.
package mapstats
