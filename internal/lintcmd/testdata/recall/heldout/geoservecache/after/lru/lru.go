// Package lru is a cache of a fixed number of entries that drops the least
// recently used one to make room; it stands in for
// github.com/golang/groupcache/lru, which upstream's fix imports.
package lru

import "container/list"

// Cache holds up to MaxEntries entries.
type Cache struct {
	MaxEntries int
	ll         *list.List
	cache      map[string]*list.Element
}

type entry struct {
	key   string
	value []byte
}

// New returns an empty cache of up to maxEntries entries.
func New(maxEntries int) *Cache {
	return &Cache{MaxEntries: maxEntries, ll: list.New(), cache: make(map[string]*list.Element)}
}

// Add stores value under key, dropping the oldest entry if the cache is
// full.
func (c *Cache) Add(key string, value []byte) {
	if e, ok := c.cache[key]; ok {
		c.ll.MoveToFront(e)
		e.Value.(*entry).value = value
		return
	}
	c.cache[key] = c.ll.PushFront(&entry{key, value})
	if c.MaxEntries != 0 && c.ll.Len() > c.MaxEntries {
		c.removeOldest()
	}
}

// Get returns the value stored under key.
func (c *Cache) Get(key string) ([]byte, bool) {
	if e, ok := c.cache[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*entry).value, true
	}
	return nil, false
}

func (c *Cache) removeOldest() {
	e := c.ll.Back()
	if e == nil {
		return
	}
	c.ll.Remove(e)
	delete(c.cache, e.Value.(*entry).key)
}
