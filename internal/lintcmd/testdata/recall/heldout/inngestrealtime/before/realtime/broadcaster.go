// Package realtime reproduces, in its own words, the subscription leak of
// Inngest's realtime API fixed in https://github.com/inngest/inngest/pull/4309
// (commit 80fbddfb808d759dd61f929a14ffffa9a4928c7e; before/ is the code
// before the fix, after/ as fixed). The broadcaster keeps every open
// subscription by its generated ID, and per topic the subscriptions that
// listen to it. The server-sent-events handler closed its subscription
// when the client went away; the websocket handler never did, and
// CloseSubscription gave up before deleting anything when closing the
// subscription's connection failed, which it does after an abrupt
// disconnect. Every websocket connection therefore left its subscription
// (and, through it, the connection) in both maps for the life of the
// server. The fix closes the subscription when the websocket's poll loop
// ends and deletes the entries even when the close fails.
package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"
)

var ErrBroadcasterClosed = errors.New("broadcaster closed")

// Message is published to every subscription of its topic.
type Message struct {
	Topic string `json:"topic"`
	Data  string `json:"data"`
}

// Subscription is one client connection.
type Subscription interface {
	ID() string
	Protocol() string
	WriteMessage(Message) error
	SendKeepalive() error
	Close() error
}

func NewSubscriptionID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type activesub struct {
	Subscription
	Topics map[string]struct{}
}

type topicsub struct {
	subscriptions map[string]Subscription
	refCount      int
}

// Broadcaster fans published messages out to subscriptions.
type Broadcaster struct {
	l       sync.RWMutex
	closing bool
	// subs holds every active subscription by ID.
	subs map[string]*activesub
	// topics holds, per topic, the subscriptions listening to it.
	topics map[string]topicsub

	keepalive time.Duration
}

func NewBroadcaster(keepalive time.Duration) *Broadcaster {
	return &Broadcaster{subs: map[string]*activesub{}, topics: map[string]topicsub{}, keepalive: keepalive}
}

// Subscribe adds s to topics.
func (b *Broadcaster) Subscribe(ctx context.Context, s Subscription, topics []string) error {
	if len(topics) == 0 {
		return nil
	}
	b.l.Lock()
	defer b.l.Unlock()
	if b.closing {
		return ErrBroadcasterClosed
	}
	for _, t := range topics {
		ts, ok := b.topics[t]
		if !ok {
			ts = topicsub{subscriptions: map[string]Subscription{}}
		}
		var seen bool
		if as, ok := b.subs[s.ID()]; ok {
			_, seen = as.Topics[t]
		}
		if !seen {
			ts.subscriptions[s.ID()] = s
			ts.refCount++
			b.topics[t] = ts // want growonly "."
		}
	}
	if as, ok := b.subs[s.ID()]; ok {
		for _, t := range topics {
			as.Topics[t] = struct{}{}
		}
	} else {
		as = &activesub{Subscription: s, Topics: map[string]struct{}{}}
		for _, t := range topics {
			as.Topics[t] = struct{}{}
		}
		b.subs[s.ID()] = as // want growonly "."
		go b.keepaliveLoop(ctx, s.ID())
	}
	return nil
}

// Unsubscribe removes the subscription from some of its topics.
func (b *Broadcaster) Unsubscribe(ctx context.Context, subID string, topics []string) error {
	b.l.Lock()
	defer b.l.Unlock()
	as, ok := b.subs[subID]
	if !ok {
		return nil
	}
	for _, t := range topics {
		if _, ok := as.Topics[t]; !ok {
			continue
		}
		delete(as.Topics, t)
		b.leaveTopic(t, subID)
	}
	return nil
}

// leaveTopic takes subID out of topic t; the caller holds b.l.
func (b *Broadcaster) leaveTopic(t, subID string) {
	ts, ok := b.topics[t]
	if !ok {
		return
	}
	delete(ts.subscriptions, subID)
	ts.refCount--
	if ts.refCount == 0 {
		delete(b.topics, t)
	} else {
		b.topics[t] = ts
	}
}

// CloseSubscription closes a subscription and forgets it.
func (b *Broadcaster) CloseSubscription(ctx context.Context, subID string) error {
	b.l.Lock()
	defer b.l.Unlock()
	as, ok := b.subs[subID]
	if !ok {
		return nil
	}
	if err := as.Close(); err != nil {
		return fmt.Errorf("error closing subscription: %w", err)
	}
	for t := range as.Topics {
		b.leaveTopic(t, subID)
	}
	delete(b.subs, subID)
	return nil
}

// Publish sends m to every subscription of its topic.
func (b *Broadcaster) Publish(ctx context.Context, m Message) {
	b.l.RLock()
	ts, ok := b.topics[m.Topic]
	var targets []Subscription
	if ok {
		for _, s := range ts.subscriptions {
			targets = append(targets, s)
		}
	}
	b.l.RUnlock()
	for _, s := range targets {
		if err := s.WriteMessage(m); err != nil {
			log.Printf("publishing to %s: %v", s.ID(), err)
		}
	}
}

func (b *Broadcaster) keepaliveLoop(ctx context.Context, subID string) {
	t := time.NewTicker(b.keepalive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		b.l.RLock()
		as, ok := b.subs[subID]
		b.l.RUnlock()
		if !ok {
			return
		}
		if err := as.SendKeepalive(); err != nil {
			log.Printf("keepalive to %s: %v", subID, err)
		}
	}
}

// Close stops the broadcaster and closes every subscription.
func (b *Broadcaster) Close() {
	b.l.Lock()
	defer b.l.Unlock()
	b.closing = true
	for _, as := range b.subs {
		as.Close()
	}
}
