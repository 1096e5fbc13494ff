// Package lib is library code: its exported maps and types belong to its
// importers, and keys chosen by its callers are left to them.
package lib

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

var Registry = map[string]int{}

func Register(name string) { Registry[name] = 1 }

type Store struct {
	Items map[string]int // exported field: not reported
	own   map[string]int // exported type: importers own its values
}

var Default = &Store{Items: map[string]int{}, own: map[string]int{}}

func (s *Store) Put(k string) {
	s.Items[hostOf(k)] = 1
	s.own[hostOf(k)] = 1
}

func hostOf(url string) string {
	host, _, _ := strings.Cut(strings.TrimPrefix(url, "https://"), "/")
	return host
}

// True positives: the package owns these maps and fills them with keys
// of its own making (a counter, the clock), not the caller's.

var seenHosts = map[string]bool{}

var fetches int

func Fetch(url string) {
	fetches++
	seenHosts[url+"#"+strconv.Itoa(fetches)] = true // want `map seenHosts only grows`
}

type stats struct{ byHost map[string]int }

var st = &stats{byHost: map[string]int{}}

func Record(url string) {
	st.byHost[time.Now().String()]++ // want `map field stats.byHost only grows`
}

// Near misses: keys the caller chose, as given or derived from what it
// passed; their domain is the caller's, often a fixed set.

var hosts = map[string]bool{}

func FetchHost(url string) { hosts[hostOf(url)] = true }

type hostStats struct{ byHost map[string]int }

var hst = &hostStats{byHost: map[string]int{}}

func RecordHost(url string) {
	host := hostOf(url)
	hst.byHost[host]++
}

// Near misses.

// A key passed in by the caller: the caller's domain, often a fixed set.
var names = map[string]bool{}

func remember(name string) { names[name] = true }

// A memo cache: looked up under the same key before the insertion.
var lower = map[string]string{}

func lowerHost(url string) string {
	h := hostOf(url)
	if v, ok := lower[h]; ok {
		return v
	}
	v := strings.ToLower(h)
	lower[h] = v
	return v
}

var memo sync.Map

func memoHost(url string) any {
	h := hostOf(url)
	if v, ok := memo.Load(h); ok {
		return v
	}
	v, _ := memo.LoadOrStore(h, strings.ToUpper(h))
	return v
}

// Pool is exported and holds a mutex, but importers own its values and
// decide how long they live: not reported.
type Pool struct {
	mu    sync.Mutex
	certs map[string]int
}

func (p *Pool) Add(k string) { p.certs[hostOf(k)] = 1 }

// group is unexported and holds a mutex, but in a library it usually sits
// inside an exported type whose values importers own: not reported
// (-app reports it).
type group struct {
	mu    sync.Mutex
	calls map[string]int
}

func (g *group) do(k string) { g.calls[hostOf(k)]++ }

// inflight is a sync.Map field of a type no package variable holds.
type inflight struct{ calls sync.Map }

func (f *inflight) start(url string) { f.calls.Store(hostOf(url), true) }

// An interning table: looked up before the insertion, under another
// spelling of the key.
var interned = map[string]string{}

func intern(b []byte) string {
	s, ok := interned[string(b)]
	if !ok {
		s = string(b)
		interned[s] = s
	}
	return s
}

// A helper inserts with its own key parameter: the caller's key, in
// library code.
var hostsVia = map[string]bool{}

func mark(m map[string]bool, k string) { m[k] = true }

func FetchVia(url string) { mark(hostsVia, hostOf(url)) }

// The example of the package documentation, in library code.
var lastSeenAt = map[string]int64{}

func Seen(r *http.Request, now int64) {
	lastSeenAt[r.RemoteAddr] = now // want `map lastSeenAt only grows`
}
