// Package inflight reproduces, in its own words, the in-flight token
// tracking of scylladb/gemini (a long-running load generator and
// consistency checker for ScyllaDB) as it was before commit
// c350bbeaef417e8e99bd6a15e773980eded16c4d ("Fix issue #267", PR #280;
// before/ is the code before the change, after/ as changed). Each
// partition of the generator keeps the tokens of the partition keys in
// use in a set, a map from the u64set package, adding one per key handed
// out and deleting it when the key is given back. Tokens are random and
// never repeat, so over a run of hours the map saw millions of keys go
// through it and, deleted key by key, stayed at the size of its peak
// and beyond (issue #267: the process ran out of memory). The fix keeps
// the map itself, counts the deletes, and re-makes it with the live
// tokens once a million were deleted.
package inflight

import "sync"

// shrinkInflightsLimit is the number of deletes after which the map is
// re-made with its live tokens: maps do not give back the room of
// deleted keys.
const shrinkInflightsLimit = 1000000

// InFlight is a set of the tokens in use.
type InFlight interface {
	AddIfNotPresent(uint64) bool
	Delete(uint64)
}

// New returns a set protected by one lock.
func New() InFlight { return newSyncU64set(shrinkInflightsLimit) }

func newSyncU64set(limit uint64) *syncU64set {
	return &syncU64set{values: make(map[uint64]bool), limit: limit}
}

// NewConcurrent returns a set sharded over 256 locks.
func NewConcurrent() InFlight {
	s := &shardedSyncU64set{}
	for i := range s.shards {
		s.shards[i] = newSyncU64set(shrinkInflightsLimit)
	}
	return s
}

type shardedSyncU64set struct {
	shards [256]*syncU64set
}

func (s *shardedSyncU64set) Delete(v uint64) { s.shards[v%256].Delete(v) }

func (s *shardedSyncU64set) AddIfNotPresent(v uint64) bool {
	return s.shards[v%256].AddIfNotPresent(v)
}

type syncU64set struct {
	mu      sync.RWMutex
	values  map[uint64]bool
	deleted uint64
	limit   uint64
}

func (s *syncU64set) AddIfNotPresent(v uint64) bool {
	s.mu.RLock()
	_, ok := s.values[v]
	s.mu.RUnlock()
	if ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.values[v]; ok {
		return false
	}
	s.values[v] = true
	return true
}

func (s *syncU64set) Delete(v uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.values[v]; !ok {
		return
	}
	delete(s.values, v)
	s.deleted++
	if s.limit != 0 && s.deleted > s.limit {
		go s.shrink()
	}
}

// shrink re-makes the map with the live tokens.
func (s *syncU64set) shrink() {
	s.mu.Lock()
	defer s.mu.Unlock()
	values := make(map[uint64]bool, len(s.values))
	for k, v := range s.values {
		if v {
			values[k] = v
		}
	}
	s.values = values
	s.deleted = 0
}
