package wrongkey

// Maps kept side by side for the same keys: the cleanup forgets one.
type Server interface{ Name() string }

type Event struct {
	Server     Server
	Registered bool
	Head       uint64
}

type headSync struct {
	heads     map[Server]uint64
	optimist  map[Server]uint64
	finality  map[Server]uint64
	requested map[Server]uint64
	names     map[string]bool // another key type: not a sibling
}

func (s *headSync) process(events []Event) {
	for _, e := range events {
		if e.Registered {
			s.heads[e.Server] = e.Head
			s.optimist[e.Server] = e.Head
			s.finality[e.Server] = e.Head
			s.names[e.Server.Name()] = true
			continue
		}
		delete(s.heads, e.Server)
		delete(s.optimist, e.Server)
		delete(s.finality, e.Server)
	}
}

func (s *headSync) request(server Server, epoch uint64) {
	if s.requested[server] >= epoch {
		return
	}
	s.requested[server] = epoch // want `map field headSync.requested only grows: process deletes e.Server from finality, heads, optimist but not from it`
}

// Near miss: the odd one out is re-made elsewhere.
type cleaned struct {
	a, b, c map[int]int
}

func (x *cleaned) put(k int) { x.a[k], x.b[k], x.c[k] = k, k, k }

func (x *cleaned) drop(k int) {
	delete(x.a, k)
	delete(x.b, k)
}

func (x *cleaned) reset() { x.c = map[int]int{} }
