// Package poolmap defines an Analyzer that reports values put back into a
// sync.Pool with a map that is not re-made on the way.
//
// # Analyzer poolmap
//
// poolmap: report pooled values whose maps keep their entries or peak size
//
// A value recycled through a sync.Pool carries its maps into the next
// use. A map that nothing resets keeps stale entries and grows with every
// reuse; a map reset with clear (or by deleting every key) loses its
// entries but keeps every table it ever had, so one large request makes
// every later user of that pooled value carry the largest map seen:
//
//	type state struct{ seen map[string]bool }
//
//	var pool = sync.Pool{New: func() any { return &state{seen: map[string]bool{}} }}
//
//	func handle(keys []string) {
//		s := pool.Get().(*state)
//		defer pool.Put(s) // "pooled *state keeps the entries of its map field seen: nothing clears or re-makes it before Put"
//		for _, k := range keys {
//			s.seen[k] = true
//		}
//	}
//
// With clear(s.seen) before the Put the message becomes "pooled *state
// keeps the peak size of its map field seen: emptying a map keeps every
// table; re-make it when its len exceeds a bound". The fix is
//
//	if len(s.seen) > 1024 {
//		s.seen = make(map[string]bool) // release an oversized map
//	} else {
//		clear(s.seen)
//	}
//
// or simply re-making the map (or setting it to nil) every time.
//
// The analyzer looks at every Put whose argument is a struct, or a
// pointer to a struct, declared in the package being analyzed (its map
// fields and those of embedded structs), or a map itself. A map field
// counts as handled when, on the path of the pool the Put goes to, it is
// assigned a new map or nil outside its creation, the whole struct is
// overwritten (`*s = state{}`), or its len is compared with a limit; resets
// in a Reset method, at the Get side or in a deferred function are thus
// all found. On the path of a pool means in a function that calls Get or
// Put on that pool, or on no pool at all (a Reset method, a helper): a
// function working for another pool of the same type resets that pool's
// values, not these. A field that is only read, or whose keys are deleted
// one by one, is not reported. An exported map field of an exported type
// counts as filled even when this package never inserts into it: its
// importers do (a log entry's Data, written by callers and hooks). A map (or pointer to a map) passed directly to Put is
// checked in the function holding the Put; setting every value to zero
// is not emptying it.
//
// A pool is a sync.Pool, or an interface type of the package whose
// methods pair Get() T with Put(T) (a pool of its own, whatever
// implements it). Besides its own map fields, a pooled struct carries the
// maps behind its pointer fields to structs of the package when it owns
// them: some call x.f.M() runs a method M of the pointed-to struct that
// empties the map (clear, or a range deleting every key, also through a
// method that deletes its one parameter). Such a map is reported only as
// kept at its peak. A Put that runs only under a condition on the pooled
// value's state (an if around it, or an `if cond { return }` before it,
// reading the value or a local computed from it, other than a nil
// check) counts as bounded: the code decides per value whether pooling
// it is worth it, as M3 drops results that stay far below their peak.
//
// Types declared in other packages are not examined: their unexported
// fields can only be reset by their own package, which is analyzed on
// its own.
//
// There is no suggested fix: the bound depends on the workload, and
// re-making the map instead of clearing it changes what other holders of
// the old map see.
package poolmap
