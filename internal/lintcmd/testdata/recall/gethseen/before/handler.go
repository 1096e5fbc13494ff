// Package eth reproduces, in its own words, the per-packet set sized in
// go-ethereum: https://github.com/ethereum/go-ethereum/pull/35237 (commit
// dd672c6867b4a5f38a90537dbbe237a06d31d048; before/ is the code before the
// fix, after/ as fixed). Every transaction gossip packet from every peer
// builds a set of its hashes, rejecting duplicates.
package eth

import (
	"crypto/sha256"
	"errors"
	"fmt"
)

type Hash [32]byte

type Transaction struct {
	payload []byte
	blob    bool
	sidecar []byte
}

func (tx *Transaction) Hash() Hash { return sha256.Sum256(tx.payload) }

type Peer struct{ known map[Hash]bool }

func (p *Peer) MarkTransaction(h Hash) { p.known[h] = true }

func handleTransactions(peer *Peer, list []*Transaction, directBroadcast bool) error {
	seen := make(map[Hash]struct{}) // want mapprealloc "map seen is made without a size hint but the loop below fills it len\(list\) times"
	for _, tx := range list {
		if tx.blob {
			if directBroadcast {
				return errors.New("disallowed broadcast blob transaction")
			}
			if tx.sidecar == nil {
				return errors.New("received sidecar-less blob transaction")
			}
		}
		hash := tx.Hash()
		if _, exists := seen[hash]; exists {
			return fmt.Errorf("multiple copies of the same hash %x", hash)
		}
		seen[hash] = struct{}{}
		peer.MarkTransaction(hash)
	}
	return nil
}
