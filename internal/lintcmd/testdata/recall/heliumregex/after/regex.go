// Package xpath3 reproduces, in its own words, the compiled-regex cache
// bounded in helium: https://github.com/lestrrat-go/helium/pull/767
// (commit 5298f53144e5fecd8057a75b45821a6d72f41e49; before/ is the code
// before the fix, after/ as fixed). Patterns come from the XPath
// expressions users evaluate; the cache kept every one of them.
package xpath3

import (
	"container/list"
	"net/url"
	"regexp"
	"sync"
)

var _ = url.Parse

type regexKey struct{ pattern, flags string }

var compiledRegexCache = newRegexLRU(1024)

type regexLRU struct {
	mu    sync.Mutex
	cap   int
	order *list.List
	items map[regexKey]*list.Element
}

type lruEntry struct {
	key regexKey
	re  *regexp.Regexp
}

func newRegexLRU(n int) *regexLRU {
	return &regexLRU{cap: n, order: list.New(), items: make(map[regexKey]*list.Element)}
}

func (c *regexLRU) Load(k regexKey) (*regexp.Regexp, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry).re, true
	}
	return nil, false
}

func (c *regexLRU) Store(k regexKey, re *regexp.Regexp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[k] = c.order.PushFront(&lruEntry{key: k, re: re})
	if len(c.items) > c.cap {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry).key)
	}
}

func compileXPathRegex(pattern, flags string) (*regexp.Regexp, error) {
	key := regexKey{pattern: pattern, flags: flags}
	if re, ok := compiledRegexCache.Load(key); ok {
		return re, nil
	}
	re, err := regexp.Compile("(?" + flags + ")" + pattern)
	if err != nil {
		return nil, err
	}
	compiledRegexCache.Store(key, re)
	return re, nil
}

// Matches is the XPath fn:matches function.
func Matches(input, pattern, flags string) (bool, error) {
	re, err := compileXPathRegex(pattern, flags)
	if err != nil {
		return false, err
	}
	return re.MatchString(input), nil
}
