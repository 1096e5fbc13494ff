package idempotency

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Storage keeps the responses already given, by key.
type Storage interface {
	Get(key string) ([]byte, error)
	Set(key string, val []byte, exp time.Duration) error
}

type Config struct {
	KeyHeader string
	Lifetime  time.Duration
	Lock      Locker
	Storage   Storage
}

// memoryStorage is the default Storage; a ticker drops expired responses.
type memoryStorage struct {
	mu sync.Mutex
	m  map[string]stored
}

type stored struct {
	val     []byte
	expires time.Time
}

func newMemoryStorage() *memoryStorage {
	s := &memoryStorage{m: make(map[string]stored)}
	go s.gc(10 * time.Second)
	return s
}

func (s *memoryStorage) gc(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for now := range t.C {
		s.mu.Lock()
		for k, v := range s.m {
			if now.After(v.expires) {
				delete(s.m, k)
			}
		}
		s.mu.Unlock()
	}
}

func (s *memoryStorage) Get(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok || time.Now().After(v.expires) {
		return nil, nil
	}
	return v.val, nil
}

func (s *memoryStorage) Set(key string, val []byte, exp time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = stored{val: val, expires: time.Now().Add(exp)}
	return nil
}

// New wraps next so that a request repeated with the same idempotency key
// gets the first response again instead of running twice.
func New(next http.Handler, cfg Config) http.Handler {
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 30 * time.Minute
	}
	if cfg.KeyHeader == "" {
		cfg.KeyHeader = "X-Idempotency-Key"
	}
	if cfg.Lock == nil {
		cfg.Lock = NewMemoryLock()
	}
	if cfg.Storage == nil {
		cfg.Storage = newMemoryStorage()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(cfg.KeyHeader)
		if key == "" || r.Method == http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		if cached, err := cfg.Storage.Get(key); err == nil && cached != nil {
			w.Write(cached)
			return
		}
		if err := cfg.Lock.Lock(key); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer func() {
			if err := cfg.Lock.Unlock(key); err != nil {
				log.Printf("idempotency: unlock %q: %v", key, err)
			}
		}()
		if cached, err := cfg.Storage.Get(key); err == nil && cached != nil {
			w.Write(cached)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := bytes.Clone(rec.Body.Bytes())
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
		if err := cfg.Storage.Set(key, body, cfg.Lifetime); err != nil {
			log.Printf("idempotency: store %q: %v", key, err)
		}
	})
}
