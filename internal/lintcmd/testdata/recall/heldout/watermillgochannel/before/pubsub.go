// Package gochannel reproduces, in its own words, the topic leak fixed in
// Watermill's Go channel Pub/Sub:
// https://github.com/ThreeDotsLabs/watermill/pull/561 (issue #391, commit
// 1b6ae5cca453c281bc87df9c7250d4346c9cfe6f; before/ is the code before the
// fix, after/ as fixed; the persistent mode is left out). Subscribers are
// kept per topic, with a lock per topic; the last subscriber of a topic
// left an empty slice and its lock behind, so topics named after request
// IDs grew both maps for good.
package gochannel

import (
	"context"
	"errors"
	"sync"
)

type Message struct {
	UUID    string
	Payload []byte
}

type subscriber struct {
	ctx    context.Context
	out    chan *Message
	closed chan struct{}
}

func (s *subscriber) send(m *Message) {
	select {
	case s.out <- m:
	case <-s.ctx.Done():
	case <-s.closed:
	}
}

// GoChannel is an in-process Pub/Sub, kept for the program's life.
type GoChannel struct {
	subscribersWg          sync.WaitGroup
	subscribers            map[string][]*subscriber
	subscribersLock        sync.RWMutex
	subscribersByTopicLock sync.Map // topic -> *sync.Mutex

	closed     bool
	closedLock sync.Mutex
	closing    chan struct{}
}

func NewGoChannel() *GoChannel {
	return &GoChannel{subscribers: make(map[string][]*subscriber), closing: make(chan struct{})}
}

func (g *GoChannel) isClosed() bool {
	g.closedLock.Lock()
	defer g.closedLock.Unlock()
	return g.closed
}

// Publish sends the messages to the topic's current subscribers.
func (g *GoChannel) Publish(topic string, msgs ...*Message) error {
	if g.isClosed() {
		return errors.New("pub/sub closed")
	}
	g.subscribersLock.RLock()
	defer g.subscribersLock.RUnlock()
	l, _ := g.subscribersByTopicLock.LoadOrStore(topic, &sync.Mutex{}) // want growonly "."
	l.(*sync.Mutex).Lock()
	defer l.(*sync.Mutex).Unlock()
	for _, m := range msgs {
		for _, s := range g.subscribers[topic] {
			go s.send(m)
		}
	}
	return nil
}

// Subscribe returns the messages of topic until ctx is done.
func (g *GoChannel) Subscribe(ctx context.Context, topic string) (<-chan *Message, error) {
	g.closedLock.Lock()
	if g.closed {
		g.closedLock.Unlock()
		return nil, errors.New("pub/sub closed")
	}
	g.subscribersWg.Add(1)
	g.closedLock.Unlock()

	g.subscribersLock.Lock()
	defer g.subscribersLock.Unlock()
	l, _ := g.subscribersByTopicLock.LoadOrStore(topic, &sync.Mutex{})
	l.(*sync.Mutex).Lock()
	defer l.(*sync.Mutex).Unlock()

	s := &subscriber{ctx: ctx, out: make(chan *Message), closed: make(chan struct{})}
	go func() {
		select {
		case <-ctx.Done():
		case <-g.closing:
		}
		close(s.closed)
		g.subscribersLock.Lock()
		defer g.subscribersLock.Unlock()
		l, _ := g.subscribersByTopicLock.Load(topic)
		l.(*sync.Mutex).Lock()
		defer l.(*sync.Mutex).Unlock()
		g.removeSubscriber(topic, s)
		g.subscribersWg.Done()
	}()
	g.addSubscriber(topic, s)
	return s.out, nil
}

func (g *GoChannel) addSubscriber(topic string, s *subscriber) {
	if _, ok := g.subscribers[topic]; !ok {
		g.subscribers[topic] = make([]*subscriber, 0) // want growonly "."
	}
	g.subscribers[topic] = append(g.subscribers[topic], s)
}

func (g *GoChannel) removeSubscriber(topic string, toRemove *subscriber) {
	subs := g.subscribers[topic]
	for i, s := range subs {
		if s == toRemove {
			g.subscribers[topic] = append(subs[:i], subs[i+1:]...)
			return
		}
	}
	panic("cannot remove subscriber: not found")
}

// Close stops every subscriber.
func (g *GoChannel) Close() error {
	g.closedLock.Lock()
	if g.closed {
		g.closedLock.Unlock()
		return nil
	}
	g.closed = true
	close(g.closing)
	g.closedLock.Unlock()
	g.subscribersWg.Wait()
	return nil
}
