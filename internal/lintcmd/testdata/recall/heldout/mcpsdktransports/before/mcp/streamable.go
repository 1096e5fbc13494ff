package mcp

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
)

const sessionIDHeader = "Mcp-Session-Id"

// StreamableHTTPHandler is an http.Handler serving streamable MCP
// sessions.
type StreamableHTTPHandler struct {
	getServer func(*http.Request) *Server

	mu         sync.Mutex
	transports map[string]*StreamableServerTransport // by Mcp-Session-Id
}

// NewStreamableHTTPHandler returns a handler that asks getServer for the
// server of each new session.
func NewStreamableHTTPHandler(getServer func(*http.Request) *Server) *StreamableHTTPHandler {
	return &StreamableHTTPHandler{
		getServer:  getServer,
		transports: make(map[string]*StreamableServerTransport),
	}
}

func (h *StreamableHTTPHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	sessionID := req.Header.Get(sessionIDHeader)
	var transport *StreamableServerTransport
	if sessionID != "" {
		h.mu.Lock()
		transport = h.transports[sessionID]
		h.mu.Unlock()
		if transport == nil {
			http.Error(w, "session not found", http.StatusNotFound)
			return
		}
	}

	switch req.Method {
	case http.MethodDelete:
		if transport == nil {
			http.Error(w, "DELETE requires an Mcp-Session-Id header", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		delete(h.transports, transport.SessionID)
		h.mu.Unlock()
		transport.session.Close()
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost, http.MethodGet:
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	if transport == nil {
		if req.Method == http.MethodGet {
			http.Error(w, "GET requires an active session", http.StatusMethodNotAllowed)
			return
		}
		server := h.getServer(req)
		if server == nil {
			http.Error(w, "no server available", http.StatusBadRequest)
			return
		}
		transport = newTransport(rand.Text())
		transport.session = server.Connect(req.Context(), transport)
		h.mu.Lock()
		h.transports[transport.SessionID] = transport // want growonly "."
		h.mu.Unlock()
	}
	transport.ServeHTTP(w, req)
}

// StreamableServerTransport carries one session's messages: requests come
// in POST bodies, and pings go out on the client's hanging GET.
type StreamableServerTransport struct {
	SessionID string
	session   *ServerSession

	pings  chan chan struct{}
	closed chan struct{}
	once   sync.Once
}

func newTransport(id string) *StreamableServerTransport {
	return &StreamableServerTransport{
		SessionID: id,
		pings:     make(chan chan struct{}),
		closed:    make(chan struct{}),
	}
}

// ServeHTTP answers a POSTed request, or streams pings on a GET until the
// session or the request ends.
func (t *StreamableServerTransport) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set(sessionIDHeader, t.SessionID)
	if req.Method == http.MethodGet {
		t.streamPings(w, req)
		return
	}
	var r Request
	if err := json.NewDecoder(req.Body).Decode(&r); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(t.session.Handle(req.Context(), &r))
}

func (t *StreamableServerTransport) streamPings(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	f, _ := w.(http.Flusher)
	for {
		select {
		case <-req.Context().Done():
			return
		case <-t.closed:
			return
		case ack := <-t.pings:
			if _, err := w.Write([]byte("event: ping\ndata: {}\n\n")); err != nil {
				return
			}
			if f != nil {
				f.Flush()
			}
			close(ack)
		}
	}
}

// Ping succeeds when a GET stream of the client takes the ping.
func (t *StreamableServerTransport) Ping(ctx context.Context) error {
	ack := make(chan struct{})
	select {
	case t.pings <- ack:
	case <-t.closed:
		return errors.New("transport closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close ends the transport's streams.
func (t *StreamableServerTransport) Close() error {
	t.once.Do(func() { close(t.closed) })
	return nil
}
