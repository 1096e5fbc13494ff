// Package mcp reproduces, in its own words, the streamable HTTP handler
// of the Model Context Protocol Go SDK as it was before commit
// fb69971650c79df831a27703a1c05f4a0743de9a ("mcp: cleanup transport after
// keepalive ping fails", modelcontextprotocol/go-sdk, fixing issue #258:
// https://github.com/modelcontextprotocol/go-sdk/issues/258; before/ is
// the code before the change, after/ as changed). The handler keeps one
// transport per session, keyed by the random session ID it issues in the
// Mcp-Session-Id header. Only a client's DELETE request removed it; a
// session closed because its keepalive pings failed (a client that went
// away without a DELETE) stayed in the map for the life of the handler.
// The fix hands the session a close callback that deletes its transport.
package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Request is a JSON-RPC request from the client.
type Request struct {
	ID     int64           `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params,omitempty"`
}

// Response answers a Request.
type Response struct {
	ID     int64  `json:"id"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// A Handler serves one method.
type Handler func(ctx context.Context, params json.RawMessage) (any, error)

// Server holds the methods sessions may call.
type Server struct {
	mu       sync.Mutex
	methods  map[string]Handler
	sessions []*ServerSession

	// KeepAlive is the interval of the pings each session sends; 0 sends
	// none.
	KeepAlive time.Duration
}

// NewServer returns a server answering ping only.
func NewServer() *Server {
	s := &Server{methods: map[string]Handler{}}
	s.AddMethod("ping", func(context.Context, json.RawMessage) (any, error) { return struct{}{}, nil })
	return s
}

// AddMethod registers h under name.
func (s *Server) AddMethod(name string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.methods[name] = h
}

// A Connection carries a session's messages.
type Connection interface {
	// Ping asks the client for a sign of life.
	Ping(ctx context.Context) error
	Close() error
}

// ServerSession is one client's session with the server.
type ServerSession struct {
	server  *Server
	conn    Connection
	once    sync.Once
	cancel  context.CancelFunc
	onClose func()
}

// Connect starts a session over conn; onClose, if not nil, runs when the
// session closes, whoever closes it.
func (s *Server) Connect(ctx context.Context, conn Connection, onClose func()) *ServerSession {
	ss := &ServerSession{server: s, conn: conn, onClose: onClose}
	s.mu.Lock()
	s.sessions = append(s.sessions, ss)
	s.mu.Unlock()
	if s.KeepAlive > 0 {
		kctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		ss.cancel = cancel
		go ss.keepalive(kctx, s.KeepAlive)
	}
	return ss
}

// keepalive closes the session when a ping fails.
func (ss *ServerSession) keepalive(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, every/2)
			err := ss.conn.Ping(pctx)
			cancel()
			if err != nil {
				ss.Close()
				return
			}
		}
	}
}

// Handle runs one request of the session.
func (ss *ServerSession) Handle(ctx context.Context, req *Request) *Response {
	ss.server.mu.Lock()
	h := ss.server.methods[req.Method]
	ss.server.mu.Unlock()
	if h == nil {
		return &Response{ID: req.ID, Error: "method not found"}
	}
	res, err := h(ctx, req.Params)
	if err != nil {
		return &Response{ID: req.ID, Error: err.Error()}
	}
	return &Response{ID: req.ID, Result: res}
}

// Close ends the session.
func (ss *ServerSession) Close() error {
	err := errors.New("session already closed")
	ss.once.Do(func() {
		if ss.cancel != nil {
			ss.cancel()
		}
		err = ss.conn.Close()
		s := ss.server
		s.mu.Lock()
		for i, x := range s.sessions {
			if x == ss {
				s.sessions = append(s.sessions[:i], s.sessions[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		if ss.onClose != nil {
			ss.onClose()
		}
	})
	return err
}
