// Package yggdrasil reproduces, in its own words, the DHT request leak
// fixed in Yggdrasil: https://github.com/yggdrasil-network/yggdrasil-go/pull/211
// (merge commit 9f16d0ed; before/ is the code before the fix, after/ as
// fixed, the DHT part only). Every lookup sent is remembered per
// destination key and target until the answer comes; a lookup that was
// never answered stayed, and so did the destination's entry, until the
// node's coordinates changed.
package yggdrasil

import (
	"net"
	"time"
)

type NodeID [32]byte
type BoxPubKey [32]byte

type dhtInfo struct {
	key      BoxPubKey
	addr     net.Addr
	recv     time.Time
	pings    int
	throttle time.Duration
}

type dhtReq struct {
	Key  BoxPubKey
	Dest NodeID
}

type dhtRes struct {
	Key   BoxPubKey
	Dest  NodeID
	Infos []*dhtInfo
}

type dht struct {
	core  *Core
	self  NodeID
	reqs  map[BoxPubKey]map[NodeID]time.Time
	table map[NodeID]*dhtInfo
}

func (t *dht) init(c *Core) {
	t.core = c
	t.reset()
}

// reset drops every known node and every request in flight; the router
// calls it when the node's coordinates change.
func (t *dht) reset() {
	t.reqs = make(map[BoxPubKey]map[NodeID]time.Time)
	t.table = make(map[NodeID]*dhtInfo)
}

func nodeIDOf(k BoxPubKey) NodeID { return NodeID(k) }

// handleRes takes an answer to a lookup we sent.
func (t *dht) handleRes(res *dhtRes) {
	reqs, ok := t.reqs[res.Key]
	if !ok {
		return
	}
	if _, ok := reqs[res.Dest]; !ok {
		return
	}
	delete(reqs, res.Dest)
	t.table[nodeIDOf(res.Key)] = &dhtInfo{key: res.Key, recv: time.Now()}
	for _, info := range res.Infos {
		id := nodeIDOf(info.key)
		if id == t.self {
			continue
		}
		if _, known := t.table[id]; !known {
			t.ping(info, nil)
		}
	}
}

// sendReq sends a lookup to dest and remembers it.
func (t *dht) sendReq(req *dhtReq, dest *dhtInfo) {
	t.core.send(dest.addr, req)
	reqsToDest, ok := t.reqs[dest.key]
	if !ok {
		reqsToDest = make(map[NodeID]time.Time)
		t.reqs[dest.key] = reqsToDest
	}
	reqsToDest[req.Dest] = time.Now()
}

// ping asks info about target, or about itself when target is nil.
func (t *dht) ping(info *dhtInfo, target *NodeID) {
	if target == nil {
		id := nodeIDOf(info.key)
		target = &id
	}
	t.sendReq(&dhtReq{Key: t.core.key, Dest: *target}, info)
}

// doMaintenance drops silent nodes and pings the others.
func (t *dht) doMaintenance() {
	now := time.Now()
	// Keep only the lookups sent in the last few seconds, in fresh maps:
	// an answer that has not come by now will not come.
	newReqs := make(map[BoxPubKey]map[NodeID]time.Time, len(t.reqs))
	for key, dests := range t.reqs {
		newDests := make(map[NodeID]time.Time, len(dests))
		for id, sent := range dests {
			if now.Sub(sent) > 6*time.Second {
				continue
			}
			newDests[id] = sent
		}
		if len(newDests) > 0 {
			newReqs[key] = newDests
		}
	}
	t.reqs = newReqs
	for id, info := range t.table {
		if now.Sub(info.recv) > time.Minute || info.pings > 3 {
			delete(t.table, id)
			continue
		}
		if now.Sub(info.recv) > info.throttle {
			t.ping(info, nil)
			info.pings++
			info.throttle = min(info.throttle+time.Second, 30*time.Second)
		}
	}
}
