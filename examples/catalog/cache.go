package main

import "sync"

// pageCacheSize bounds the page cache: a decoy that churns but does not
// leak.
const pageCacheSize = 20000

// pageCache keeps rendered product pages, evicting the oldest when full.
type pageCache struct {
	mu    sync.Mutex
	max   int
	pages map[int][]byte
	order []int // ids in insertion order, a ring
	next  int
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, pages: make(map[int][]byte, max), order: make([]int, 0, max)}
}

func (c *pageCache) get(id int) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[id]
	return p, ok
}

func (c *pageCache) put(id int, page []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pages[id]; ok {
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, id)
	} else {
		delete(c.pages, c.order[c.next])
		c.order[c.next] = id
		c.next = (c.next + 1) % c.max
	}
	c.pages[id] = page
}
