package yamux

import (
	"bytes"
	"io"
	"sync"
)

type streamState int

const (
	streamSYNSent streamState = iota
	streamSYNReceived
	streamEstablished
	streamLocalClose
	streamRemoteClose
	streamClosed
	streamReset
)

// Stream is one bidirectional stream of a session.
type Stream struct {
	id      uint32
	session *Session

	mu     sync.Mutex
	state  streamState
	recv   bytes.Buffer
	notify chan struct{}
}

func newStream(s *Session, id uint32, state streamState) *Stream {
	return &Stream{id: id, session: s, state: state, notify: make(chan struct{}, 1)}
}

func (st *Stream) wake() {
	select {
	case st.notify <- struct{}{}:
	default:
	}
}

func (st *Stream) pushData(p []byte) {
	st.mu.Lock()
	st.recv.Write(p)
	st.mu.Unlock()
	st.wake()
}

func (st *Stream) processFlags(flags uint16) {
	closeStream := false
	st.mu.Lock()
	if flags&flagACK != 0 && st.state == streamSYNSent {
		st.state = streamEstablished
		st.mu.Unlock()
		st.session.establishStream(st.id)
		st.mu.Lock()
	}
	if flags&flagFIN != 0 {
		switch st.state {
		case streamSYNSent, streamSYNReceived, streamEstablished:
			st.state = streamRemoteClose
		case streamLocalClose:
			st.state = streamClosed
			closeStream = true
		}
	}
	if flags&flagRST != 0 {
		st.state = streamReset
		closeStream = true
	}
	st.mu.Unlock()
	if closeStream {
		st.session.closeStream(st.id)
	}
	st.wake()
}

func (st *Stream) Read(p []byte) (int, error) {
	for {
		st.mu.Lock()
		if st.recv.Len() > 0 {
			n, _ := st.recv.Read(p)
			st.mu.Unlock()
			return n, nil
		}
		state := st.state
		st.mu.Unlock()
		switch state {
		case streamRemoteClose, streamClosed:
			return 0, io.EOF
		case streamReset:
			return 0, ErrStreamReset
		}
		select {
		case <-st.notify:
		case <-st.session.shutdownCh:
			return 0, ErrSessionShutdown
		}
	}
}

func (st *Stream) Write(p []byte) (int, error) {
	st.mu.Lock()
	state := st.state
	st.mu.Unlock()
	if state == streamReset {
		return 0, ErrStreamReset
	}
	if err := st.session.sendMsg(encode(typeData, 0, st.id, uint32(len(p))), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close half-closes the stream; it is forgotten once the peer closes too.
func (st *Stream) Close() error {
	closeStream := false
	st.mu.Lock()
	switch st.state {
	case streamSYNSent, streamSYNReceived, streamEstablished:
		st.state = streamLocalClose
	case streamRemoteClose:
		st.state = streamClosed
		closeStream = true
	default:
		st.mu.Unlock()
		return nil
	}
	st.mu.Unlock()
	err := st.session.sendMsg(encode(typeWindowUpdate, flagFIN, st.id, 0), nil)
	if closeStream {
		st.session.closeStream(st.id)
	}
	return err
}

// Reset abandons the stream at once.
func (st *Stream) Reset() error {
	st.mu.Lock()
	st.state = streamReset
	st.mu.Unlock()
	err := st.session.sendMsg(encode(typeWindowUpdate, flagRST, st.id, 0), nil)
	st.session.closeStream(st.id)
	return err
}
