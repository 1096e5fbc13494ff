// Package paired is a data structure library that cannot reach the
// network: its paired maps are judged all the same.
package paired

type node struct {
	prev, next *node
	key        string
}

// Delete unlinks the node but leaves it in index.
type Ordered struct {
	store map[string]int
	index map[string]*node
	root  node
}

func (o *Ordered) Set(k string, v int) {
	if _, ok := o.store[k]; !ok {
		n := &node{key: k}
		o.index[k] = n // want `map field Ordered.index only grows: Delete deletes k from store, filled together with it, but only reads it from index`
	}
	o.store[k] = v
}

func (o *Ordered) Delete(k string) {
	delete(o.store, k)
	if n, ok := o.index[k]; ok {
		n.prev.next = n.next
	}
}

// Both deleted: nothing stays.
type Ordered2 struct {
	store map[string]int
	index map[string]*node
}

func (o *Ordered2) Set(k string, v int) {
	o.index[k] = &node{key: k}
	o.store[k] = v
}

func (o *Ordered2) Delete(k string) {
	delete(o.store, k)
	if n, ok := o.index[k]; ok {
		n.key = ""
		delete(o.index, k)
	}
}

// A history of every key ever set, never read by the removal: kept on
// purpose.
type Ordered3 struct {
	store map[string]int
	seen  map[string]bool
}

func (o *Ordered3) Set(k string, v int) {
	o.seen[k] = true
	o.store[k] = v
}

func (o *Ordered3) Delete(k string) { delete(o.store, k) }

func (o *Ordered3) Seen(k string) bool { return o.seen[k] }

// The removal decrements a reference count of its own: the zero count
// kept is a choice of the count's owner, not a forgotten entry.
type Streams struct {
	streams map[string]*node
	refs    map[string]int
}

func (s *Streams) Get(k string) *node {
	if n, ok := s.streams[k]; ok {
		s.refs[k]++
		return n
	}
	n := &node{key: k}
	s.streams[k] = n
	s.refs[k] = 1
	return n
}

func (s *Streams) Release(k string) {
	if r := s.refs[k]; r == 0 {
		return
	}
	s.refs[k]--
	if s.refs[k] == 0 {
		delete(s.streams, k)
	}
}

// The forgotten map is deleted from on another event: the peer's
// acknowledgement. A stream closed before it leaves its ID behind.
type Session struct {
	streams  map[uint32]*node
	inflight map[uint32]bool
	credits  chan struct{}
}

func (s *Session) Open(id uint32) {
	s.streams[id] = &node{}
	s.inflight[id] = true // want `map field Session.inflight keeps what streams drops: closeStream deletes id from streams, filled together with it, but only reads it from inflight, which only acknowledge deletes from, on another event`
}

func (s *Session) acknowledge(id uint32) {
	delete(s.inflight, id)
}

func (s *Session) closeStream(id uint32) {
	if s.inflight[id] {
		s.credits <- struct{}{}
	}
	delete(s.streams, id)
}

// Near miss: the removal calls the function that deletes from the other
// map.
type Session2 struct {
	streams  map[uint32]*node
	inflight map[uint32]bool
}

func (s *Session2) Dial(id uint32) {
	s.streams[id] = &node{}
	s.inflight[id] = true
}

func (s *Session2) acked(id uint32) { delete(s.inflight, id) }

func (s *Session2) hangUp(id uint32) {
	if s.inflight[id] {
		s.acked(id)
	}
	delete(s.streams, id)
}

// Methods of two types share names: Session3's closeStream, which calls
// its acknowledge, says nothing of Session's, which does not.
type Session3 struct {
	streams  map[uint32]*node
	inflight map[uint32]bool
}

func (s *Session3) Open(id uint32) {
	s.streams[id] = &node{}
	s.inflight[id] = true
}

func (s *Session3) acknowledge(id uint32) { delete(s.inflight, id) }

func (s *Session3) closeStream(id uint32) {
	if s.inflight[id] {
		s.acknowledge(id)
	}
	delete(s.streams, id)
}
