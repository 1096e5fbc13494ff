// Package pubsub reproduces, in its own words, the topic state leak fixed
// in go-libp2p-pubsub: https://github.com/libp2p/go-libp2p-pubsub/pull/708
// (issue #705, commit 645aa27f14a97789b43fe9df4abab73d2978a5f1; before/ is
// the code before the fix, after/ as fixed). Remote peers announce the
// topics they subscribe to; the router keeps, per topic ID, the set of
// peers in it. A peer's unsubscribe or disconnect removed it from the set
// but left the emptied set, so any topic ID a peer ever named stayed.
package pubsub

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
)

type PeerID string

type SubOpt struct {
	Subscribe bool   `json:"subscribe"`
	TopicID   string `json:"topic"`
}

type RPC struct {
	From          PeerID   `json:"-"`
	Subscriptions []SubOpt `json:"subs"`
}

type peerTopicState struct {
	requestsPartial bool
}

type PeerEvent struct {
	Join  bool
	Peer  PeerID
	Topic string
}

// PubSub is the router of one host; its state is owned by processLoop.
type PubSub struct {
	topics   map[string]map[PeerID]peerTopicState
	myTopics map[string]chan PeerEvent
	incoming chan *RPC
	newPeers chan net.Conn
	deadPeer chan PeerID
}

func NewPubSub() *PubSub {
	p := &PubSub{
		topics:   make(map[string]map[PeerID]peerTopicState),
		myTopics: make(map[string]chan PeerEvent),
		incoming: make(chan *RPC, 32),
		newPeers: make(chan net.Conn),
		deadPeer: make(chan PeerID),
	}
	go p.processLoop()
	return p
}

// AddPeer starts reading RPCs from a new peer's stream.
func (p *PubSub) AddPeer(id PeerID, s net.Conn) {
	go p.readStream(id, s)
}

func (p *PubSub) readStream(id PeerID, r io.ReadCloser) {
	defer r.Close()
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		rpc := new(RPC)
		if err := dec.Decode(rpc); err != nil {
			p.deadPeer <- id
			return
		}
		rpc.From = id
		p.incoming <- rpc
	}
}

func (p *PubSub) processLoop() {
	for {
		select {
		case rpc := <-p.incoming:
			p.handleIncomingRPC(rpc)
		case pid := <-p.deadPeer:
			p.clearPeerFromTopicsState(pid)
		}
	}
}

func (p *PubSub) notifyLeave(topic string, pid PeerID) {
	if ch, ok := p.myTopics[topic]; ok {
		ch <- PeerEvent{Join: false, Peer: pid, Topic: topic}
	}
}

func (p *PubSub) clearPeerFromTopicsState(pid PeerID) {
	for t, tmap := range p.topics {
		if _, ok := tmap[pid]; ok {
			delete(tmap, pid)
			if len(tmap) == 0 {
				delete(p.topics, t)
			}
			p.notifyLeave(t, pid)
		}
	}
}

func (p *PubSub) handleIncomingRPC(rpc *RPC) {
	for _, sub := range rpc.Subscriptions {
		t := sub.TopicID
		if sub.Subscribe {
			tmap, ok := p.topics[t]
			if !ok {
				tmap = make(map[PeerID]peerTopicState)
				p.topics[t] = tmap
			}
			_, seen := tmap[rpc.From]
			tmap[rpc.From] = peerTopicState{}
			if ch, mine := p.myTopics[t]; mine && !seen {
				ch <- PeerEvent{Join: true, Peer: rpc.From, Topic: t}
			}
		} else {
			tmap, ok := p.topics[t]
			if !ok {
				continue
			}
			if _, ok := tmap[rpc.From]; ok {
				delete(tmap, rpc.From)
				if len(tmap) == 0 {
					delete(p.topics, t)
				}
				p.notifyLeave(t, rpc.From)
			}
		}
	}
}
