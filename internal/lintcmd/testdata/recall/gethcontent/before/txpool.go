// Package core reproduces, in its own words, the transaction pool helpers
// sized in go-ethereum: https://github.com/ethereum/go-ethereum/pull/25737
// (commit 3a4cef5402d8b58831f95a909f8a1bdf3acffe3c; before/ is the code
// before the fix, after/ as fixed). Content copies the pending and queued
// lists per account for the RPC API; newAccountSet collects the locals.
package core

import "sync"

type Address [20]byte

type Transaction struct{ Nonce uint64 }

type list struct{ txs []*Transaction }

func (l *list) Flatten() []*Transaction { return append([]*Transaction(nil), l.txs...) }

type accountSet struct {
	accounts map[Address]struct{}
}

func newAccountSet(addrs ...Address) *accountSet {
	as := &accountSet{accounts: make(map[Address]struct{})} // want mapprealloc "map accounts is made without a size hint but the loop below fills it len\(addrs\) times"
	for _, addr := range addrs {
		as.add(addr)
	}
	return as
}

func (as *accountSet) add(addr Address) { as.accounts[addr] = struct{}{} }

type TxPool struct {
	mu      sync.RWMutex
	pending map[Address]*list
	queue   map[Address]*list
}

// Content returns every pending and queued transaction, per account.
func (pool *TxPool) Content() (map[Address][]*Transaction, map[Address][]*Transaction) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pending := make(map[Address][]*Transaction) // want mapprealloc "map pending is made without a size hint but the loop below fills it len\(pool.pending\) times"
	for addr, list := range pool.pending {
		pending[addr] = list.Flatten()
	}
	queued := make(map[Address][]*Transaction) // want mapprealloc "map queued is made without a size hint but the loop below fills it len\(pool.queue\) times"
	for addr, list := range pool.queue {
		queued[addr] = list.Flatten()
	}
	return pending, queued
}
