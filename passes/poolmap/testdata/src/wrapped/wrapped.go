// Package wrapped pools values through an interface of its own, with maps
// behind pointer fields.
package wrapped

// index is owned by each pooled value and emptied key by key.
type index struct {
	byHash map[uint64]string
}

func (x *index) set(h uint64, s string) { x.byHash[h] = s }

func (x *index) forget(h uint64) { delete(x.byHash, h) }

func (x *index) reset() {
	for h := range x.byHash {
		x.forget(h)
	}
}

// server is shared: every pooled request points to the same one.
type server struct {
	routes map[string]int
}

func (s *server) add(name string) { s.routes[name] = len(s.routes) }

func (s *server) reload() { clear(s.routes) }

// reloadAll empties the shared server's routes, but not through a
// result's field: the result does not own the server.
func reloadAll(s *server) { s.reload() }

type resultPool interface {
	Get() *result
	Put(*result)
}

type result struct {
	idx   *index
	srv   *server
	total int
	pool  resultPool
}

func (r *result) add(h uint64, s string) {
	r.idx.set(h, s)
	r.srv.add(s)
	r.total++
}

// finish empties the index through its helper and pools the result: the
// index keeps the tables of the largest result. srv is not reported: the
// result never resets it, so it is not the result's own.
func (r *result) finish() {
	r.idx.reset()
	r.total = 0
	if r.pool == nil {
		return
	}
	r.pool.Put(r) // want `pooled \*result keeps the peak size of its map field idx.byHash`
}

type sized struct {
	idx   *index
	total int
	peak  int
	pool  resultPool2
}

type resultPool2 interface {
	Get() *sized
	Put(*sized)
}

func (s *sized) add(h uint64, v string) {
	s.idx.set(h, v)
	s.total++
}

func (s *sized) worthPooling() bool { return s.total*4 >= s.peak }

// finish pools the value only while it stays near its peak: the pool
// decides per value, as a len bound would.
func (s *sized) finish() {
	keep := s.worthPooling()
	s.idx.reset()
	if s.pool != nil && keep {
		s.pool.Put(s)
	}
}

// plain is pooled with a map field emptied through the helper of a
// type that is not its own: no pointer, nothing followed.
type notPool interface {
	Get() *result
	Put(*result, bool)
}

func recycle(p notPool, r *result) {
	r.idx.reset()
	p.Put(r, true)
}
