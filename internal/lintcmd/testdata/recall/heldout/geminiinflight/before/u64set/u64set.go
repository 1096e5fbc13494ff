// Package u64set is a set of uint64 values, as the go-set library that
// geminiinflight's in-flight tracking used (see package inflight).
package u64set

// Set is a set of uint64 values.
type Set struct {
	m map[uint64]struct{}
}

// New returns an empty set.
func New() *Set {
	return &Set{m: make(map[uint64]struct{})}
}

// Add adds v.
func (s *Set) Add(v uint64) { s.m[v] = struct{}{} }

// Remove removes v.
func (s *Set) Remove(v uint64) {
	delete(s.m, v) // want mapclear "."
}

// Has reports whether v is in the set.
func (s *Set) Has(v uint64) bool {
	_, ok := s.m[v]
	return ok
}

// Size returns the number of values.
func (s *Set) Size() int { return len(s.m) }
