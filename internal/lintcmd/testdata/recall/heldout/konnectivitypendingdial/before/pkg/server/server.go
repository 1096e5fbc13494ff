// Package server is the proxy server of the Kubernetes apiserver network
// proxy (konnectivity): agents in the cluster network connect to it, and
// frontends (here, HTTP CONNECT clients) ask it to dial addresses through
// an agent.
//
// Reproduces, in our own words, the shape of
// kubernetes-sigs/apiserver-network-proxy before
// https://github.com/kubernetes-sigs/apiserver-network-proxy/pull/790
// (commit e12c96f, "fix(server): Goroutine leak in HTTP-Connect tunnel",
// for issue #789, "memory leak on account of pending dials"): the HTTP
// CONNECT handler put each dial in the server's PendingDial map under a
// random dial ID, and only the agent's DIAL_RSP or DIAL_CLS for that ID
// removed it. When sending the DIAL_REQ failed, or the agent went away
// before answering, or the client closed first, the handler returned and
// the entry, holding the hijacked connection, stayed in the map. The fix
// removes the entry in a deferred function of the handler unless the dial
// was established. Upstream speaks gRPC with agents and also serves gRPC
// frontends; here agents send JSON packets over TCP and only the HTTP
// CONNECT frontend is kept.
package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"math/rand"
	"net"
	"sync"
	"time"
)

// Packet types, as in the konnectivity protocol.
const (
	DialReq  = "DIAL_REQ"
	DialRsp  = "DIAL_RSP"
	DialCls  = "DIAL_CLS"
	CloseReq = "CLOSE_REQ"
	CloseRsp = "CLOSE_RSP"
	Data     = "DATA"
	Hello    = "HELLO"
)

// Packet is one message between the server and an agent.
type Packet struct {
	Type      string `json:"type"`
	Random    int64  `json:"random,omitempty"`
	ConnectID int64  `json:"connect_id,omitempty"`
	Address   string `json:"address,omitempty"`
	Error     string `json:"error,omitempty"`
	AgentID   string `json:"agent_id,omitempty"`
	Data      []byte `json:"data,omitempty"`
}

// Backend is one connected agent.
type Backend struct {
	agentID string
	conn    net.Conn

	mu  sync.Mutex
	enc *json.Encoder

	ctx    context.Context
	cancel context.CancelFunc
}

// Send writes a packet to the agent.
func (b *Backend) Send(p *Packet) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ctx.Err(); err != nil {
		return err
	}
	return b.enc.Encode(p)
}

// Context is done once the agent is gone.
func (b *Backend) Context() context.Context { return b.ctx }

// GetAgentID returns the agent's ID.
func (b *Backend) GetAgentID() string { return b.agentID }

// ProxyClientConnection is one frontend connection being dialled or
// proxied.
type ProxyClientConnection struct {
	HTTP      io.ReadWriter
	CloseHTTP func() error
	connected chan struct{}
	connectID int64
	dialID    int64
	agentID   string
	backend   *Backend
	start     time.Time
}

func (c *ProxyClientConnection) send(p *Packet) error {
	switch p.Type {
	case Data:
		_, err := c.HTTP.Write(p.Data)
		return err
	case CloseRsp, DialCls:
		return c.CloseHTTP()
	case DialRsp:
		return nil
	}
	return errors.New("unexpected packet for HTTP frontend: " + p.Type)
}

// NewPendingDialManager returns an empty manager.
func NewPendingDialManager() *PendingDialManager {
	return &PendingDialManager{pendingDial: make(map[int64]*ProxyClientConnection)}
}

// PendingDialManager holds the dials sent to agents and not yet answered.
type PendingDialManager struct {
	mu          sync.RWMutex
	pendingDial map[int64]*ProxyClientConnection
}

// Add records a dial under its random ID.
func (pm *PendingDialManager) Add(random int64, clientConn *ProxyClientConnection) {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	pm.pendingDial[random] = clientConn // want growonly "."
}

// Remove forgets a dial and returns it.
func (pm *PendingDialManager) Remove(random int64) *ProxyClientConnection {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	pd := pm.pendingDial[random]
	delete(pm.pendingDial, random)
	return pd
}

