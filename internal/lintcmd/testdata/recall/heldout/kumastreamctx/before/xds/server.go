// Package xds is a small delta discovery server that reports the life of
// each stream to callbacks, as go-control-plane's does (see package
// kds/server of kumastreamctx).
package xds

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync/atomic"

	"recall/heldout/kumastreamctx/before/multitenant"
)

// Node identifies the client of a stream.
type Node struct {
	ID       string            `json:"id"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// DeltaDiscoveryRequest is one request of a delta stream.
type DeltaDiscoveryRequest struct {
	Node                   *Node    `json:"node"`
	TypeURL                string   `json:"type_url"`
	ResourceNamesSubscribe []string `json:"resource_names_subscribe,omitempty"`
}

// Callbacks hear the events of every stream, by the stream's ID.
type Callbacks interface {
	OnDeltaStreamOpen(ctx context.Context, streamID int64, typeURL string) error
	OnDeltaStreamClosed(streamID int64, node *Node)
	OnStreamDeltaRequest(streamID int64, req *DeltaDiscoveryRequest) error
}

// NoopCallbacks does nothing; embed it to implement only some callbacks.
type NoopCallbacks struct{}

func (NoopCallbacks) OnDeltaStreamOpen(context.Context, int64, string) error { return nil }
func (NoopCallbacks) OnDeltaStreamClosed(int64, *Node)                       {}
func (NoopCallbacks) OnStreamDeltaRequest(int64, *DeltaDiscoveryRequest) error {
	return nil
}

// Server serves delta streams, one per connection. A connection starts
// with a line naming its tenant, then carries one JSON request per line.
type Server struct {
	callbacks Callbacks
	handle    func(*DeltaDiscoveryRequest) any
	streamIDs atomic.Int64
}

func NewServer(cb Callbacks, handle func(*DeltaDiscoveryRequest) any) *Server {
	return &Server{callbacks: cb, handle: handle}
}

func (s *Server) Serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go s.stream(conn)
	}
}

func (s *Server) stream(conn net.Conn) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	tenant, err := br.ReadString('\n')
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancel(multitenant.WithTenant(context.Background(), strings.TrimSpace(tenant)))
	defer cancel()

	id := s.streamIDs.Add(1)
	if err := s.callbacks.OnDeltaStreamOpen(ctx, id, ""); err != nil {
		return
	}
	var node *Node
	defer func() { s.callbacks.OnDeltaStreamClosed(id, node) }()

	dec := json.NewDecoder(br)
	enc := json.NewEncoder(conn)
	for {
		var req DeltaDiscoveryRequest
		if err := dec.Decode(&req); err != nil {
			return
		}
		node = req.Node
		if err := s.callbacks.OnStreamDeltaRequest(id, &req); err != nil {
			return
		}
		if err := enc.Encode(s.handle(&req)); err != nil {
			return
		}
	}
}
