// Package shrinkingmap is the map the fixed OrderedMap of hiveorderedmap
// keeps its index in (see package orderedmap for the upstream link): after
// enough deletes it copies its live entries into a fresh map, so that the
// memory of a once-large map is given back.
package shrinkingmap

// ShrinkingMap is a map that is re-made after many deletes. It is not safe
// for concurrent use; its owner locks.
type ShrinkingMap[K comparable, V any] struct {
	m       map[K]V
	deleted int
	// shrinkRatio and minDeleted decide when to re-make: once deleted
	// reaches both minDeleted and shrinkRatio times the live count.
	shrinkRatio float64
	minDeleted  int
}

func New[K comparable, V any]() *ShrinkingMap[K, V] {
	return &ShrinkingMap[K, V]{m: make(map[K]V), shrinkRatio: 10, minDeleted: 1024}
}

func (s *ShrinkingMap[K, V]) Get(key K) (V, bool) {
	v, ok := s.m[key]
	return v, ok
}

func (s *ShrinkingMap[K, V]) Has(key K) bool {
	_, ok := s.m[key]
	return ok
}

func (s *ShrinkingMap[K, V]) Set(key K, value V) {
	s.m[key] = value
}

func (s *ShrinkingMap[K, V]) Size() int { return len(s.m) }

// Delete removes key, and re-makes the map when enough keys are gone.
func (s *ShrinkingMap[K, V]) Delete(key K) bool {
	if _, ok := s.m[key]; !ok {
		return false
	}
	delete(s.m, key)
	s.deleted++
	if s.deleted >= s.minDeleted && float64(s.deleted) >= s.shrinkRatio*float64(len(s.m)) {
		s.shrink()
	}
	return true
}

func (s *ShrinkingMap[K, V]) shrink() {
	fresh := make(map[K]V, len(s.m))
	for k, v := range s.m {
		fresh[k] = v
	}
	s.m = fresh
	s.deleted = 0
}
