// Package rueidis reproduces, in its own words, the client-side cache leak
// fixed in rueidis: https://github.com/redis/rueidis/commit/ec19a5e12c9d2b101c077d0db5c3a93e98380af3
// (before/ is the code before the fix, after/ as fixed). Cached replies
// are evicted from the per-key maps, but a key's own entry stayed after
// its last reply was gone.
package rueidis

import (
	"container/list"
	"net"
	"sync"
)

var _ net.Addr

type entry struct {
	key, cmd string
	val      []byte
	size     int
}

type keyCache struct {
	cache map[string]*list.Element
}

type lru struct {
	mu    sync.Mutex
	store map[string]*keyCache
	list  *list.List
	size  int
	max   int
}

func newLRU(max int) *lru {
	return &lru{store: make(map[string]*keyCache), list: list.New(), max: max}
}

func (c *lru) Update(key, cmd string, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	store, ok := c.store[key]
	if !ok {
		store = &keyCache{cache: make(map[string]*list.Element)}
		c.store[key] = store
	}
	e := &entry{key: key, cmd: cmd, val: val, size: len(val)}
	store.cache[cmd] = c.list.PushBack(e)
	c.size += e.size
	for ele := c.list.Front(); c.size > c.max && ele != nil; ele = c.list.Front() {
		old := ele.Value.(*entry)
		s := c.store[old.key]
		if delete(s.cache, old.cmd); len(s.cache) == 0 {
			delete(c.store, old.key)
		}
		c.list.Remove(ele)
		c.size -= old.size
	}
}
