// Command sessions is a small web service with the two map problems
// mapscope is made for, run against itself in-process:
//
//   - a session store whose map only grows: every login adds a session and
//     nothing ever removes one (the leak, in Store.Add);
//   - a per-request map made without a size hint although the loop that
//     fills it has a known length, so every request grows it from empty
//     (the waste, in wordCounts).
//
// It also allocates the ordinary non-map memory of a handler (the session
// values, response bodies), so a profile of it shows map and non-map sites
// side by side.
//
// Run it from the repository root; with -write it writes heap.pb.gz and
// allocs.pb.gz into examples/sessions:
//
//	go run -trimpath ./examples/sessions -write
//	go run ./cmd/mapscope heap -source examples/sessions examples/sessions/heap.pb.gz
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"time"
)

// Session is what a login creates.
type Session struct {
	ID      string
	User    string
	Created time.Time
	Roles   []string
}

// Store holds the sessions of every user who ever logged in.
type Store struct {
	mu       sync.Mutex
	sessions map[string]*Session
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{sessions: make(map[string]*Session)}
}

// Add stores a session. Nothing deletes from s.sessions: there is no logout
// and no expiry, so the map grows with every login for as long as the
// process lives.
func (s *Store) Add(sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sess.ID] = sess
}

// Get returns the session with the given id, or nil.
func (s *Store) Get(id string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

// Len returns the number of sessions held.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// server is the service: /login creates a session, /search counts the
// words of a document for a logged-in user.
type server struct {
	store  *Store
	mux    *http.ServeMux
	nextID int
	idMu   sync.Mutex
	words  []string
}

func newServer() *server {
	srv := &server{store: NewStore(), mux: http.NewServeMux(), words: document(400)}
	srv.mux.HandleFunc("/login", srv.login)
	srv.mux.HandleFunc("/search", srv.search)
	return srv
}

func (srv *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { srv.mux.ServeHTTP(w, r) }

func (srv *server) login(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if user == "" {
		http.Error(w, "missing user", http.StatusBadRequest)
		return
	}
	srv.idMu.Lock()
	srv.nextID++
	id := fmt.Sprintf("%s-%08d", user, srv.nextID)
	srv.idMu.Unlock()
	sess := &Session{ID: id, User: user, Created: time.Now(), Roles: []string{"reader"}}
	srv.store.Add(sess)
	http.SetCookie(w, &http.Cookie{Name: "session", Value: id})
	fmt.Fprintf(w, "welcome %s\n", user)
}

func (srv *server) search(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("session")
	if err != nil || srv.store.Get(c.Value) == nil {
		http.Error(w, "not logged in", http.StatusUnauthorized)
		return
	}
	counts := wordCounts(srv.words)
	json.NewEncoder(w).Encode(struct {
		Query    string `json:"query"`
		Distinct int    `json:"distinct"`
	}{r.URL.Query().Get("q"), len(counts)})
}

// wordCounts counts the words of a document. The map is made without a
// hint although len(words) bounds its size, so it grows from empty, table
// by table, on every request: make(map[string]int, len(words)) would
// allocate once.
func wordCounts(words []string) map[string]int {
	counts := make(map[string]int)
	for _, w := range words {
		counts[w]++
	}
	return counts
}

// document returns n words, most of them distinct.
func document(n int) []string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("word%d", i*7%(n-n/10))
	}
	return words
}

// simulate runs n login and search requests against srv, in-process.
func simulate(srv http.Handler, n int) error {
	for i := 0; i < n; i++ {
		user := fmt.Sprintf("user%d", i%500)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/login?user="+user, nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("login %d: status %d", i, rec.Code)
		}
		cookie := rec.Result().Cookies()
		for j := 0; j < 3; j++ {
			req := httptest.NewRequest(http.MethodGet, "/search?q=map", nil)
			for _, c := range cookie {
				req.AddCookie(c)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				return fmt.Errorf("search %d: status %d: %s", i, rec.Code, rec.Body)
			}
		}
	}
	return nil
}

func main() {
	requests := flag.Int("n", 2000, "number of simulated logins (each followed by 3 searches)")
	write := flag.Bool("write", false, "write heap.pb.gz and allocs.pb.gz into -dir")
	dir := flag.String("dir", filepath.Join("examples", "sessions"), "`directory` the profiles are written to")
	flag.Parse()
	if err := run(*requests, *write, *dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sessions:", err)
		os.Exit(1)
	}
}

func run(requests int, write bool, dir string, out io.Writer) error {
	if write {
		if err := checkWritable(dir); err != nil {
			return err
		}
	}
	// Sample every allocation, so that a short run gives an exact profile.
	// A real service keeps the default (one sample per 512 KiB).
	runtime.MemProfileRate = 1
	srv := newServer()
	if err := simulate(srv, requests); err != nil {
		return err
	}
	// Publish every allocation to the profile and keep the collector from
	// publishing those made while writing it.
	runtime.GC()
	debug.SetGCPercent(-1)
	fmt.Fprintf(out, "%d requests served, %d sessions held\n", 4*requests, srv.store.Len())
	if !write {
		return nil
	}
	for _, name := range []string{"heap", "allocs"} {
		path := filepath.Join(dir, name+".pb.gz")
		if err := writeProfile(name, path); err != nil {
			return err
		}
		fmt.Fprintln(out, "wrote", path)
	}
	runtime.KeepAlive(srv)
	return nil
}

// checkWritable refuses to write a profile that would not match the
// source wherever the repository is checked out: its file names must be
// module paths (-trimpath), not the absolute paths of the machine that ran
// it.
func checkWritable(dir string) error {
	if !builtWithTrimpath() {
		return errors.New("-write needs a -trimpath build: go run -trimpath ./examples/sessions -write")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("-dir %s is not a directory: run from the repository root or set -dir", dir)
	}
	return nil
}

func builtWithTrimpath() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-trimpath" {
			return s.Value == "true"
		}
	}
	return false
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
