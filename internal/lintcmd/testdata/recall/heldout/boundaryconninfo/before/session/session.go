// Package session reproduces, in its own words, the worker's connection
// table fixed in Boundary: https://github.com/hashicorp/boundary/pull/6626
// (commit 963ea30274e1d8c05cf427627633df3d777401d1; before/ is the code
// before the fix, after/ as fixed). A worker proxies many short
// connections for one long-lived session; each connection the controller
// authorizes is recorded under the ID the controller hands out, and when
// the controller confirmed it closed the entry was only stamped with a
// close time, so the table held every connection the session ever
// carried until the session itself ended.
package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

type ConnStatus int

const (
	StatusAuthorized ConnStatus = iota + 1
	StatusConnected
	StatusClosed
)

// Controller is the part of the controller's API a worker calls.
type Controller interface {
	AuthorizeConnection(ctx context.Context, sessionID, workerID string) (connID string, st ConnStatus, left int32, err error)
	CloseConnections(ctx context.Context, connIDs []string) (map[string]ConnStatus, error)
}

// ConnInfo is the worker's view of one proxied connection.
type ConnInfo struct {
	ID        string
	Status    ConnStatus
	BytesUp   func() int64
	BytesDown func() int64
	// CloseTime is when the controller confirmed the connection closed.
	CloseTime time.Time

	cancel context.CancelFunc
}

// Session is one session the worker proxies for.
type Session struct {
	id     string
	client Controller

	mu       sync.RWMutex
	connInfo map[string]*ConnInfo
	expires  time.Time
}

func newSession(id string, client Controller, expires time.Time) *Session {
	return &Session{id: id, client: client, connInfo: make(map[string]*ConnInfo), expires: expires}
}

func (s *Session) ID() string { return s.id }

// RequestAuthorizeConnection asks the controller for a new connection on
// the session; cancel stops the local proxy of that connection.
func (s *Session) RequestAuthorizeConnection(ctx context.Context, workerID string, cancel context.CancelFunc) (string, int32, error) {
	if cancel == nil {
		return "", 0, errors.New("nil cancel func")
	}
	id, st, left, err := s.client.AuthorizeConnection(ctx, s.id, workerID)
	if err != nil {
		return "", 0, fmt.Errorf("authorizing connection: %w", err)
	}
	ci := &ConnInfo{ID: id, Status: st, cancel: cancel}
	ci.BytesUp = func() int64 { return 0 }
	ci.BytesDown = func() int64 { return 0 }

	s.mu.Lock()
	defer s.mu.Unlock()
	s.connInfo[ci.ID] = ci // want growonly "."
	return id, left, nil
}

// ApplyConnectionCounters installs the byte counters of a connection once
// its proxy runs.
func (s *Session) ApplyConnectionCounters(connID string, up, down func() int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci, ok := s.connInfo[connID]
	if !ok {
		return fmt.Errorf("no connection %q", connID)
	}
	ci.BytesUp, ci.BytesDown = up, down
	return nil
}

// ApplyLocalConnectionStatus records the status the controller reported.
func (s *Session) ApplyLocalConnectionStatus(connID string, st ConnStatus) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci, ok := s.connInfo[connID]
	if !ok {
		return fmt.Errorf("no connection %q in session %q", connID, s.id)
	}
	ci.Status = st
	if st == StatusClosed {
		ci.CloseTime = time.Now()
	}
	return nil
}

// LocalConnections returns a copy of the connection table.
func (s *Session) LocalConnections() map[string]ConnInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]ConnInfo, len(s.connInfo))
	for k, v := range s.connInfo {
		out[k] = ConnInfo{ID: v.ID, Status: v.Status, BytesUp: v.BytesUp, BytesDown: v.BytesDown, CloseTime: v.CloseTime}
	}
	return out
}

// CancelAllLocalConnections stops every local proxy of the session and
// returns the connections the controller has not yet confirmed closed.
func (s *Session) CancelAllLocalConnections() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []string
	for k, v := range s.connInfo {
		v.cancel()
		if v.CloseTime.IsZero() {
			ids = append(ids, k)
		}
	}
	return ids
}

// Manager holds the sessions the worker knows.
type Manager struct {
	client Controller

	mu       sync.Mutex
	sessions map[string]*Session
}

func NewManager(client Controller) *Manager {
	return &Manager{client: client, sessions: make(map[string]*Session)}
}

// LoadOrCreate returns the session with the given ID.
func (m *Manager) LoadOrCreate(id string, expires time.Time) *Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[id]; ok {
		return s
	}
	s := newSession(id, m.client, expires)
	m.sessions[id] = s
	return s
}

func (m *Manager) Get(id string) *Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sessions[id]
}

// RemoveExpired drops the sessions whose time is up, after cancelling
// their connections.
func (m *Manager) RemoveExpired(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, s := range m.sessions {
		if now.After(s.expires) {
			s.CancelAllLocalConnections()
			delete(m.sessions, id)
		}
	}
}

// CloseConnections tells the controller that the given connections
// (connection ID to session ID) ended, and applies the statuses it
// returns; if the controller cannot be reached the connections are taken
// as closed on the worker alone.
func CloseConnections(ctx context.Context, client Controller, m *Manager, closed map[string]string) error {
	ids := make([]string, 0, len(closed))
	for id := range closed {
		ids = append(ids, id)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	statuses, err := client.CloseConnections(ctx, ids)
	if err != nil {
		statuses = make(map[string]ConnStatus, len(ids))
		for _, id := range ids {
			statuses[id] = StatusClosed
		}
	}
	var errs []error
	for connID, st := range statuses {
		s := m.Get(closed[connID])
		if s == nil {
			errs = append(errs, fmt.Errorf("session %q of connection %q is gone", closed[connID], connID))
			continue
		}
		if err := s.ApplyLocalConnectionStatus(connID, st); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
