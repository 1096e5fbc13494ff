// Package server reproduces, in its own words, the session-tools leak
// fixed in mcp-go: https://github.com/mark3labs/mcp-go/pull/365 (commit
// cf6a2e92d3673c9cb3be1e2b075208e73deb0727; before/ is the code before
// the fix, after/ as fixed). Ending a session stored nil under its ID
// instead of deleting the key.
package server

import (
	"net/http"
	"sync"
)

type ServerTool struct{ Name string }

type sessionToolsStore struct {
	mu    sync.RWMutex
	tools map[string]map[string]ServerTool
}

func newSessionToolsStore() *sessionToolsStore {
	return &sessionToolsStore{tools: make(map[string]map[string]ServerTool)}
}

func (s *sessionToolsStore) get(id string) map[string]ServerTool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tools[id]
}

func (s *sessionToolsStore) set(id string, tools map[string]ServerTool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tools[id] = tools // want growonly "map field sessionToolsStore.tools only grows"
}

// StreamableHTTPServer serves MCP over HTTP.
type StreamableHTTPServer struct {
	sessionTools *sessionToolsStore
}

func NewStreamableHTTPServer() *StreamableHTTPServer {
	return &StreamableHTTPServer{sessionTools: newSessionToolsStore()}
}

func (s *StreamableHTTPServer) handlePost(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("Mcp-Session-Id")
	if s.sessionTools.get(id) == nil {
		s.sessionTools.set(id, map[string]ServerTool{"echo": {Name: "echo"}})
	}
}

func (s *StreamableHTTPServer) handleDelete(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("Mcp-Session-Id")
	s.sessionTools.set(id, nil)
}
