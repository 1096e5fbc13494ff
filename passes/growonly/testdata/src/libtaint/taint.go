// Package libtaint is library code whose keys are followed from where a
// request or an event brings them (taint.go): a caller's key or a memo
// cache counts only when it came with one.
package libtaint

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Handler is installed once and serves the program's life.
type Handler struct {
	mu      sync.Mutex
	repos   map[string]int
	kinds   map[string]bool
	clients map[*client]bool
	names   map[string]bool
	tiers   map[string]int
	subs    map[string]string
}

type event struct {
	Repo string `json:"repo"`
}

// A body decoded into a variable whose address the decoder is given, then
// handed two calls down: the repository names are the requests'.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev event
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		return
	}
	h.mu.Lock()
	h.count(&ev)
	h.mu.Unlock()
}

func (h *Handler) count(ev *event) { h.store(strings.ToLower(ev.Repo)) }

func (h *Handler) store(repo string) {
	h.repos[repo]++ // want `map field Handler.repos only grows`
}

// Near miss: the keys are a literal list of constants.
const (
	kindA = "a"
	kindB = "b"
)

func (h *Handler) setup() {
	for _, k := range []string{kindA, kindB} {
		h.kinds[k] = true
	}
}

type client struct {
	conn net.Conn
	name string
}

// A value built per connection is one per connection as a key; its fields
// are its own state, not what the connection sent.
func (h *Handler) Serve(conn net.Conn) {
	cl := &client{conn: conn, name: "default"}
	h.mu.Lock()
	h.clients[cl] = true // want `map field Handler.clients only grows`
	h.names[cl.name] = true
	h.mu.Unlock()
}

// Near miss: three calls away from the request, the key is as likely a
// configured name as request data.
func (h *Handler) Admin(w http.ResponseWriter, r *http.Request) {
	h.one(r.FormValue("tier"))
}

func (h *Handler) one(t string)   { h.two(t) }
func (h *Handler) two(t string)   { h.three(t) }
func (h *Handler) three(t string) { h.tiers[t]++ }

// A function that blocks in a run loop serves one subscriber: what it was
// given came with the subscriber.
func (h *Handler) Watch(topic string, updates <-chan string, done <-chan struct{}) {
	h.mu.Lock()
	h.subs[topic] = "" // want `map field Handler.subs only grows`
	h.mu.Unlock()
	for {
		select {
		case <-done:
			return
		case u := <-updates:
			_ = u
		}
	}
}

// A memo cache keyed by the address it fetches: one entry per remote
// resource the program ever met.
var pages sync.Map

func fetch(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	resp.Body.Close()
	return resp.Status
}

func Page(url string) string {
	if v, ok := pages.Load(url); ok {
		return v.(string)
	}
	s := fetch(url)
	pages.Store(url, s) // want `sync.Map pages only grows`
	return s
}

// Near miss: a memo keyed by the caller's name, computed locally.
var upper sync.Map

func Upper(name string) string {
	if v, ok := upper.Load(name); ok {
		return v.(string)
	}
	s := strings.ToUpper(name)
	upper.Store(name, s)
	return s
}

// The identity of a value built per connection is one per connection: a
// table keyed by it grows with the connections.
type conn struct {
	nc      net.Conn
	id      uint64
	account string
}

type registry struct {
	mu     sync.Mutex
	next   uint64
	byID   map[uint64]*conn
	byAcct map[string]bool
}

var reg = &registry{byID: map[uint64]*conn{}, byAcct: map[string]bool{}}

func Serve(nc net.Conn) {
	reg.mu.Lock()
	reg.next++
	c := &conn{nc: nc, id: reg.next, account: "default"}
	reg.add(c)
	reg.mu.Unlock()
}

func (r *registry) add(c *conn) {
	r.byID[c.id] = c // want `map field registry.byID only grows`
	r.byAcct[c.account] = true
}

// A token a handler draws is one per request: stored under it through a
// setter, the sessions grow with the sign-ins.
type sessionStore struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *sessionStore) set(k, v string) {
	s.mu.Lock()
	s.m[k] = v // want `map field sessionStore.m only grows`
	s.mu.Unlock()
}

type PoolConfig struct{ Size int }

type bufPools struct {
	mu     sync.Mutex
	bySize map[int]*sync.Pool
}

func (b *bufPools) get(size int) *sync.Pool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.bySize[size]; ok {
		return p
	}
	p := &sync.Pool{}
	b.bySize[size] = p
	return p
}

var (
	sessions = &sessionStore{m: map[string]string{}}
	pools    = &bufPools{bySize: map[int]*sync.Pool{}}
)

func newToken() string { return "t" }

func SignIn(w http.ResponseWriter, r *http.Request) {
	tok := newToken()
	sessions.set(tok, "user")
}

// Near miss: a configured value read per connection is one value, not one
// per connection.
func ServeConn(conn net.Conn, cfg *PoolConfig) {
	size := max(cfg.Size, 4096)
	pools.get(size)
}
