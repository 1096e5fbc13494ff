// Package transport reproduces, in its own words, the established-stream
// leak fixed in grpc-go: https://github.com/grpc/grpc-go/pull/2765 (commit
// 3fc743058b25bc974180a7a61656554e31f92635; before/ is the code before the
// fix, after/ as fixed). The writer deletes a stream only when a cleanup
// item reaches it; an RST_STREAM for a stream already gone from the
// server's own map never queued one.
package transport

import (
	"net"
	"sync"
)

var _ net.Addr

type cleanupStream struct{ streamID uint32 }

type outStream struct{ id uint32 }

type loopyWriter struct {
	estdStreams map[uint32]*outStream
	control     chan any
}

func (l *loopyWriter) run() {
	for it := range l.control {
		switch it := it.(type) {
		case *outStream:
			l.estdStreams[it.id] = it // want growonly "only grows|left behind|never removed"
		case *cleanupStream:
			delete(l.estdStreams, it.streamID)
		}
	}
}

type http2Server struct {
	mu            sync.Mutex
	activeStreams map[uint32]bool
	loopy         *loopyWriter
}

func (t *http2Server) handleRSTStream(id uint32) {
	t.mu.Lock()
	_, ok := t.activeStreams[id]
	delete(t.activeStreams, id)
	t.mu.Unlock()
	if !ok {
		return
	}
	t.loopy.control <- &cleanupStream{streamID: id}
}

func (t *http2Server) operateHeaders(id uint32) {
	t.mu.Lock()
	t.activeStreams[id] = true
	t.mu.Unlock()
	t.loopy.control <- &outStream{id: id}
}
