package idmap

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
)

type inMemoryMap struct {
	mu      sync.Mutex
	entries map[string]Entry
}

func newInMemoryMap() *inMemoryMap {
	return &inMemoryMap{entries: make(map[string]Entry)}
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (m *inMemoryMap) Store(_ context.Context, backendID any, serverName, sessionID, gatewaySessionID string) (string, error) {
	id := newID()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[id] = Entry{
		BackendID:        backendID,
		ServerName:       serverName,
		SessionID:        sessionID,
		GatewaySessionID: gatewaySessionID,
	}
	return id, nil
}

func (m *inMemoryMap) Lookup(_ context.Context, gatewayID string) (Entry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[gatewayID]
	return e, ok, nil
}

func (m *inMemoryMap) Remove(_ context.Context, gatewayID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, gatewayID)
}
