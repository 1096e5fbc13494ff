package session

import (
	"bytes"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// Storage holds encoded sessions by ID.
type Storage interface {
	Get(id string) ([]byte, error)
	Set(id string, raw []byte, exp time.Duration)
	Delete(id string)
}

// Store hands out the session of each request.
type Store struct {
	storage    Storage
	cookieName string
	expiry     time.Duration
}

func New(storage Storage) *Store {
	return &Store{storage: storage, cookieName: "session_id", expiry: 24 * time.Hour}
}

var decodeMu sync.Mutex

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Get returns the session of the request, loading its data if it exists.
func (st *Store) Get(w http.ResponseWriter, r *http.Request) (*Session, error) {
	s := acquireSession()
	s.w, s.store, s.expiry = w, st, st.expiry
	c, err := r.Cookie(st.cookieName)
	if err != nil || c.Value == "" {
		s.id = newID()
		return s, nil
	}
	s.id = c.Value
	raw, err := st.storage.Get(s.id)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return s, nil
	}
	s.fresh = false
	decodeMu.Lock()
	defer decodeMu.Unlock()
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&s.data.Data); err != nil {
		return nil, err
	}
	return s, nil
}
