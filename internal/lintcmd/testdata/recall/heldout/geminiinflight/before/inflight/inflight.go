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

import (
	"sync"

	"recall/heldout/geminiinflight/before/u64set"
)

// InFlight is a set of the tokens in use.
type InFlight interface {
	AddIfNotPresent(uint64) bool
	Delete(uint64)
}

// New returns a set protected by one lock.
func New() InFlight { return newSyncU64set() }

func newSyncU64set() *syncU64set {
	return &syncU64set{pks: u64set.New()}
}

// NewConcurrent returns a set sharded over 256 locks.
func NewConcurrent() InFlight {
	s := &shardedSyncU64set{}
	for i := range s.shards {
		s.shards[i] = newSyncU64set()
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
	mu  sync.RWMutex
	pks *u64set.Set
}

func (s *syncU64set) Delete(v uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pks.Remove(v)
}

func (s *syncU64set) AddIfNotPresent(v uint64) bool {
	s.mu.RLock()
	if s.pks.Has(v) {
		s.mu.RUnlock()
		return false
	}
	s.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pks.Has(v) {
		return false
	}
	s.pks.Add(v)
	return true
}
