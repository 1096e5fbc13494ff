// Package pubsub reproduces, in its own words, the subscriber leak fixed
// in go-pubsub: https://github.com/alash3al/go-pubsub/pull/8 (issue #6,
// commit e3f4aefaec7d61a6638523cf040d40c15e76279b; before/ is the code
// before the fix, after/ as fixed). Every attached subscriber is kept in
// the broker under a random ID; detaching it removed it from its topics
// but not from the broker.
package pubsub

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// Subscribers maps subscriber IDs to subscribers.
type Subscribers map[string]*Subscriber

type Subscriber struct {
	id     string
	ch     chan any
	mu     sync.RWMutex
	topics map[string]bool
}

func (s *Subscriber) Topics() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ts []string
	for t := range s.topics {
		ts = append(ts, t)
	}
	return ts
}

func (s *Subscriber) close() { close(s.ch) }

// Broker lives as long as the program that routes messages through it.
type Broker struct {
	subscribers Subscribers
	slock       sync.RWMutex
	topics      map[string]Subscribers
	tlock       sync.RWMutex
}

func NewBroker() *Broker {
	return &Broker{subscribers: Subscribers{}, topics: map[string]Subscribers{}}
}

// Attach makes a new subscriber and registers it with the broker.
func (b *Broker) Attach() (*Subscriber, error) {
	b.slock.Lock()
	defer b.slock.Unlock()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := &Subscriber{id: hex.EncodeToString(raw), ch: make(chan any), topics: map[string]bool{}}
	b.subscribers[s.id] = s
	return s, nil
}

// Subscribe adds s to the topics.
func (b *Broker) Subscribe(s *Subscriber, topics ...string) {
	b.tlock.Lock()
	defer b.tlock.Unlock()
	for _, t := range topics {
		if b.topics[t] == nil {
			b.topics[t] = Subscribers{}
		}
		s.topics[t] = true
		b.topics[t][s.id] = s
	}
}

// Unsubscribe removes s from the topics.
func (b *Broker) Unsubscribe(s *Subscriber, topics ...string) {
	b.tlock.Lock()
	defer b.tlock.Unlock()
	for _, t := range topics {
		if b.topics[t] == nil {
			continue
		}
		delete(b.topics[t], s.id)
		delete(s.topics, t)
	}
}

// Detach removes s from the broker.
func (b *Broker) Detach(s *Subscriber) {
	b.slock.Lock()
	defer b.slock.Unlock()
	s.close()
	b.Unsubscribe(s, s.Topics()...)
	delete(b.subscribers, s.id)
}

// Broadcast sends payload to the subscribers of the topics.
func (b *Broker) Broadcast(payload any, topics ...string) {
	b.tlock.RLock()
	defer b.tlock.RUnlock()
	for _, t := range topics {
		for _, s := range b.topics[t] {
			go func(s *Subscriber) { s.ch <- payload }(s)
		}
	}
}
