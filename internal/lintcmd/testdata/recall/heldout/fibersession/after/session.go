package session

import (
	"bytes"
	"encoding/gob"
	"net/http"
	"sync"
	"time"
)

// Session is the session of one request; it goes back to the pool when
// the handler saves it.
type Session struct {
	id     string
	fresh  bool
	w      http.ResponseWriter
	store  *Store
	data   *data
	buf    *bytes.Buffer
	expiry time.Duration
}

var sessionPool = sync.Pool{
	New: func() interface{} { return new(Session) },
}

func acquireSession() *Session {
	s := sessionPool.Get().(*Session)
	if s.data == nil {
		s.data = acquireData()
	}
	if s.buf == nil {
		s.buf = new(bytes.Buffer)
	}
	s.fresh = true
	return s
}

func releaseSession(s *Session) {
	s.id = ""
	s.expiry = 0
	s.w = nil
	s.store = nil
	if s.data != nil {
		s.data.Reset()
	}
	if s.buf != nil {
		s.buf.Reset()
	}
	sessionPool.Put(s)
}

func (s *Session) Fresh() bool                   { return s.fresh }
func (s *Session) ID() string                    { return s.id }
func (s *Session) Get(key string) interface{}    { return s.data.Get(key) }
func (s *Session) Set(key string, v interface{}) { s.data.Set(key, v) }
func (s *Session) Delete(key string)             { s.data.Delete(key) }

// Save stores the session, sets its cookie and releases it.
func (s *Session) Save() error {
	defer releaseSession(s)
	s.buf.Reset()
	if err := gob.NewEncoder(s.buf).Encode(&s.data.Data); err != nil {
		return err
	}
	s.store.storage.Set(s.id, append([]byte(nil), s.buf.Bytes()...), s.expiry)
	http.SetCookie(s.w, &http.Cookie{Name: s.store.cookieName, Value: s.id, MaxAge: int(s.expiry.Seconds()), HttpOnly: true})
	return nil
}

// Destroy deletes the session from the storage and expires its cookie.
func (s *Session) Destroy() {
	s.data.Reset()
	s.store.storage.Delete(s.id)
	http.SetCookie(s.w, &http.Cookie{Name: s.store.cookieName, Value: "", MaxAge: -1})
}
