// Package yamux reproduces, in its own words, the in-flight stream leak of
// libp2p's go-yamux fixed in https://github.com/libp2p/go-yamux/pull/30
// (issue https://github.com/libp2p/go-yamux/issues/29, commit
// 149b57961f32523385cfbc218345c6bea1915bcd; before/ is the code before the
// fix, after/ as fixed). A session registers each stream it opens under
// its ID in two maps: streams, and inflight until the peer acknowledges
// the SYN. The acknowledgement takes the ID out of inflight; closing a
// stream took it out of streams only, so every stream closed or reset
// before its SYN was acknowledged (a refused stream, a peer under load)
// left its ID in inflight for the life of the session, which for a
// long-lived libp2p connection is the life of the process. The fix
// deletes from both maps when a stream is closed, and when an incoming
// stream is refused.
package yamux

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"sync/atomic"
)

const (
	typeData byte = iota
	typeWindowUpdate
)

const (
	flagSYN uint16 = 1 << iota
	flagACK
	flagFIN
	flagRST
)

const headerSize = 12

type header [headerSize]byte

func (h header) MsgType() byte    { return h[1] }
func (h header) Flags() uint16    { return binary.BigEndian.Uint16(h[2:4]) }
func (h header) StreamID() uint32 { return binary.BigEndian.Uint32(h[4:8]) }
func (h header) Length() uint32   { return binary.BigEndian.Uint32(h[8:12]) }
func encode(typ byte, flags uint16, id, length uint32) header {
	var h header
	h[1] = typ
	binary.BigEndian.PutUint16(h[2:4], flags)
	binary.BigEndian.PutUint32(h[4:8], id)
	binary.BigEndian.PutUint32(h[8:12], length)
	return h
}

var (
	ErrSessionShutdown = errors.New("session shutdown")
	ErrStreamReset     = errors.New("stream reset")
)

// Session multiplexes streams over one connection.
type Session struct {
	conn         net.Conn
	client       bool
	nextStreamID uint32

	// streams holds every open stream; inflight the outgoing ones whose
	// SYN the peer has not acknowledged yet. Both under streamLock.
	streamLock sync.Mutex
	streams    map[uint32]*Stream
	inflight   map[uint32]struct{}

	// synCh bounds the SYNs in flight to the peer's accept backlog.
	synCh    chan struct{}
	acceptCh chan *Stream

	writeLock  sync.Mutex
	shutdownCh chan struct{}
	closeOnce  sync.Once
}

func newSession(conn net.Conn, client bool, backlog int) *Session {
	s := &Session{
		conn:       conn,
		client:     client,
		streams:    make(map[uint32]*Stream),
		inflight:   make(map[uint32]struct{}),
		synCh:      make(chan struct{}, backlog),
		acceptCh:   make(chan *Stream, backlog),
		shutdownCh: make(chan struct{}),
	}
	if client {
		s.nextStreamID = 1
	} else {
		s.nextStreamID = 2
	}
	go s.recvLoop()
	return s
}

// Client and Server start a session on conn.
func Client(conn net.Conn) *Session { return newSession(conn, true, 256) }
func Server(conn net.Conn) *Session { return newSession(conn, false, 256) }

func (s *Session) Close() error {
	s.closeOnce.Do(func() { close(s.shutdownCh) })
	return s.conn.Close()
}

func (s *Session) sendMsg(h header, body []byte) error {
	s.writeLock.Lock()
	defer s.writeLock.Unlock()
	if _, err := s.conn.Write(h[:]); err != nil {
		return err
	}
	if len(body) > 0 {
		_, err := s.conn.Write(body)
		return err
	}
	return nil
}

// OpenStream opens a stream to the peer.
func (s *Session) OpenStream() (*Stream, error) {
	select {
	case s.synCh <- struct{}{}:
	case <-s.shutdownCh:
		return nil, ErrSessionShutdown
	}
	id := atomic.AddUint32(&s.nextStreamID, 2) - 2

	stream := newStream(s, id, streamSYNSent)
	s.streamLock.Lock()
	s.streams[id] = stream
	s.inflight[id] = struct{}{} // want growonly "."
	s.streamLock.Unlock()

	if err := s.sendMsg(encode(typeWindowUpdate, flagSYN, id, 0), nil); err != nil {
		select {
		case <-s.synCh:
		default:
		}
		return nil, err
	}
	return stream, nil
}

// AcceptStream waits for the peer to open a stream.
func (s *Session) AcceptStream() (*Stream, error) {
	select {
	case st := <-s.acceptCh:
		if err := s.sendMsg(encode(typeWindowUpdate, flagACK, st.id, 0), nil); err != nil {
			return nil, err
		}
		return st, nil
	case <-s.shutdownCh:
		return nil, ErrSessionShutdown
	}
}

func (s *Session) recvLoop() {
	defer s.Close()
	var h header
	for {
		if _, err := io.ReadFull(s.conn, h[:]); err != nil {
			return
		}
		if err := s.handleFrame(h); err != nil {
			log.Printf("yamux: %v", err)
			return
		}
	}
}

func (s *Session) handleFrame(h header) error {
	id := h.StreamID()
	flags := h.Flags()
	if flags&flagSYN != 0 {
		if err := s.incomingStream(id); err != nil {
			return err
		}
	}
	s.streamLock.Lock()
	stream := s.streams[id]
	s.streamLock.Unlock()
	if stream == nil {
		if h.MsgType() == typeData && h.Length() > 0 {
			_, err := io.CopyN(io.Discard, s.conn, int64(h.Length()))
			return err
		}
		return nil
	}
	var body []byte
	if h.MsgType() == typeData && h.Length() > 0 {
		body = make([]byte, h.Length())
		if _, err := io.ReadFull(s.conn, body); err != nil {
			return err
		}
	}
	stream.processFlags(flags)
	if len(body) > 0 {
		stream.pushData(body)
	}
	return nil
}

func (s *Session) incomingStream(id uint32) error {
	if s.client != (id%2 == 0) {
		return fmt.Errorf("both yamux endpoints are clients")
	}
	stream := newStream(s, id, streamSYNReceived)
	s.streamLock.Lock()
	defer s.streamLock.Unlock()
	if _, ok := s.streams[id]; ok {
		return fmt.Errorf("duplicate stream %d", id)
	}
	s.streams[id] = stream
	select {
	case s.acceptCh <- stream:
		return nil
	default:
		// Backlog exceeded: refuse the stream.
		delete(s.streams, id)
		return s.sendMsg(encode(typeWindowUpdate, flagRST, id, 0), nil)
	}
}

// closeStream forgets a stream both sides closed, or one that was reset;
// a SYN still in flight gives its credit back.
func (s *Session) closeStream(id uint32) {
	s.streamLock.Lock()
	if _, ok := s.inflight[id]; ok {
		select {
		case <-s.synCh:
		default:
			log.Printf("yamux: SYN tracking out of sync")
		}
	}
	delete(s.streams, id)
	s.streamLock.Unlock()
}

// establishStream marks an outgoing stream the peer acknowledged.
func (s *Session) establishStream(id uint32) {
	s.streamLock.Lock()
	if _, ok := s.inflight[id]; ok {
		delete(s.inflight, id)
	}
	select {
	case <-s.synCh:
	default:
	}
	s.streamLock.Unlock()
}
