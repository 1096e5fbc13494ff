// Package main (in directory a) holds true positives and near misses for
// growonly in application code, where keys chosen by callers, memo caches
// and mutex-guarded types are reported.
package main

import (
	"fmt"
	"maps"
	"sync"
)

// True positives.

var sessions = map[string]int{}

func login(id string) {
	sessions[id] = 1     // want `map sessions only grows: nothing in the package deletes from it, clears it or replaces it`
	sessions[id+"x"] = 2 // one report per map, on the first insertion
}

var hits = make(map[string]int)

func hit(path string) { hits[path]++ } // want `map hits only grows`

var cache sync.Map

func lookup(k string) any {
	if v, ok := cache.Load(k); ok {
		return v
	}
	v, _ := cache.LoadOrStore(k, len(k)) // want `sync.Map cache only grows`
	return v
}

var lazy map[int]string

func lazyPut(k int) {
	if lazy == nil {
		lazy = make(map[int]string) // lazy creation is not a replacement
	}
	lazy[k] = "v" // want `map lazy only grows`
}

// server is long-lived: a package variable holds it.
type server struct {
	conns map[int]string
	tags  map[string]bool
}

var srv = &server{conns: make(map[int]string)}

func (s *server) accept(id int) {
	s.conns[id] = "open" // want `map field server.conns only grows`
}

func (s *server) tag(t string) {
	fmt.Println(s.tags, len(s.tags)) // reading does not release
	for k := range maps.Keys(s.tags) {
		_ = k
	}
	s.tags[t] = true // want `map field server.tags only grows`
}

// registry is long-lived because it holds a mutex.
type registry struct {
	mu    sync.Mutex
	names map[string]int
	once  sync.Once
	byID  map[int]string
}

func newRegistry() *registry {
	r := &registry{}
	r.names = make(map[string]int) // creation on a fresh value
	return r
}

func (r *registry) add(n string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[n] = len(r.names) // want `map field registry.names only grows`
}

func (r *registry) addID(id int, n string) {
	r.once.Do(func() { r.byID = make(map[int]string) })
	r.byID[id] = n // want `map field registry.byID only grows`
}

// pending is a sync.Map field: shared by design.
type pending struct{ calls sync.Map }

func (p *pending) start(id int) { p.calls.Store(id, struct{}{}) } // want `sync.Map field pending.calls only grows`

func copyInto(src map[string]int) {
	maps.Copy(sessionsCopy, src) // want `map sessionsCopy only grows`
}

var sessionsCopy = map[string]int{}

// Near misses.

var deleted = map[string]int{}

func addDeleted(k string) { deleted[k] = 1 } // deleted in b.go

var cleared = map[string]int{}

func addCleared(k string) { cleared[k] = 1 }
func resetCleared()       { clear(cleared) }

var remade = map[string]int{}

func addRemade(k string) { remade[k] = 1 }
func resetRemade()       { remade = make(map[string]int) }

var niled = map[string]int{}

func addNiled(k string) { niled[k] = 1 }
func dropNiled()        { niled = nil }

var bounded = map[string]int{}

func addBounded(k string) {
	if len(bounded) < 1000 {
		bounded[k] = 1
	}
}

var notBound = map[string]int{}

func addNotBound(k string) {
	if len(notBound) == 0 {
		fmt.Println("first")
	}
	notBound[k] = 1 // want `map notBound only grows`
}

var escapes = map[string]int{}

func addEscapes(k string) {
	escapes[k] = 1
	prune(escapes)
}

func prune(m map[string]int) {
	for k := range m {
		delete(m, k)
	}
}

var returned = map[string]int{}

func addReturned(k string) { returned[k] = 1 }
func all() map[string]int  { return returned }

var aliased = map[string]int{}

func addAliased(k string) {
	m := aliased
	m[k] = 1
	aliased[k+"!"] = 2
}

var rangeDeleted = map[string]int{}

func addRangeDeleted(k string) { rangeDeleted[k] = 1 }
func sweep() {
	for k := range rangeDeleted {
		delete(rangeDeleted, k)
	}
}

var syncDeleted sync.Map

func addSyncDeleted(k string) { syncDeleted.Store(k, 1) }
func dropSync(k string)       { syncDeleted.Delete(k) }

var syncLAD sync.Map

func addSyncLAD(k string) { syncLAD.Store(k, 1) }
func takeSync(k string) any {
	v, _ := syncLAD.LoadAndDelete(k)
	return v
}

var filledAtInit = map[string]int{}

func init() {
	filledAtInit["a"] = 1
}

var filledByInitializer = func() map[string]int {
	m := map[string]int{}
	m["x"] = 1
	return m
}()

var readOnly = map[string]int{"a": 1}

func get(k string) int { return readOnly[k] }

// A short-lived type: no package variable, no mutex.
type visitor struct{ seen map[string]bool }

func walk(names []string) int {
	v := visitor{seen: map[string]bool{}}
	for _, n := range names {
		v.seen[n] = true
	}
	return len(v.seen)
}

// worker resets its map in a method: replacement.
type worker struct {
	mu   sync.Mutex
	jobs map[int]string
}

func (w *worker) add(id int) { w.jobs[id] = "x" }
func (w *worker) reset()     { w.jobs = make(map[int]string) }

// whole is overwritten as a whole.
type whole struct {
	mu    sync.Mutex
	items map[int]int
}

func (w *whole) add(k int) { w.items[k] = k }
func (w *whole) reset()    { *w = whole{items: map[int]int{}} }

// external gets its map from the caller, who owns it.
type external struct {
	mu sync.Mutex
	m  map[string]int
}

func newExternal(m map[string]int) *external { return &external{m: m} }
func (e *external) add(k string)             { e.m[k] = 1 }

// clearedInTest is only cleared by a test: still reported.
var clearedInTest = map[string]int{}

func addClearedInTest(k string) { clearedInTest[k] = 1 } // want `map clearedInTest only grows`

func main() {}
