// Package msgsender reproduces, in its own words, the message sender that
// the accelerated DHT client of go-libp2p-kad-dht shares with the standard
// one (see package fullrt for the leak and its link). It keeps one sender
// per peer and forgets a peer only when its owner reports the disconnect.
package msgsender

import (
	"context"
	"errors"
	"net"
	"sync"
)

type PeerID string

// MessageSenderWithDisconnect is what a DHT client holds.
type MessageSenderWithDisconnect interface {
	SendMessage(ctx context.Context, p PeerID, msg []byte) error
	OnDisconnect(ctx context.Context, p PeerID)
}

type peerSender struct {
	mu      sync.Mutex
	p       PeerID
	conn    net.Conn
	invalid bool
}

func (ps *peerSender) prep(ctx context.Context, dial func(context.Context, PeerID) (net.Conn, error)) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.invalid {
		return errors.New("sender invalidated")
	}
	if ps.conn != nil {
		return nil
	}
	c, err := dial(ctx, ps.p)
	if err != nil {
		ps.invalid = true
		return err
	}
	ps.conn = c
	return nil
}

type senderImpl struct {
	mu     sync.Mutex
	strmap map[PeerID]*peerSender
	dial   func(context.Context, PeerID) (net.Conn, error)
}

// New makes the message sender of one DHT client.
func New(dial func(context.Context, PeerID) (net.Conn, error)) MessageSenderWithDisconnect {
	return &senderImpl{strmap: make(map[PeerID]*peerSender), dial: dial}
}

// OnDisconnect forgets the peer's sender.
func (m *senderImpl) OnDisconnect(ctx context.Context, p PeerID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ps, ok := m.strmap[p]
	if !ok {
		return
	}
	delete(m.strmap, p)
	go func() {
		ps.mu.Lock()
		defer ps.mu.Unlock()
		ps.invalid = true
		if ps.conn != nil {
			ps.conn.Close()
		}
	}()
}

func (m *senderImpl) senderFor(ctx context.Context, p PeerID) (*peerSender, error) {
	m.mu.Lock()
	ps, ok := m.strmap[p]
	if ok {
		m.mu.Unlock()
		return ps, nil
	}
	ps = &peerSender{p: p}
	m.strmap[p] = ps
	m.mu.Unlock()

	if err := ps.prep(ctx, m.dial); err != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if cur, ok := m.strmap[p]; ok {
			if cur != ps {
				return cur, nil
			}
			delete(m.strmap, p)
		}
		return nil, err
	}
	return ps, nil
}

// SendMessage sends msg to p over the peer's stream.
func (m *senderImpl) SendMessage(ctx context.Context, p PeerID, msg []byte) error {
	ps, err := m.senderFor(ctx, p)
	if err != nil {
		return err
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	_, err = ps.conn.Write(msg)
	return err
}
