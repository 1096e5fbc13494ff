package a

import "sync"

// Code where a size hint cannot matter is not reported (quiet.go).

// Small constant loops: the map never grows past its first table.

func smallArray() map[string]int {
	m := make(map[string]int)
	for i, s := range [4]string{"a", "b", "c", "d"} {
		m[s] = i
	}
	return m
}

func smallLiteral() map[string]bool {
	m := make(map[string]bool)
	for _, s := range []string{"h1", "h2", "h3"} {
		m[s] = true
	}
	return m
}

func smallCounted() map[int]int {
	m := make(map[int]int)
	for i := 0; i < 8; i++ {
		m[i] = i
	}
	return m
}

func smallArrayLen(xs [6]int) map[int]int {
	m := make(map[int]int)
	for i := 0; i < len(xs); i++ {
		m[i] = xs[i]
	}
	return m
}

// Near miss: nine elements.
func nineLiteral() map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(\[\]string\{\.\.\.\}\) times`
	for _, s := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"} {
		m[s] = true
	}
	return m
}

// Code run once: init, a package-level variable's initializer, a
// sync.Once body, and functions called only from them.

var registry map[string]int

var kinds = []string{"x", "y"}

func init() {
	m := make(map[string]int)
	for i, k := range kinds {
		m[k] = i
	}
	registry = m
	registerAll(kinds)
}

var table = func() map[string]int {
	m := make(map[string]int)
	for i, k := range kinds {
		m[k] = i
	}
	return m
}()

var (
	once   sync.Once
	lookup map[string]int
)

func loadOnce(names []string) map[string]int {
	once.Do(func() {
		m := make(map[string]int)
		for i, n := range names {
			m[n] = i
		}
		lookup = m
	})
	return lookup
}

func registerAll(names []string) {
	m := make(map[string]bool)
	for _, n := range names {
		m[n] = true
	}
	_ = m
}

// Near misses: called from init and from a function that runs per call,
// or from a loop in init.
func sharedByInit(names []string) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		m[n] = true
	}
	return m
}

func init() { _ = sharedByInit(kinds) }

func Serve(names []string) int { return len(sharedByInit(names)) }

func inInitLoop(names []string) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		m[n] = true
	}
	return m
}

func init() {
	for range 3 {
		_ = inInitLoop(kinds)
	}
}

// Configuration code: names that say so, or a parameter of a Config type.

type Config struct{ Hosts []string }

type serverOptions struct{ names []string }

func (o *serverOptions) index() map[string]int {
	m := make(map[string]int)
	for i, n := range o.names {
		m[n] = i
	}
	return m
}

func validateHosts(hosts []string) map[string]bool {
	m := make(map[string]bool)
	for _, h := range hosts {
		m[h] = true
	}
	return m
}

func hostSet(cfg *Config) map[string]bool {
	m := make(map[string]bool)
	for _, h := range cfg.Hosts {
		m[h] = true
	}
	return m
}

// A function called only from configuration code reads the
// configuration too.
func setupPlugin(cfg *Config) map[string]bool { return authorSet(cfg.Hosts) }

func authorSet(names []string) map[string]bool {
	m := make(map[string]bool)
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Near miss: also called from a function that says nothing of
// configuration.
func setupCluster(cfg *Config) map[string]bool { return peerSet(cfg.Hosts) }

func peerSet(names []string) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		m[n] = true
	}
	return m
}

func refreshPeers(live []string) map[string]bool { return peerSet(live) }

// Near miss: the same loop in a function that says nothing of configuration.
func activeHosts(hosts []string) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(hosts\) times`
	for _, h := range hosts {
		m[h] = true
	}
	return m
}

// Lifecycle code: a value is started once and shut down once.

type lifeServer struct {
	clients map[uint64]string
	protos  []string
}

func (s *lifeServer) Start() error {
	unique := map[string]bool{}
	for _, p := range s.protos {
		unique[p] = true
	}
	return nil
}

func (s *lifeServer) Shutdown() {
	conns := make(map[uint64]string)
	for id, c := range s.clients {
		conns[id] = c
	}
	_ = conns
}

// A deferred function literal runs once per call, like its function.
func (s *lifeServer) watch(failed bool) {
	defer func() {
		if failed {
			s.Shutdown()
		}
	}()
}

// Near misses: a Start that returns more than an error runs per call
// (a tracer's span), and a close function called in a loop of a sweep
// runs per item. (Loops of a shutdown function run at shutdown.)

func (s *lifeServer) start(name string) (string, error) {
	seen := map[string]bool{} // want `map seen is made without a size hint but the loop below fills it len\(s.protos\) times`
	for _, p := range s.protos {
		seen[p] = true
	}
	return name, nil
}

func (s *lifeServer) closeGroup(ids []uint64) {
	group := make(map[uint64]bool) // want `map group is made without a size hint but the loop below fills it len\(ids\) times`
	for _, id := range ids {
		group[id] = true
	}
	_ = group
}

func (s *lifeServer) sweep(groups [][]uint64) {
	for _, g := range groups {
		s.closeGroup(g)
	}
}
