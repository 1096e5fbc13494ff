// Package libserve is library code that serves requests itself: keys its
// request handlers receive come from requests, and the values its
// handlers hold live as long as the server.
package libserve

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A caller's key, but passed along with the request it came from.
var lastSeen = map[string]time.Time{}

func Touch(r *http.Request, session string) {
	lastSeen[session] = time.Now() // want `map lastSeen only grows`
}

var inflight sync.Map

func Start(c net.Conn, id uint64) {
	inflight.Store(id, c.RemoteAddr().String()) // want `sync.Map inflight only grows`
}

// A mutex-guarded value held by a handler lives as long as the handler.
type counter struct {
	mu    sync.Mutex
	perIP map[string]int
}

type Handler struct {
	c *counter
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.c.mu.Lock()
	h.c.perIP[r.RemoteAddr]++ // want `map field counter.perIP only grows`
	h.c.mu.Unlock()
	h.c.set(r.Header.Get("Session"), 1)
	h.c.note("static")
}

type store struct {
	mu   sync.Mutex
	byID map[string]int
}

// set is called by the handler with a header's value.
func (c *counter) set(id string, n int) {
	c.perIP[id] = n
}

// Near misses.

// note is called from the handler, but only with a constant.
var notes = map[string]bool{}

func (c *counter) note(kind string) { notes[kind] = true }

// A memo cache keyed by what a request brings holds an entry per
// distinct request: it grows like any other map so keyed.
var lowered = map[string]string{}

func Lower(w http.ResponseWriter, r *http.Request, s string) {
	if v, ok := lowered[s]; ok {
		w.Write([]byte(v))
		return
	}
	lowered[s] = strings.ToLower(s) // want "map lowered only grows"
}

// A mutex-guarded type no request-serving value holds: importers decide
// how long it lives.
type group struct {
	mu    sync.Mutex
	calls map[string]int
}

func (g *group) do(r *http.Request) { g.calls[r.URL.Path]++ }

var _ = store{}

// A value running a goroutine's loop lives as long as the goroutine.
type poller struct {
	done  chan struct{}
	fetch func() []string
	seen  map[string]bool
}

func (p *poller) run() {
	for {
		select {
		case <-p.done:
			return
		default:
		}
		for _, k := range p.fetch() {
			p.seen[strings.ToLower(k)] = true // want `map field poller.seen only grows`
		}
	}
}

// Near miss: a loop that ends with its input is no goroutine's loop.
type batch struct {
	fetch func() []string
	seen  map[string]bool
}

func (b *batch) collect() {
	for _, k := range b.fetch() {
		b.seen[strings.ToLower(k)] = true
	}
}

// Health is exported, but its Watch method runs a loop per watcher and
// the value serves them all: its unexported maps, which only this
// package can delete from, are tracked. Creating a group after a lookup
// is not a memo cache.
type Health struct {
	mu       sync.Mutex
	watchers map[string]map[int]chan int
	Statuses map[string]int // exported: importers may delete from it
}

func (h *Health) Watch(r *Request, id int, done <-chan struct{}) {
	h.mu.Lock()
	if _, ok := h.watchers[r.Service]; !ok {
		h.watchers[r.Service] = make(map[int]chan int) // want `map field Health.watchers only grows`
	}
	h.watchers[r.Service][id] = make(chan int)
	h.Statuses[r.Service] = 0
	h.mu.Unlock()
	for {
		select {
		case <-done:
			return
		}
	}
}

type Request struct{ Service string }

// A memo of a computed value, after a lookup, keyed by the events a run
// loop receives: one entry per distinct event.
type Compiler struct {
	done  chan struct{}
	cache map[string]string
}

func (c *Compiler) Run(in <-chan string) {
	for src := range in {
		if _, ok := c.cache[src]; ok {
			continue
		}
		c.cache[src] = strings.ToUpper(src) // want "map field Compiler.cache only grows"
	}
}
