package main

import (
	"sync"
	"time"
)

// Failed logins per address expire only when the same address comes
// back.

type limiter struct {
	mu     sync.Mutex
	events map[string][]time.Time
	window time.Duration
}

func (l *limiter) record(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.gc(ip, now)
	l.events[ip] = append(l.events[ip], now) // want `map field limiter.events is deleted from only when gc finds the entry under the key at hand expired, and nothing ranges over it: a key that is not used again stays however old it is`
}

func (l *limiter) reset(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.events, ip)
}

func (l *limiter) gc(ip string, now time.Time) {
	ev := l.events[ip]
	if len(ev) > 0 && now.Sub(ev[len(ev)-1]) > l.window {
		delete(l.events, ip)
	}
}

// A sweep over the map drops the addresses that never come back.

type limiter2 struct {
	mu     sync.Mutex
	events map[string][]time.Time
	window time.Duration
}

func (l *limiter2) record(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.gc(ip, now)
	l.events[ip] = append(l.events[ip], now)
}

func (l *limiter2) gc(ip string, now time.Time) {
	ev := l.events[ip]
	if len(ev) > 0 && now.Sub(ev[len(ev)-1]) > l.window {
		delete(l.events, ip)
	}
}

func (l *limiter2) sweep(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ip := range l.events {
		l.gc(ip, now)
	}
}

// Deleted on disconnect, no expiry: the key's owner removes it.

type conns struct {
	mu    sync.Mutex
	conns map[string]int
}

func (c *conns) add(id string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conns[id] = n
}

func (c *conns) remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.conns[id]; ok {
		delete(c.conns, id)
	}
}

// Near miss: the delete runs when the connection closes; the time read
// there is the connection's age, logged, not the entry's expiry
// (syncthing's model.Closed).

type conn struct{ established time.Time }

type model struct {
	mu     sync.Mutex
	conns  map[string]*conn
	closed map[string]chan struct{}
	ages   []time.Duration
}

func (m *model) add(id string, c *conn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.conns[id] = c
	m.closed[id] = make(chan struct{})
}

func (m *model) onClosed(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.conns[id]
	if !ok {
		return
	}
	done := m.closed[id]
	delete(m.closed, id)
	delete(m.conns, id)
	close(done)
	m.ages = append(m.ages, time.Since(c.established))
}

// A cache whose Get drops the entry it finds expired, read with comma-ok
// (AdGuard's dnsproxy, https://github.com/AdguardTeam/dnsproxy/pull/30).

type cacheItem struct {
	value   []byte
	expires time.Time
}

type answerCache struct {
	mu    sync.Mutex
	items map[string]cacheItem
}

func (c *answerCache) Set(key string, v []byte, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = cacheItem{v, time.Now().Add(ttl)} // want `map field answerCache.items is deleted from only when Get finds the entry under the key at hand expired`
}

func (c *answerCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cached, ok := c.items[key]
	if !ok {
		return nil, false
	}
	if time.Now().After(cached.expires) {
		delete(c.items, key)
		return nil, false
	}
	return cached.value, true
}
