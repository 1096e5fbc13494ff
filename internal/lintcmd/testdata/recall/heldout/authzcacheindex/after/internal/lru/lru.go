// Package lru is a fixed-size cache that drops the least recently used
// entry to make room, optionally telling a callback (a stand-in for the
// monitored LRU of descope/common over hashicorp/golang-lru).
package lru

import (
	"container/list"
	"context"
	"errors"
)

// Cache is an LRU cache of up to size entries.
type Cache[K comparable, V any] struct {
	size    int
	name    string
	ll      *list.List
	items   map[K]*list.Element
	onEvict func(K, V)
}

type entry[K comparable, V any] struct {
	key   K
	value V
}

// New returns an empty cache of up to size entries.
func New[K comparable, V any](size int, name string) (*Cache[K, V], error) {
	return NewWithEvict[K, V](size, name, nil)
}

// NewWithEvict returns an empty cache that calls onEvict for each entry it
// drops to make room.
func NewWithEvict[K comparable, V any](size int, name string, onEvict func(K, V)) (*Cache[K, V], error) {
	if size <= 0 {
		return nil, errors.New("lru: size must be positive")
	}
	return &Cache[K, V]{size: size, name: name, ll: list.New(), items: make(map[K]*list.Element), onEvict: onEvict}, nil
}

// Add stores value under key.
func (c *Cache[K, V]) Add(_ context.Context, key K, value V) {
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		e.Value.(*entry[K, V]).value = value
		return
	}
	c.items[key] = c.ll.PushFront(&entry[K, V]{key, value})
	if c.ll.Len() > c.size {
		e := c.ll.Back()
		c.ll.Remove(e)
		ent := e.Value.(*entry[K, V])
		delete(c.items, ent.key)
		if c.onEvict != nil {
			c.onEvict(ent.key, ent.value)
		}
	}
}

// Get returns the value under key.
func (c *Cache[K, V]) Get(_ context.Context, key K) (V, bool) {
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*entry[K, V]).value, true
	}
	var zero V
	return zero, false
}

// Remove drops key, without calling the eviction callback.
func (c *Cache[K, V]) Remove(_ context.Context, key K) {
	if e, ok := c.items[key]; ok {
		c.ll.Remove(e)
		delete(c.items, key)
	}
}

// Purge drops every entry, without calling the eviction callback.
func (c *Cache[K, V]) Purge(_ context.Context) {
	c.ll.Init()
	c.items = make(map[K]*list.Element)
}

// Len returns the number of entries.
func (c *Cache[K, V]) Len(_ context.Context) int { return c.ll.Len() }
