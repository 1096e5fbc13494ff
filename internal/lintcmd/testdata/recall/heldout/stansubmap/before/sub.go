// Package stan reproduces, in its own words, the subscription leak fixed
// in the NATS Streaming client: https://github.com/nats-io/stan.go/pull/366
// (issue #365, commits 40e60a9 and 3e2002b; before/ is the code before the
// fix, after/ as fixed). A subscription is registered under its fresh
// inbox before the server is asked for it; when the request failed, the
// error returns left it registered for the life of the connection.
package stan

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"sync"
	"time"
)

var ErrConnectionClosed = errors.New("stan: connection closed")

type Msg struct {
	Subject string
	Data    []byte
}

type MsgHandler func(*Msg)

type natsConn interface {
	Subscribe(subject string, cb func(subject string, data []byte)) (func() error, error)
	Request(subject string, data []byte, timeout time.Duration) ([]byte, error)
}

type subscription struct {
	sync.Mutex
	sc          *conn
	subject     string
	inbox       string
	ackInbox    string
	cb          MsgHandler
	unsubscribe func() error
}

// conn is a client connection to the streaming server; applications keep
// it open for their life.
type conn struct {
	sync.RWMutex
	nc          natsConn
	raw         net.Conn
	closed      bool
	subRequests string
	timeout     time.Duration
	subMap      map[string]*subscription
}

func newInbox() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "_INBOX." + hex.EncodeToString(b)
}

func (sc *conn) processMsg(subject string, data []byte) {
	sc.RLock()
	sub := sc.subMap[subject]
	sc.RUnlock()
	if sub != nil {
		sub.cb(&Msg{Subject: subject, Data: data})
	}
}

// Subscribe subscribes cb to subject.
func (sc *conn) Subscribe(subject string, cb MsgHandler) (*subscription, error) {
	sub := &subscription{sc: sc, subject: subject, inbox: newInbox(), cb: cb}
	sc.Lock()
	if sc.closed {
		sc.Unlock()
		return nil, ErrConnectionClosed
	}
	sc.subMap[sub.inbox] = sub // want growonly "."
	sc.Unlock()

	sub.Lock()
	defer sub.Unlock()
	unsub, err := sc.nc.Subscribe(sub.inbox, sc.processMsg)
	if err != nil {
		return nil, err
	}
	sub.unsubscribe = unsub
	reply, err := sc.nc.Request(sc.subRequests, []byte(subject+" "+sub.inbox), sc.timeout)
	if err != nil {
		sub.unsubscribe()
		return nil, err
	}
	if len(reply) == 0 {
		sub.unsubscribe()
		return nil, errors.New("stan: empty subscription response")
	}
	sub.ackInbox = string(reply)
	return sub, nil
}

// Unsubscribe removes the subscription.
func (sub *subscription) Unsubscribe() error {
	sub.Lock()
	sc := sub.sc
	err := sub.unsubscribe()
	sub.Unlock()
	sc.Lock()
	defer sc.Unlock()
	if sc.closed {
		return ErrConnectionClosed
	}
	delete(sc.subMap, sub.inbox)
	return err
}
