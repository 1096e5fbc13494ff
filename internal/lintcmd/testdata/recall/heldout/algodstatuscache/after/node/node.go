// Package node runs a node: its transaction pool and a stand-in for the
// agreement service that makes a block every round.
package node

import (
	"log"
	"time"

	"recall/heldout/algodstatuscache/after/data/pools"
	"recall/heldout/algodstatuscache/after/data/transactions"
)

// Config is the node's configuration.
type Config struct {
	TxPoolSize    int
	RoundTime     time.Duration
	MaxTxnPerBlk  int
	CatchupRounds uint64
}

// AlgorandFullNode holds the pool and makes the blocks.
type AlgorandFullNode struct {
	cfg             Config
	transactionPool *pools.TransactionPool
	round           uint64
	lastBlock       time.Time
}

// MakeFull returns a node; Start makes its rounds.
func MakeFull(cfg Config) *AlgorandFullNode {
	return &AlgorandFullNode{cfg: cfg, transactionPool: pools.MakeTransactionPool(cfg.TxPoolSize)}
}

// Start makes a block every RoundTime, for ever.
func (node *AlgorandFullNode) Start() {
	node.lastBlock = time.Now()
	go func() {
		t := time.NewTicker(node.cfg.RoundTime)
		defer t.Stop()
		for now := range t.C {
			if node.cfg.CatchupRounds > 0 && now.Sub(node.lastBlock) > time.Duration(node.cfg.CatchupRounds)*node.cfg.RoundTime {
				log.Printf("node: behind by more than %d rounds, catching up", node.cfg.CatchupRounds)
				node.transactionPool.Reset()
			}
			node.round++
			var blk pools.Block
			blk.Round = node.round
			for _, tx := range node.transactionPool.Pending(node.cfg.MaxTxnPerBlk) {
				if tx.FirstValid <= node.round {
					blk.Txids = append(blk.Txids, tx.ID())
				}
			}
			node.transactionPool.OnNewBlock(blk)
			node.lastBlock = time.Now()
		}
	}()
}

// BroadcastSignedTxGroup adds tx to the pool.
func (node *AlgorandFullNode) BroadcastSignedTxGroup(tx transactions.SignedTxn) error {
	return node.transactionPool.Remember(tx)
}

// GetPendingTransaction says whether txid is pending, or why it left the
// pool.
func (node *AlgorandFullNode) GetPendingTransaction(txid transactions.Txid) (tx transactions.SignedTxn, txErr string, found bool) {
	return node.transactionPool.Lookup(txid)
}
