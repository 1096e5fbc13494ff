package k8cache

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// ResponseCache holds API responses by key for a short time.
type ResponseCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]cachedResponse
}

type cachedResponse struct {
	body    []byte
	expires time.Time
}

// NewResponseCache returns a cache whose entries live for ttl.
func NewResponseCache(ttl time.Duration) *ResponseCache {
	c := &ResponseCache{ttl: ttl, entries: make(map[string]cachedResponse)}
	go c.sweep()
	return c
}

func (c *ResponseCache) sweep() {
	for range time.Tick(c.ttl) {
		now := time.Now()
		c.mu.Lock()
		for k, e := range c.entries {
			if now.After(e.expires) {
				delete(c.entries, k)
			}
		}
		c.mu.Unlock()
	}
}

// Load writes the cached response of key, if any.
func (c *ResponseCache) Load(key string, w http.ResponseWriter) bool {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || time.Now().After(e.expires) {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Headlamp-Cache", "true")
	_, _ = w.Write(e.body)
	return true
}

// Store keeps a response body under key.
func (c *ResponseCache) Store(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = cachedResponse{body: body, expires: time.Now().Add(c.ttl)}
}

// ResponseCapture records what the next handler writes.
type ResponseCapture struct {
	http.ResponseWriter
	Status int
	Body   bytes.Buffer
}

// NewResponseCapture wraps w.
func NewResponseCapture(w http.ResponseWriter) *ResponseCapture {
	return &ResponseCapture{ResponseWriter: w, Status: http.StatusOK}
}

// WriteHeader records the status.
func (rc *ResponseCapture) WriteHeader(code int) {
	rc.Status = code
	rc.ResponseWriter.WriteHeader(code)
}

// Write records and passes the body on.
func (rc *ResponseCapture) Write(b []byte) (int, error) {
	rc.Body.Write(b)
	return rc.ResponseWriter.Write(b)
}
