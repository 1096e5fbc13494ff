// Package retrieval reproduces, in its own words, the scrape-cache leak
// fixed in Prometheus: https://github.com/prometheus/prometheus/pull/2874
// (commit 2368d2c45bf21c9187a2a91e389e7af641fdf781; before/ is the code
// before the fix, after/ as fixed). When a metric gets a new series
// reference, its old reference's label set stays in lsets: the clean-up
// walks refs, which no longer points at it.
package retrieval

import "context"

type refEntry struct {
	ref      string
	lastIter uint64
}

type lsetCacheEntry struct{ lset string }

type scrapeCache struct {
	iter  uint64
	refs  map[string]*refEntry
	lsets map[string]*lsetCacheEntry
}

func newScrapeCache() *scrapeCache {
	return &scrapeCache{refs: map[string]*refEntry{}, lsets: map[string]*lsetCacheEntry{}}
}

func (c *scrapeCache) iterDone() {
	for s, e := range c.refs {
		if e.lastIter < c.iter {
			delete(c.refs, s)
			delete(c.lsets, e.ref)
		}
	}
	c.iter++
}

func (c *scrapeCache) addRef(met, ref, lset string) {
	if ref == "" {
		return
	}
	c.refs[met] = &refEntry{ref: ref, lastIter: c.iter} // want growonly "overwrites the entry whose ref field keys c.lsets"
	c.lsets[ref] = &lsetCacheEntry{lset: lset}
}

type scrapeLoop struct {
	cache  *scrapeCache
	ctx    context.Context
	sample chan [3]string
}

func (sl *scrapeLoop) run() {
	for {
		select {
		case <-sl.ctx.Done():
			return
		case s := <-sl.sample:
			sl.cache.addRef(s[0], s[1], s[2])
			sl.cache.iterDone()
		}
	}
}
