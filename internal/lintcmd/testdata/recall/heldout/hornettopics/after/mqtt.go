// Package mqtt reproduces, in its own words, the topic-count leak fixed in
// the Hornet node's MQTT broker: https://github.com/iotaledger/hornet/pull/1246
// (commit 808bd0bcb87b682ef5ab9096d8021ac315622b4c; before/ is the code
// before the fix, after/ as fixed). Subscribed topics (many named after
// message or block IDs) are counted per topic; the last unsubscribe left
// the topic at zero instead of deleting it (an off-by-one), and the fix
// also re-makes the map after many deletes to give its tables back.
package mqtt

import (
	"net"
	"sync"
)

type OnSubscribeHandler func(topic []byte)
type OnUnsubscribeHandler func(topic []byte)

// topicManager counts the subscribers of each topic.
type topicManager struct {
	subscribedTopics        map[string]int
	subscribedTopicsLock    sync.RWMutex
	subscribedTopicsDeleted int
	cleanupThreshold        int

	onSubscribe   OnSubscribeHandler
	onUnsubscribe OnUnsubscribeHandler
}

func newTopicManager(onSubscribe OnSubscribeHandler, onUnsubscribe OnUnsubscribeHandler, cleanupThreshold int) *topicManager {
	return &topicManager{subscribedTopics: make(map[string]int), onSubscribe: onSubscribe, onUnsubscribe: onUnsubscribe, cleanupThreshold: cleanupThreshold}
}

// cleanupWithoutLocking re-makes the map so that the tables of its peak
// can be collected.
func (t *topicManager) cleanupWithoutLocking() {
	topics := make(map[string]int, len(t.subscribedTopics))
	for name, count := range t.subscribedTopics {
		topics[name] = count
	}
	t.subscribedTopics = topics
	t.subscribedTopicsDeleted = 0
}

func (t *topicManager) deleteTopic(name string) {
	delete(t.subscribedTopics, name)
	t.subscribedTopicsDeleted++
	if t.cleanupThreshold != 0 && t.subscribedTopicsDeleted >= t.cleanupThreshold {
		t.cleanupWithoutLocking()
	}
}

func (t *topicManager) Subscribe(topic []byte) {
	t.subscribedTopicsLock.Lock()
	defer t.subscribedTopicsLock.Unlock()
	name := string(topic)
	count, has := t.subscribedTopics[name]
	if has {
		t.subscribedTopics[name] = count + 1
	} else {
		t.subscribedTopics[name] = 1
	}
	t.onSubscribe(topic)
}

func (t *topicManager) Unsubscribe(topic []byte) {
	t.subscribedTopicsLock.Lock()
	defer t.subscribedTopicsLock.Unlock()
	name := string(topic)
	if count, has := t.subscribedTopics[name]; has {
		if count <= 1 {
			t.deleteTopic(name)
		} else {
			t.subscribedTopics[name] = count - 1
		}
	}
	t.onUnsubscribe(topic)
}

func (t *topicManager) hasSubscribers(name string) bool {
	t.subscribedTopicsLock.RLock()
	defer t.subscribedTopicsLock.RUnlock()
	count, has := t.subscribedTopics[name]
	return has && count > 0
}

// Broker is the node's MQTT broker, serving clients for the node's life.
type Broker struct {
	listener     net.Listener
	topicManager *topicManager
}

func NewBroker(addr string, onSubscribe OnSubscribeHandler, onUnsubscribe OnUnsubscribeHandler, cleanupThreshold int) (*Broker, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Broker{listener: l, topicManager: newTopicManager(onSubscribe, onUnsubscribe, cleanupThreshold)}, nil
}

// Serve reads one subscribe or unsubscribe line per packet from each client.
func (b *Broker) Serve() error {
	for {
		c, err := b.listener.Accept()
		if err != nil {
			return err
		}
		go b.serveConn(c)
	}
}

func (b *Broker) serveConn(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if err != nil || n < 2 {
			return
		}
		topic := append([]byte(nil), buf[1:n]...)
		switch buf[0] {
		case 'S':
			b.topicManager.Subscribe(topic)
		case 'U':
			b.topicManager.Unsubscribe(topic)
		}
	}
}

func (b *Broker) HasSubscribers(topic string) bool { return b.topicManager.hasSubscribers(topic) }
