// Package pgx reproduces, in its own words, the prepared statements of
// jackc/pgx's Conn as they were before
// https://github.com/jackc/pgx/pull/1614 (commit
// 0292edecb05865bfabb999c0efb19a02de85451a, for issue #1456; before/ is
// the code before the change, after/ as changed). In the default mode a
// query's SQL text gets a statement prepared under a generated name, kept
// in an LRU cache of a few hundred; the connection also records every
// named statement it prepared in preparedStatements, by name. When the
// cache pushed a statement out, the connection deallocated it on the
// server but never deleted it from preparedStatements, so a workload
// sending many distinct queries grew that map for the life of the
// connection.
package pgx

import (
	"context"
	"fmt"

	"recall/heldout/pgxprepared/before/internal/stmtcache"
	"recall/heldout/pgxprepared/before/pgconn"
)

// Conn is a connection with its prepared statements.
type Conn struct {
	pgConn             *pgconn.PgConn
	preparedStatements map[string]*pgconn.StatementDescription
	statementCache     *stmtcache.LRUCache
	cacheCapacity      int
}

// Connect opens a connection to addr whose statement cache keeps
// cacheCapacity statements.
func Connect(ctx context.Context, addr string, cacheCapacity int) (*Conn, error) {
	pc, err := pgconn.Connect(ctx, addr)
	if err != nil {
		return nil, err
	}
	return &Conn{
		pgConn:             pc,
		preparedStatements: make(map[string]*pgconn.StatementDescription),
		statementCache:     stmtcache.NewLRUCache(cacheCapacity),
		cacheCapacity:      cacheCapacity,
	}, nil
}

// Prepare prepares sql under name; preparing the same name and SQL again
// does nothing.
func (c *Conn) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	if name != "" {
		if sd, ok := c.preparedStatements[name]; ok && sd.SQL == sql {
			return sd, nil
		}
	}
	sd, err := c.pgConn.Prepare(ctx, name, sql)
	if err != nil {
		return nil, err
	}
	if name != "" {
		c.preparedStatements[name] = sd // want growonly "."
	}
	return sd, nil
}

// Deallocate releases the statement prepared under name.
func (c *Conn) Deallocate(ctx context.Context, name string) error {
	delete(c.preparedStatements, name)
	_, err := c.pgConn.Exec(ctx, "deallocate "+name)
	return err
}

// DeallocateAll releases every prepared statement.
func (c *Conn) DeallocateAll(ctx context.Context) error {
	c.preparedStatements = map[string]*pgconn.StatementDescription{}
	c.statementCache = stmtcache.NewLRUCache(c.cacheCapacity)
	_, err := c.pgConn.Exec(ctx, "deallocate all")
	return err
}

// Exec runs sql with args through a cached prepared statement.
func (c *Conn) Exec(ctx context.Context, sql string, args ...string) (string, error) {
	if err := c.deallocateInvalidated(ctx); err != nil {
		return "", err
	}
	if sd, ok := c.preparedStatements[sql]; ok {
		return c.pgConn.ExecPrepared(ctx, sd, args)
	}
	if len(args) == 0 {
		return c.pgConn.Exec(ctx, sql)
	}
	sd := c.statementCache.Get(sql)
	if sd == nil {
		var err error
		sd, err = c.Prepare(ctx, stmtcache.NextStatementName(), sql)
		if err != nil {
			return "", err
		}
		c.statementCache.Put(sd)
	}
	return c.pgConn.ExecPrepared(ctx, sd, args)
}

// deallocateInvalidated releases on the server the statements the cache
// pushed out.
func (c *Conn) deallocateInvalidated(ctx context.Context) error {
	for _, sd := range c.statementCache.HandleInvalidated() {
		if _, err := c.pgConn.Exec(ctx, "deallocate "+sd.Name); err != nil {
			return fmt.Errorf("failed to deallocate cached statement: %w", err)
		}
	}
	return nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.pgConn.Close() }
