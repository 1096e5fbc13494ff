package wrongkey

// The inner maps are emptied, the outer keys never removed.
type keyCache struct{ cache map[string]int }

type lruStore struct {
	store map[string]*keyCache
}

func (c *lruStore) update(key, cmd string) {
	s, ok := c.store[key]
	if !ok {
		s = &keyCache{cache: map[string]int{}}
		c.store[key] = s // want `map field lruStore.store only grows: delete\(c.store\[key\].cache, cmd\) empties the maps it holds, but nothing deletes their keys from it, clears it or replaces it`
	}
	s.cache[cmd]++
}

func (c *lruStore) evict(key, cmd string) {
	delete(c.store[key].cache, cmd)
}

// Near misses: the outer key goes once its map is empty; constant outer
// keys are a fixed set.
type perPeer struct{ byPeer map[string]map[int]bool }

func (p *perPeer) add(peer string, id int) {
	if p.byPeer[peer] == nil {
		p.byPeer[peer] = map[int]bool{}
	}
	p.byPeer[peer][id] = true
}

func (p *perPeer) done(peer string, id int) {
	delete(p.byPeer[peer], id)
	if len(p.byPeer[peer]) == 0 {
		delete(p.byPeer, peer)
	}
}

type levels struct{ logs map[int]map[string]int }

const errorLevel = 2

func (l *levels) reset() { l.logs[errorLevel] = map[string]int{} }

func (l *levels) forget(s string) { delete(l.logs[errorLevel], s) }
