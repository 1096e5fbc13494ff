// Package index reproduces, in its own words, the pooled query results
// fixed in M3: https://github.com/m3db/m3/pull/4032 (commit
// e6b46c729aeb44fd9058552f72baa8c672894eb3; before/ is the code before
// the fix, after/ as fixed). Results go back to their pool after their
// map is emptied key by key, so one huge query pins a huge map in the
// pool; the fix stops pooling results that stay far below their peak.
package index

import "sync"

type ResultsMap struct {
	lookup map[uint64]string
}

func newResultsMap() *ResultsMap { return &ResultsMap{lookup: make(map[uint64]string, 10)} }

func (m *ResultsMap) Set(h uint64, id string) { m.lookup[h] = id }

func (m *ResultsMap) removeMapKey(h uint64) { delete(m.lookup, h) }

// Reset empties the map and keeps its tables.
func (m *ResultsMap) Reset() {
	for h := range m.lookup {
		m.removeMapKey(h)
	}
}

// QueryResultsPool recycles results.
type QueryResultsPool interface {
	Get() *results
	Put(*results)
}

type results struct {
	sync.RWMutex
	resultsMap *ResultsMap
	total      int
	stats      utilization
	pool       QueryResultsPool
}

type utilization struct{ peak, below int }

func (u *utilization) updateAndCheck(n int) bool {
	if n > u.peak {
		u.peak, u.below = n, 0
		return true
	}
	u.below++
	return u.below < 10
}

func (r *results) Add(h uint64, id string) {
	r.Lock()
	defer r.Unlock()
	r.resultsMap.Set(h, id)
	r.total++
}

func (r *results) Reset() {
	r.Lock()
	defer r.Unlock()
	r.resultsMap.Reset()
	r.total = 0
}

// Finalize returns the results to their pool.
func (r *results) Finalize() {
	r.Lock()
	returnToPool := r.stats.updateAndCheck(r.total)
	r.Unlock()
	r.Reset()
	if r.pool != nil && returnToPool {
		r.pool.Put(r)
	}
}
