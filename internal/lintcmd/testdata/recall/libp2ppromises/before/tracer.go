// Package pubsub reproduces, in its own words, the promise leak fixed in
// go-libp2p-pubsub: https://github.com/libp2p/go-libp2p-pubsub/pull/470
// (commit 9e39259ffe513a45df8462e540045f7df75c9ae9; before/ is the state
// after the first, incomplete fix #458, after/ as fixed). The reverse
// index peerPromises lost message IDs one by one, but a promiser's own
// entry was never deleted.
package pubsub

import (
	"net"
	"sync"
	"time"
)

var _ net.Addr

type peerID string

type Message struct {
	ID           string
	ReceivedFrom peerID
}

type gossipTracer struct {
	sync.Mutex
	promises     map[string]map[peerID]time.Time
	peerPromises map[peerID]map[string]struct{}
}

func newGossipTracer() *gossipTracer {
	return &gossipTracer{
		promises:     make(map[string]map[peerID]time.Time),
		peerPromises: make(map[peerID]map[string]struct{}),
	}
}

// AddPromise records that p promised to deliver one of ids.
func (gt *gossipTracer) AddPromise(p peerID, ids []string) {
	gt.Lock()
	defer gt.Unlock()
	mid := ids[0]
	promises, ok := gt.promises[mid]
	if !ok {
		promises = make(map[peerID]time.Time)
		gt.promises[mid] = promises
	}
	if _, ok := promises[p]; !ok {
		promises[p] = time.Now().Add(3 * time.Second)
		peerPromises, ok := gt.peerPromises[p]
		if !ok {
			peerPromises = make(map[string]struct{})
			gt.peerPromises[p] = peerPromises // want growonly "map field gossipTracer.peerPromises only grows"
		}
		peerPromises[mid] = struct{}{}
	}
}

func (gt *gossipTracer) fulfillPromise(msg *Message) {
	mid := msg.ID
	if _, ok := gt.promises[mid]; !ok {
		return
	}
	delete(gt.promises, mid)
	delete(gt.peerPromises[msg.ReceivedFrom], mid)
}

// DeliverMessage is called for every message delivered to the router.
func (gt *gossipTracer) DeliverMessage(msg *Message) {
	gt.Lock()
	defer gt.Unlock()
	gt.fulfillPromise(msg)
}
