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

// Near miss: every insert names a constant key; the map holds at most
// those, whatever its siblings do.
type routeTable struct {
	routes   map[string]int
	sizes    map[string]int
	reqStats map[string]uint64
}

const (
	routesPath = "/routes"
	varsPath   = "/vars"
)

func (t *routeTable) add(id string, n int) {
	t.routes[id], t.sizes[id] = n, n
}

func (t *routeTable) remove(id string) {
	delete(t.routes, id)
	delete(t.sizes, id)
}

func (t *routeTable) serveRoutes() { t.reqStats[routesPath]++ }
func (t *routeTable) serveVars()   { t.reqStats[varsPath]++ }

// Near miss: the owner lives only in locals of the function that replays
// a log, and is dropped when the replay ends.
type replay struct {
	added   map[string]int
	updated map[string]int
	removed map[string]int
}

func (r *replay) apply(op, key string, v int) {
	switch op {
	case "add":
		r.added[key] = v
	case "update":
		r.updated[key] = v
	case "remove":
		delete(r.added, key)
		delete(r.updated, key)
		r.removed[key] = v
	}
}

func replayLog(ops <-chan [2]string, done <-chan bool) {
	var r *replay
	for {
		select {
		case op := <-ops:
			if r == nil {
				r = &replay{added: map[string]int{}, updated: map[string]int{}, removed: map[string]int{}}
			}
			r.apply(op[0], op[1], 1)
		case <-done:
			finish(r)
			r = nil
		}
	}
}

func finish(r *replay) { _ = len(r.removed) }

// The same owner kept by the run loop for good is reported.
type journal struct {
	added   map[string]int
	updated map[string]int
	removed map[string]int
}

func (j *journal) apply(op, key string, v int) {
	switch op {
	case "add":
		j.added[key] = v
	case "update":
		j.updated[key] = v
	case "remove":
		delete(j.added, key)
		delete(j.updated, key)
		j.removed[key] = v // want `map field journal.removed only grows: apply deletes key from added, updated but not from it`
	}
}

func follow(ops <-chan [2]string) {
	j := &journal{added: map[string]int{}, updated: map[string]int{}, removed: map[string]int{}}
	for op := range ops {
		j.apply(op[0], op[1], 1)
	}
}
