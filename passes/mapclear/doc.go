// Package mapclear defines an Analyzer that reports long-lived maps
// emptied in place, which keeps all of their memory.
//
// # Analyzer mapclear
//
// mapclear: report long-lived maps emptied in place, which keeps their memory
//
// A Go map never shrinks. Deleting every key, or calling clear, leaves the
// map with all the tables it had at its largest; only making a new map (and
// dropping the old one) gives the memory back to the garbage collector.
// For a map that lives as long as the program or its owner, a peak of a
// million entries keeps tens of megabytes alive after it is emptied.
//
// The analyzer reports the range-delete idiom (which the compiler turns
// into a clear) when the map is a package-level variable or a struct
// field, and calls to clear on a package-level variable:
//
//	for k := range s.cache {
//		delete(s.cache, k)
//	}
//
//	clear(sessions)
//
// clear on a field is not reported: it is the deliberate reuse idiom (a
// cache that swaps two maps and clears one each cycle to save
// allocations, a set emptied and refilled) and the peak is reused.
//
// It also reports a map field of a long-lived type that indexes a backlog
// and is emptied one key at a time but never re-made. A type is taken as
// long-lived when a package variable holds it, when it holds a
// sync.Mutex, sync.RWMutex or sync.Map (its values are shared between
// goroutines), or when one of its methods runs a goroutine's loop:
//
//	func (q *writeQueue) add(ref int, b []byte) {
//		q.byRef[ref] = b
//		q.jobs <- ref
//	}
//
//	func (q *writeQueue) done(ref int) {
//		delete(q.byRef, ref) // reported
//	}
//
// A backlog (the inserting function also sends on a channel or pushes
// back on a container/list of the same value, or the deleting function
// removes from such a list or re-slices a slice of the same value) is as
// large as the consumer is behind: a slow disk or a start-up burst leaves
// tables far larger than the map's usual size, for the life of the
// program. The remedy is to re-make the map (copying the live entries)
// once it has shrunk well below its peak. A send of empty structs (a
// wake-up signal, chan struct{}) queues nothing, nor does a send on a
// channel the inserting function also receives from (goroutines relaying
// events into its own select): such a map mirrors live state, as
// prometheus' discovery targets and zookeeper sources do, and is not
// reported. Maps deleted from one key at a time that are not a backlog
// (connections, streams, sessions) stay near their usual size and are
// not reported, nor are maps bounded by a capacity or indexing a recency
// list (an LRU: its list is moved in or pushed at the front), re-made
// anywhere after construction, swept by a range over themselves, or used
// where the analyzer cannot follow them (passed to a function).
//
// Two remedies exist and the right one depends on the program: clear keeps
// the tables for reuse, which is best when the map refills to a similar
// size; re-making the map (s.cache = make(map[K]V)) releases them, which is
// best after a one-off peak. The range-delete idiom gets a suggested fix
// to clear(m), which says the same thing in one line. The fix is offered
// only when the file's Go version has clear (Go 1.21) and the key type
// cannot hold a NaN: the loop cannot delete NaN keys, clear does. Re-making
// is not offered as a fix because other references to the same map would
// keep seeing the old one.
//
// Local variables are not reported: they become garbage with their
// function. Neither are test files (_test.go): a test's maps live as long
// as the test.
package mapclear
