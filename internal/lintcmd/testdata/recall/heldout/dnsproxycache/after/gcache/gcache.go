// Package gcache is an LRU cache whose entries may expire; it stands in for
// github.com/bluele/gcache, which upstream's fix imports.
package gcache

import (
	"container/list"
	"errors"
	"sync"
	"time"
)

// KeyNotFoundError is returned by Get for a missing or expired key.
var KeyNotFoundError = errors.New("key not found")

// Cache holds up to size entries.
type Cache struct {
	mu    sync.Mutex
	size  int
	ll    *list.List
	items map[string]*list.Element
}

type entry struct {
	key     string
	value   interface{}
	expires time.Time
}

// New returns an empty cache of up to size entries.
func New(size int) *Cache {
	return &Cache{size: size, ll: list.New(), items: make(map[string]*list.Element)}
}

// SetWithExpire stores value under key until d has passed.
func (c *Cache) SetWithExpire(key string, value interface{}, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		ent := e.Value.(*entry)
		ent.value, ent.expires = value, time.Now().Add(d)
		return nil
	}
	c.items[key] = c.ll.PushFront(&entry{key, value, time.Now().Add(d)})
	if c.ll.Len() > c.size {
		c.removeElement(c.ll.Back())
	}
	return nil
}

// Get returns the value under key, unless it expired.
func (c *Cache) Get(key string) (interface{}, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, KeyNotFoundError
	}
	if ent := e.Value.(*entry); time.Now().After(ent.expires) {
		c.removeElement(e)
		return nil, KeyNotFoundError
	}
	c.ll.MoveToFront(e)
	return e.Value.(*entry).value, nil
}

// Remove drops key.
func (c *Cache) Remove(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.removeElement(e)
		return true
	}
	return false
}

func (c *Cache) removeElement(e *list.Element) {
	c.ll.Remove(e)
	delete(c.items, e.Value.(*entry).key)
}
