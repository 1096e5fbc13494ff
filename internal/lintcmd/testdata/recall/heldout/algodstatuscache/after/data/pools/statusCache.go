// Package pools holds the node's pool of pending transactions.
//
// The fixed form of algodstatuscache (see the before form): after
// https://github.com/algorand/go-algorand/pull/5906 (commit bb86c364a7)
// each generation of the status cache is made with the size it will
// reach, and reset drops the previous one.
package pools

import "recall/heldout/algodstatuscache/after/data/transactions"

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
		sc.cur = make(map[transactions.Txid]statusCacheEntry, sc.sz)
	}
	sc.cur[tx.ID()] = statusCacheEntry{tx: tx, txErr: txErr}
}

func (sc *statusCache) reset() {
	sc.cur = make(map[transactions.Txid]statusCacheEntry, sc.sz)
	sc.prev = nil
}
