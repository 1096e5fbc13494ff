// Package pools holds the node's pool of pending transactions.
//
// Reproduces, in our own words, the shape of algorand/go-algorand before
// https://github.com/algorand/go-algorand/pull/5906 (commit bb86c364a7,
// "API: Make maps the right size from the start"): the transaction pool's
// status cache keeps the error of every transaction that failed to enter
// a block in a map of up to sz entries, and, once it is full, starts a
// new one (keeping the full one as the previous generation). The new map
// was made empty and grown to sz entries, one failed transaction at a
// time, though sz (the pool's configured size) is where it always ends;
// the fix made it with sz, and dropped the previous generation on reset
// instead of making an empty map for it.
package pools

import "recall/heldout/algodstatuscache/before/data/transactions"

type statusCacheEntry struct {
	tx    transactions.SignedTxn
	txErr string
}

// statusCache remembers why transactions left the pool, in two
// generations of up to sz entries each.
type statusCache struct {
	cur  map[transactions.Txid]statusCacheEntry
	prev map[transactions.Txid]statusCacheEntry
	sz   int
}

func makeStatusCache(sz int) *statusCache {
	sc := &statusCache{sz: sz}
	sc.reset()
	return sc
}

func (sc *statusCache) check(txid transactions.Txid) (tx transactions.SignedTxn, txErr string, found bool) {
	ent, found := sc.cur[txid]
	if !found {
		ent, found = sc.prev[txid]
	}
	return ent.tx, ent.txErr, found
}

func (sc *statusCache) put(tx transactions.SignedTxn, txErr string) {
	if len(sc.cur) >= sc.sz {
		sc.prev = sc.cur
		sc.cur = map[transactions.Txid]statusCacheEntry{} // want mapprealloc "."
	}
	sc.cur[tx.ID()] = statusCacheEntry{tx: tx, txErr: txErr}
}

func (sc *statusCache) reset() {
	sc.cur = map[transactions.Txid]statusCacheEntry{} // want mapprealloc "."
	sc.prev = map[transactions.Txid]statusCacheEntry{}
}
