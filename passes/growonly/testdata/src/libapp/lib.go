// Package libapp is package lib analysed with -app.
// importers, and keys chosen by its callers are left to them.
package libapp

import (
	_ "net" // reachable from a network service
	"strings"
	"sync"
)

var Registry = map[string]int{}

func Register(name string) { Registry[name] = 1 } // registration: never reported

type Store struct {
	Items map[string]int // exported field: not reported
	own   map[string]int // exported type: importers own its values
}

var Default = &Store{Items: map[string]int{}, own: map[string]int{}}

func (s *Store) Put(k string) {
	s.Items[hostOf(k)] = 1 // want `map field Store.Items only grows`
	s.own[hostOf(k)] = 1   // want `map field Store.own only grows`
}

func hostOf(url string) string {
	host, _, _ := strings.Cut(strings.TrimPrefix(url, "https://"), "/")
	return host
}

// True positives: the package owns these maps and fills them with keys it
// derives from its input.

var seenHosts = map[string]bool{}

func Fetch(url string) {
	seenHosts[hostOf(url)] = true // want `map seenHosts only grows`
}

type stats struct{ byHost map[string]int }

var st = &stats{byHost: map[string]int{}}

func Record(url string) {
	host := hostOf(url)
	st.byHost[host]++ // want `map field stats.byHost only grows`
}

// Near misses.

// A key passed in by the caller: the caller's domain, often a fixed set.
var names = map[string]bool{}

func remember(name string) { names[name] = true } // want `map names only grows`

// A memo cache: looked up under the same key before the insertion.
var lower = map[string]string{}

func lowerHost(url string) string {
	h := hostOf(url)
	if v, ok := lower[h]; ok {
		return v
	}
	v := strings.ToLower(h)
	lower[h] = v // want `map lower only grows`
	return v
}

var memo sync.Map

func memoHost(url string) any {
	h := hostOf(url)
	if v, ok := memo.Load(h); ok {
		return v
	}
	v, _ := memo.LoadOrStore(h, strings.ToUpper(h)) // want `sync.Map memo only grows`
	return v
}

// Pool is exported and holds a mutex, but importers own its values and
// decide how long they live: not reported.
type Pool struct {
	mu    sync.Mutex
	certs map[string]int
}

func (p *Pool) Add(k string) { p.certs[hostOf(k)] = 1 } // want `map field Pool.certs only grows`

// group is unexported and holds a mutex, but in a library it usually sits
// inside an exported type whose values importers own: not reported
// (-app reports it).
type group struct {
	mu    sync.Mutex
	calls map[string]int
}

func (g *group) do(k string) { g.calls[hostOf(k)]++ } // want `map field group.calls only grows`

// inflight is a sync.Map field of a type no package variable holds.
type inflight struct{ calls sync.Map }

func (f *inflight) start(url string) { f.calls.Store(hostOf(url), true) } // want `sync.Map field inflight.calls only grows`

// A helper inserts with its own key parameter: counted with -app.
var hostsVia = map[string]bool{}

func mark(m map[string]bool, k string) { m[k] = true }

func FetchVia(url string) { mark(hostsVia, hostOf(url)) } // want `map hostsVia only grows`