// Count reports how many dials are pending.
func (pm *PendingDialManager) Count() int {
	pm.mu.RLock()
	defer pm.mu.RUnlock()
	return len(pm.pendingDial)
}

// ProxyServer connects frontends to agents.
type ProxyServer struct {
	PendingDial *PendingDialManager

	mu          sync.Mutex
	backends    []*Backend
	established map[string]map[int64]*ProxyClientConnection
}

// NewProxyServer returns a server with no agents.
func NewProxyServer() *ProxyServer {
	return &ProxyServer{
		PendingDial: NewPendingDialManager(),
		established: make(map[string]map[int64]*ProxyClientConnection),
	}
}

func (s *ProxyServer) getBackend(host string) (*Backend, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.backends) == 0 {
		return nil, errors.New("no agent connected")
	}
	return s.backends[rand.Intn(len(s.backends))], nil
}

func (s *ProxyServer) addBackend(b *Backend) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.backends = append(s.backends, b)
}

// removeBackend drops an agent and closes the connections it proxied.
func (s *ProxyServer) removeBackend(b *Backend) {
	s.mu.Lock()
	for i, x := range s.backends {
		if x == b {
			s.backends = append(s.backends[:i], s.backends[i+1:]...)
			break
		}
	}
	conns := s.established[b.agentID]
	delete(s.established, b.agentID)
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.CloseHTTP()
	}
}

func (s *ProxyServer) addEstablished(agentID string, connID int64, c *ProxyClientConnection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.established[agentID]
	if m == nil {
		m = make(map[int64]*ProxyClientConnection)
		s.established[agentID] = m
	}
	m[connID] = c
}

func (s *ProxyServer) getEstablished(agentID string, connID int64) *ProxyClientConnection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.established[agentID][connID]
}

func (s *ProxyServer) removeEstablished(agentID string, connID int64) *ProxyClientConnection {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.established[agentID]
	c := m[connID]
	delete(m, connID)
	if len(m) == 0 {
		delete(s.established, agentID)
	}
	return c
}

// ServeAgents accepts agent connections on lis.
func (s *ProxyServer) ServeAgents(lis net.Listener) error {
	for {
		conn, err := lis.Accept()
		if err != nil {
			return err
		}
		go s.serveAgent(conn)
	}
}

func (s *ProxyServer) serveAgent(conn net.Conn) {
	defer conn.Close()
	dec := json.NewDecoder(bufio.NewReader(conn))
	var hello Packet
	if err := dec.Decode(&hello); err != nil || hello.Type != Hello || hello.AgentID == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Backend{agentID: hello.AgentID, conn: conn, enc: json.NewEncoder(conn), ctx: ctx, cancel: cancel}
	s.addBackend(b)
	defer func() {
		cancel()
		s.removeBackend(b)
	}()

	for {
		var pkt Packet
		if err := dec.Decode(&pkt); err != nil {
			if !errors.Is(err, io.EOF) {
				log.Printf("agent %s: %v", b.agentID, err)
			}
			return
		}
		switch pkt.Type {
		case DialRsp:
			frontend := s.PendingDial.Remove(pkt.Random)
			if frontend == nil {
				if pkt.ConnectID != 0 {
					_ = b.Send(&Packet{Type: CloseReq, ConnectID: pkt.ConnectID})
				}
				continue
			}
			if pkt.Error != "" {
				_ = frontend.CloseHTTP()
				continue
			}
			frontend.connectID = pkt.ConnectID
			frontend.agentID = b.agentID
			s.addEstablished(b.agentID, pkt.ConnectID, frontend)
			close(frontend.connected)
		case DialCls:
			if frontend := s.PendingDial.Remove(pkt.Random); frontend != nil {
				_ = frontend.send(&pkt)
			}
		case Data:
			if frontend := s.getEstablished(b.agentID, pkt.ConnectID); frontend != nil {
				if err := frontend.send(&pkt); err != nil {
					_ = b.Send(&Packet{Type: CloseReq, ConnectID: pkt.ConnectID})
				}
			}
		case CloseRsp:
			if frontend := s.removeEstablished(b.agentID, pkt.ConnectID); frontend != nil {
				_ = frontend.send(&pkt)
			}
		}
	}
}
