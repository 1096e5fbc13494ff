// Package cache reproduces, in its own words, the expirable cache of
// go-pkgz/lcw whose Purge got a fresh map in
// https://github.com/go-pkgz/lcw/pull/46 (commits
// 41ffddb3436f1d3a80dcc0d648546efad43f1dd5 and
// 6df207e86cf56f457bb81cd6788b77c2edf469bb; before/ is the code before
// the change, after/ as changed). Purge emptied the cache by deleting
// every key, which kept the table the map had grown to; a cache that was
// filled once (a burst of keys) and then purged kept that memory for as
// long as the cache lived.
package cache

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// noEvictionTTL is the TTL of a cache made without one.
const noEvictionTTL = 10 * 365 * 24 * time.Hour

type cacheItem struct {
	expiresAt time.Time
	data      any
}

// LoadingCache is an expirable cache evicting the least recently added
// keys above MaxKeys.
type LoadingCache struct {
	purgeEvery time.Duration
	ttl        time.Duration
	maxKeys    int64
	onEvicted  func(key string, value any)
	done       chan struct{}

	mu   sync.Mutex
	data map[string]*cacheItem
}

type Option func(*LoadingCache) error

func TTL(d time.Duration) Option {
	return func(c *LoadingCache) error {
		if d <= 0 {
			return errors.New("ttl must be positive")
		}
		c.ttl = d
		return nil
	}
}

func MaxKeys(n int64) Option {
	return func(c *LoadingCache) error { c.maxKeys = n; return nil }
}

func PurgeEvery(d time.Duration) Option {
	return func(c *LoadingCache) error { c.purgeEvery = d; return nil }
}

func OnEvicted(fn func(key string, value any)) Option {
	return func(c *LoadingCache) error { c.onEvicted = fn; return nil }
}

// NewLoadingCache makes a cache; with MaxKeys or PurgeEvery it runs a
// goroutine purging expired and surplus keys.
func NewLoadingCache(opts ...Option) (*LoadingCache, error) {
	c := &LoadingCache{data: map[string]*cacheItem{}, ttl: noEvictionTTL, done: make(chan struct{})}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.maxKeys > 0 || c.purgeEvery > 0 {
		if c.purgeEvery == 0 {
			c.purgeEvery = 5 * time.Minute
		}
		go func() {
			t := time.NewTicker(c.purgeEvery)
			defer t.Stop()
			for {
				select {
				case <-c.done:
					return
				case <-t.C:
					c.mu.Lock()
					c.purge(c.maxKeys)
					c.mu.Unlock()
				}
			}
		}()
	}
	return c, nil
}

// Set stores value under key.
func (c *LoadingCache) Set(key string, value any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	item, ok := c.data[key]
	if !ok {
		item = &cacheItem{}
		c.data[key] = item
	}
	item.data = value
	item.expiresAt = time.Now().Add(c.ttl)
	// Between two timed purges a burst of Sets may double the cache.
	if c.maxKeys > 0 && int64(len(c.data)) >= 2*c.maxKeys {
		c.purge(c.maxKeys)
	}
}

// Get returns the value of key unless it expired.
func (c *LoadingCache) Get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	item, ok := c.data[key]
	if !ok || time.Now().After(item.expiresAt) {
		return nil, false
	}
	return item.data, true
}

// Invalidate removes key.
func (c *LoadingCache) Invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if item, ok := c.data[key]; ok {
		delete(c.data, key)
		if c.onEvicted != nil {
			c.onEvicted(key, item.data)
		}
	}
}

// InvalidateFn removes the keys fn selects.
func (c *LoadingCache) InvalidateFn(fn func(key string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, item := range c.data {
		if fn(key) {
			delete(c.data, key)
			if c.onEvicted != nil {
				c.onEvicted(key, item.data)
			}
		}
	}
}

// Purge empties the cache.
func (c *LoadingCache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, item := range c.data {
		delete(c.data, key) // want mapclear "."
		if c.onEvicted != nil {
			c.onEvicted(key, item.data)
		}
	}
}

// DeleteExpired drops the expired keys.
func (c *LoadingCache) DeleteExpired() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.purge(0)
}

func (c *LoadingCache) ItemCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.data)
}

// Close stops the purging goroutine.
func (c *LoadingCache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

// purge drops the expired keys, then the oldest ones above maxKeys (0:
// no limit). The caller holds c.mu.
func (c *LoadingCache) purge(maxKeys int64) {
	type keyTS struct {
		key string
		ts  time.Time
	}
	var kts []keyTS
	now := time.Now()
	for key, item := range c.data {
		if now.After(item.expiresAt) {
			delete(c.data, key)
			if c.onEvicted != nil {
				c.onEvicted(key, item.data)
			}
			continue
		}
		if maxKeys > 0 && int64(len(c.data)) > maxKeys {
			kts = append(kts, keyTS{key, item.expiresAt})
		}
	}
	surplus := int64(len(c.data)) - maxKeys
	if len(kts) == 0 || surplus <= 0 {
		return
	}
	sort.Slice(kts, func(i, j int) bool { return kts[i].ts.Before(kts[j].ts) })
	for i := 0; int64(i) < surplus && i < len(kts); i++ {
		key := kts[i].key
		item := c.data[key]
		delete(c.data, key)
		if c.onEvicted != nil {
			c.onEvicted(key, item.data)
		}
	}
}
