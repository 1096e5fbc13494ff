package getty

import (
	"context"
	"encoding/gob"
	"errors"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	gob.Register(HeartBeatMessage{})
	gob.Register(ResultMessage{})
	gob.Register("")
}

// Session is one connection to the transaction coordinator.
type Session struct {
	conn   net.Conn
	mu     sync.Mutex
	enc    *gob.Encoder
	closed atomic.Bool
}

func (s *Session) IsClosed() bool { return s.closed.Load() }

func (s *Session) WritePkg(msg RpcMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.enc.Encode(&msg)
}

func (s *Session) Close() {
	if s.closed.CompareAndSwap(false, true) {
		s.conn.Close()
	}
}

type sessions struct {
	mu   sync.Mutex
	list []*Session
	next int
}

var sessionManager = &sessions{}

func (m *sessions) registerSession(s *Session) {
	m.mu.Lock()
	m.list = append(m.list, s)
	m.mu.Unlock()
}

func (m *sessions) releaseSession(s *Session) {
	s.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.list {
		if x == s {
			m.list = append(m.list[:i], m.list[i+1:]...)
			return
		}
	}
}

func (m *sessions) selectSession() *Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.list) == 0 {
		return nil
	}
	m.next = (m.next + 1) % len(m.list)
	return m.list[m.next]
}

// Dial opens a session to the coordinator at addr; the handler hears its
// messages and sends a heartbeat on every tick of interval.
func Dial(ctx context.Context, addr string, interval time.Duration) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	s := &Session{conn: conn, enc: gob.NewEncoder(conn)}
	h := GetGettyClientHandlerInstance()
	h.OnOpen(s)
	go func() {
		dec := gob.NewDecoder(conn)
		for {
			var msg RpcMessage
			if err := dec.Decode(&msg); err != nil {
				if !errors.Is(err, net.ErrClosed) {
					h.OnError(s, err)
				}
				return
			}
			h.OnMessage(s, msg)
		}
	}()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for range t.C {
			if s.IsClosed() {
				return
			}
			h.OnCron(s)
		}
	}()
	return nil
}

// RemotingProcessor handles one type of message received.
type RemotingProcessor interface {
	Process(ctx context.Context, msg RpcMessage) error
}

var (
	clientHandler     *gettyClientHandler
	onceClientHandler sync.Once
)

type gettyClientHandler struct {
	idGenerator  atomic.Uint32
	mu           sync.RWMutex
	processorMap map[byte]RemotingProcessor
}

func GetGettyClientHandlerInstance() *gettyClientHandler {
	onceClientHandler.Do(func() {
		clientHandler = &gettyClientHandler{processorMap: make(map[byte]RemotingProcessor)}
	})
	return clientHandler
}

func (h *gettyClientHandler) RegisterProcessor(typ byte, p RemotingProcessor) {
	h.mu.Lock()
	h.processorMap[typ] = p
	h.mu.Unlock()
}

func (h *gettyClientHandler) OnOpen(s *Session) {
	sessionManager.registerSession(s)
}

func (h *gettyClientHandler) OnError(s *Session, err error) {
	log.Printf("session got error %v, will be closed", err)
	sessionManager.releaseSession(s)
}

func (h *gettyClientHandler) OnMessage(s *Session, msg RpcMessage) {
	h.mu.RLock()
	p := h.processorMap[msg.Type]
	h.mu.RUnlock()
	if p == nil {
		log.Printf("message type %d has no processor", msg.Type)
		return
	}
	p.Process(context.Background(), msg)
}

func (h *gettyClientHandler) OnCron(s *Session) {
	if err := h.transferHeartBeat(s, HeartBeatMessage{Ping: true}); err != nil {
		log.Printf("failed to send heart beat: %v", err)
		sessionManager.releaseSession(s)
	}
}

func (h *gettyClientHandler) transferHeartBeat(s *Session, hb HeartBeatMessage) error {
	msg := RpcMessage{ID: int32(h.idGenerator.Add(1)), Type: TypeHeartbeatRequest, Body: hb}
	return GetGettyRemotingClient().gettyRemoting.SendAsync(msg, s, nil)
}
