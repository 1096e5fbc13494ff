// Package stmtcache is the statement cache of pgxprepared (see package
// pgx): the statements a connection prepared for its most recent SQL
// texts, at most a given number of them.
package stmtcache

import (
	"container/list"
	"strconv"
	"sync/atomic"

	"recall/heldout/pgxprepared/before/pgconn"
)

var stmtCounter atomic.Int64

// NextStatementName returns a statement name no other call returned.
func NextStatementName() string {
	return "stmtcache_" + strconv.FormatInt(stmtCounter.Add(1), 10)
}

// LRUCache keeps the statements of the most recently used SQL texts. A
// statement pushed out is kept in a list until the connection has
// deallocated it on the server.
type LRUCache struct {
	cap         int
	bySQL       map[string]*list.Element
	order       *list.List
	invalidated []*pgconn.StatementDescription
}

func NewLRUCache(cap int) *LRUCache {
	return &LRUCache{cap: cap, bySQL: make(map[string]*list.Element), order: list.New()}
}

// Get returns the statement for sql, or nil.
func (c *LRUCache) Get(sql string) *pgconn.StatementDescription {
	el, ok := c.bySQL[sql]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*pgconn.StatementDescription)
}

// Put adds sd, pushing out the least recently used statement when full.
func (c *LRUCache) Put(sd *pgconn.StatementDescription) {
	if _, ok := c.bySQL[sd.SQL]; ok {
		return
	}
	if c.order.Len() == c.cap {
		oldest := c.order.Back()
		old := oldest.Value.(*pgconn.StatementDescription)
		c.invalidated = append(c.invalidated, old)
		delete(c.bySQL, old.SQL)
		c.order.Remove(oldest)
	}
	c.bySQL[sd.SQL] = c.order.PushFront(sd)
}

// HandleInvalidated returns the statements pushed out since the last
// call, which the caller must deallocate.
func (c *LRUCache) HandleInvalidated() []*pgconn.StatementDescription {
	out := c.invalidated
	c.invalidated = nil
	return out
}
