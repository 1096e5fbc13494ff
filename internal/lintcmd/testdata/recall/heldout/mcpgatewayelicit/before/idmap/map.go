// Package idmap maps the elicitation IDs the gateway hands to clients to
// the backend's own (see package mcprouter).
package idmap

import "context"

// Entry is what a gateway ID stands for.
type Entry struct {
	BackendID        any
	ServerName       string
	SessionID        string
	GatewaySessionID string
}

// Map stores entries under IDs it generates.
type Map interface {
	Store(ctx context.Context, backendID any, serverName, sessionID, gatewaySessionID string) (string, error)
	Lookup(ctx context.Context, gatewayID string) (Entry, bool, error)
	Remove(ctx context.Context, gatewayID string)
}

// New returns the in-memory map (the gateway also has a Redis one, with a
// TTL as a safety net).
func New() Map { return newInMemoryMap() }
