// Package blockpresencemanager reproduces, in its own words, the
// BlockPresenceManager leak fixed in boxo's bitswap client:
// https://github.com/ipfs/boxo/pull/636 (issue #574, commit
// 08c178725ad6e6be36a703342b19dd15eec03665; before/ is the code before the
// fix, after/ as fixed). The manager records which peers said they have
// or lack each wanted block; keys were deleted one by one when the wants
// were cancelled, so the map stayed at the size of the largest burst of
// wants, and peers that left were never dropped.
package blockpresencemanager

import "sync"

type Cid string
type PeerID string

// BlockPresenceManager keeps track of which peers have said that they have
// or do not have a block. The bitswap client holds one for its lifetime.
type BlockPresenceManager struct {
	sync.RWMutex
	presence map[Cid]map[PeerID]bool
}

func New() *BlockPresenceManager {
	return &BlockPresenceManager{}
}

// ReceiveFrom records the HAVEs and DONT_HAVEs a peer sent.
func (bpm *BlockPresenceManager) ReceiveFrom(p PeerID, haves, dontHaves []Cid) {
	bpm.Lock()
	defer bpm.Unlock()
	if bpm.presence == nil {
		bpm.presence = make(map[Cid]map[PeerID]bool)
	}
	for _, c := range haves {
		bpm.update(p, c, true)
	}
	for _, c := range dontHaves {
		bpm.update(p, c, false)
	}
}

func (bpm *BlockPresenceManager) update(p PeerID, c Cid, present bool) {
	if _, ok := bpm.presence[c]; !ok {
		bpm.presence[c] = make(map[PeerID]bool)
	}
	// never turn a HAVE into a DONT_HAVE
	if has, ok := bpm.presence[c][p]; ok && has {
		return
	}
	bpm.presence[c][p] = present
}

// PeerHasBlock reports whether p sent a HAVE for c.
func (bpm *BlockPresenceManager) PeerHasBlock(p PeerID, c Cid) bool {
	bpm.RLock()
	defer bpm.RUnlock()
	return bpm.presence[c][p]
}

// AllPeersDoNotHaveBlock returns the keys every one of peers said it lacks.
func (bpm *BlockPresenceManager) AllPeersDoNotHaveBlock(peers []PeerID, ks []Cid) []Cid {
	bpm.RLock()
	defer bpm.RUnlock()
	if len(bpm.presence) == 0 {
		return nil
	}
	var res []Cid
	for _, c := range ks {
		ps, ok := bpm.presence[c]
		if !ok {
			continue
		}
		all := true
		for _, p := range peers {
			if has, ok := ps[p]; !ok || has {
				all = false
				break
			}
		}
		if all {
			res = append(res, c)
		}
	}
	return res
}

// RemoveKeys forgets the given keys, once their wants are cancelled.
func (bpm *BlockPresenceManager) RemoveKeys(ks []Cid) {
	bpm.Lock()
	defer bpm.Unlock()
	for _, c := range ks {
		delete(bpm.presence, c)
	}
	// an empty map is dropped, so that its memory can be freed
	if len(bpm.presence) == 0 {
		bpm.presence = nil
	}
}

// RemovePeer forgets p for every key, once p is pruned from the session.
func (bpm *BlockPresenceManager) RemovePeer(p PeerID) {
	bpm.Lock()
	defer bpm.Unlock()
	for c, ps := range bpm.presence {
		delete(ps, p)
		if len(ps) == 0 {
			delete(bpm.presence, c)
		}
	}
	if len(bpm.presence) == 0 {
		bpm.presence = nil
	}
}
