package main

import (
	"crypto/rand"
	"encoding/base64"
	"flag"
	"net/http"
	"time"
)

var (
	sessionTTL   = flag.Duration("session_expiry", 30*time.Minute, "how long a sign-in token stays valid")
	tokenEntropy = flag.Int("token_size", 33, "random bytes in each sign-in token")
)

// cookieName is the cookie that carries a browser's sign-in token.
const cookieName = "vault_session"

// sessionStore holds every sign-in token issued so far. A token stops
// being valid once its expiry passes, but it is only forgotten when the
// whole store is wiped.
type sessionStore struct {
	byToken map[string]*session
}

// issue draws a fresh random token for data, keeps it and sets it as the
// browser's cookie.
func (st *sessionStore) issue(w http.ResponseWriter, data sessionData) *session {
	raw := make([]byte, *tokenEntropy)
	if _, err := rand.Read(raw); err != nil {
		panic(err)
	}
	tok := base64.StdEncoding.EncodeToString(raw)
	s := &session{sessionData: data, token: tok, expires: time.Now().Add(*sessionTTL)}
	if st.byToken == nil {
		st.byToken = make(map[string]*session)
	}
	st.byToken[tok] = s // want growonly "."
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok, Path: "/"})
	return s
}

// lookup returns the session named by the request's cookie, or nil.
func (st *sessionStore) lookup(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil || st.byToken == nil {
		return nil
	}
	return st.byToken[c.Value]
}

// vaultFor opens the vault with the request's session key; a vault with
// no password gets a session on the spot.
func (st *sessionStore) vaultFor(w http.ResponseWriter, r *http.Request) (*vault, error) {
	s := st.lookup(r)
	if !s.valid() {
		if v, err := openVault(nil); err == nil {
			st.issue(w, sessionData{key: v.key})
			return v, nil
		}
		return nil, errNotSignedIn
	}
	return openVault(s.key)
}

// wipe forgets every token (the vault was replaced).
func (st *sessionStore) wipe() {
	for tok := range st.byToken {
		delete(st.byToken, tok)
	}
}

type sessionData struct {
	key []byte
}

type session struct {
	sessionData
	token   string
	expires time.Time
}

func (s *session) valid() bool {
	return s != nil && time.Now().Before(s.expires)
}
