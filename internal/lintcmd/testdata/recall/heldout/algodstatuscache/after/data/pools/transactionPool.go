package pools

import (
	"errors"
	"sync"

	"recall/heldout/algodstatuscache/after/data/transactions"
)

// ErrPoolFull is returned by Remember when the pool holds its configured
// number of transactions.
var ErrPoolFull = errors.New("transaction pool is full")

// Block is the part of a block the pool reads: its round and the IDs of
// its transactions.
type Block struct {
	Round uint64
	Txids []transactions.Txid
}

// TransactionPool holds the transactions waiting for a block, and why
// those that left it without one did.
type TransactionPool struct {
	mu          sync.Mutex
	size        int
	round       uint64
	pending     []transactions.SignedTxn
	pendingIDs  map[transactions.Txid]transactions.SignedTxn
	statusCache *statusCache
}

// MakeTransactionPool returns a pool of up to size transactions.
func MakeTransactionPool(size int) *TransactionPool {
	return &TransactionPool{
		size:        size,
		pendingIDs:  make(map[transactions.Txid]transactions.SignedTxn),
		statusCache: makeStatusCache(size),
	}
}

// Remember adds tx to the pool.
func (pool *TransactionPool) Remember(tx transactions.SignedTxn) error {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if len(pool.pending) >= pool.size {
		return ErrPoolFull
	}
	if tx.LastValid < pool.round+1 {
		return &transactions.TxnDeadError{Round: pool.round + 1, LastValid: tx.LastValid}
	}
	id := tx.ID()
	if _, ok := pool.pendingIDs[id]; ok {
		return nil
	}
	pool.pendingIDs[id] = tx
	pool.pending = append(pool.pending, tx)
	return nil
}

// Pending returns up to n of the pending transactions, oldest first.
func (pool *TransactionPool) Pending(n int) []transactions.SignedTxn {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if n > len(pool.pending) {
		n = len(pool.pending)
	}
	return append([]transactions.SignedTxn(nil), pool.pending[:n]...)
}

// Lookup says whether txid is pending, or why it left the pool.
func (pool *TransactionPool) Lookup(txid transactions.Txid) (tx transactions.SignedTxn, txErr string, found bool) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if tx, ok := pool.pendingIDs[txid]; ok {
		return tx, "", true
	}
	return pool.statusCache.check(txid)
}

// OnNewBlock drops the transactions block committed, and those that can
// no longer be committed, remembering why.
func (pool *TransactionPool) OnNewBlock(block Block) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.round = block.Round
	committed := make(map[transactions.Txid]bool, len(block.Txids))
	for _, id := range block.Txids {
		committed[id] = true
	}
	kept := pool.pending[:0]
	for _, tx := range pool.pending {
		id := tx.ID()
		switch {
		case committed[id]:
			delete(pool.pendingIDs, id)
		case tx.LastValid <= block.Round:
			delete(pool.pendingIDs, id)
			err := &transactions.TxnDeadError{Round: block.Round + 1, LastValid: tx.LastValid}
			pool.statusCache.put(tx, err.Error())
		default:
			kept = append(kept, tx)
		}
	}
	clear(pool.pending[len(kept):])
	pool.pending = kept
}

// Reset empties the pool, as after a catchup.
func (pool *TransactionPool) Reset() {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.pending = nil
	pool.pendingIDs = make(map[transactions.Txid]transactions.SignedTxn)
	pool.statusCache.reset()
}
