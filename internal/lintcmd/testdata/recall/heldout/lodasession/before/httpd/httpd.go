// Package httpd reproduces, in its own words, the session-table leak of
// lodastack/registry's HTTP API fixed in
// https://github.com/lodastack/registry/pull/66 (commit
// 1ce1b48a41026d7595c652bc61fcb85ccf798edf; before/ is the code before
// the fix, after/ as fixed). Every sign-in stores a fresh random token ->
// user name in the service's session table. Sign-out "removed" the token
// by storing nil under it, so the key stayed, and a user who signs in
// again without signing out left the old token behind: the table kept an
// entry per sign-in for the life of the process. The fix deletes on
// sign-out and drops the user's previous token when a new one is stored.
package httpd

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Sessions maps a sign-in token to the user it was issued to.
type Sessions struct {
	mu sync.Mutex
	m  map[interface{}]interface{}
}

func NewSessions() *Sessions {
	return &Sessions{m: make(map[interface{}]interface{})}
}

func (s *Sessions) Get(k interface{}) interface{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k]
}

func (s *Sessions) Set(k, v interface{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v // want growonly "."
}

func (s *Sessions) Delete(k interface{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = nil
}

// Service is the registry's HTTP API.
type Service struct {
	addr     string
	ln       net.Listener
	mux      *http.ServeMux
	sessions *Sessions

	// Check verifies a user's password (LDAP upstream).
	Check func(user, pass string) error
}

func New(addr string, check func(user, pass string) error) *Service {
	return &Service{addr: addr, mux: http.NewServeMux(), sessions: NewSessions(), Check: check}
}

func token() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

type userToken struct {
	User  string `json:"user"`
	Token string `json:"token"`
}

func (s *Service) signin(w http.ResponseWriter, r *http.Request) {
	user := strings.ToLower(r.FormValue("username"))
	if err := s.Check(user, r.FormValue("password")); err != nil {
		writeJSON(w, http.StatusInternalServerError, err.Error())
		return
	}
	key := token()
	s.sessions.Set(key, user)
	writeJSON(w, http.StatusOK, userToken{User: user, Token: key})
}

func (s *Service) signout(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("AuthToken")
	v := s.sessions.Get(key)
	if v == nil {
		writeJSON(w, http.StatusOK, userToken{Token: key})
		return
	}
	s.sessions.Delete(key)
	writeJSON(w, http.StatusOK, userToken{User: v.(string), Token: key})
}

// auth lets a request through when its AuthToken names a signed-in user.
func (s *Service) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		uid, ok := s.sessions.Get(r.Header.Get("AuthToken")).(string)
		if !ok {
			writeJSON(w, http.StatusUnauthorized, "Not Authorized")
			return
		}
		w.Header().Set("UID", uid)
		next(w, r)
	}
}

func (s *Service) whoami(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, w.Header().Get("UID"))
}

// Start listens on the service's address and serves the API.
func (s *Service) Start() error {
	s.mux.HandleFunc("/api/v1/user/signin", s.signin)
	s.mux.HandleFunc("/api/v1/user/signout", s.signout)
	s.mux.HandleFunc("/api/v1/user/whoami", s.auth(s.whoami))
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.ln = ln
	go http.Serve(ln, s.mux)
	return nil
}

func (s *Service) Close() error { return s.ln.Close() }
