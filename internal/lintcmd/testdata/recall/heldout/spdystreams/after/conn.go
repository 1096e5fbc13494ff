// Package spdy3 reproduces, in its own words, the stream leak fixed in
// SlyMarbo's spdy package: https://github.com/SlyMarbo/spdy/issues/83
// (commit 566cb58f34ea91ee0a7e482c95c14611961e377a, pull request #88;
// before/ is the code before the fix, after/ as fixed). A connection
// keeps its active streams by stream ID: the ones the peer opens and the
// ones this side opens. A stream that finished was shut down but stayed
// in the map, which was dropped only with the whole connection, so a
// long-lived connection (a client's keep-alive session, a proxy's
// upstream) kept every stream it ever carried.
package spdy3

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
)

type StreamID uint32

const (
	frameSynStream = 1
	frameData      = 2
	frameRstStream = 3
	flagFin        = 1
)

// Stream is one request/response exchange on a connection.
type Stream interface {
	ID() StreamID
	Close() error
	receive(data []byte, fin bool)
}

// Handler serves the streams the peer opens.
type Handler interface {
	ServeStream(s *ResponseStream)
}

// Conn is one SPDY connection, client or server side.
type Conn struct {
	conn    net.Conn
	handler Handler
	writeMu sync.Mutex

	streamsLock sync.Mutex
	streams     map[StreamID]Stream // active streams
	nextID      StreamID            // next ID for a stream this side opens

	done     chan struct{}
	doneOnce sync.Once
}

// NewConn starts serving a connection; server sides get a handler and
// open even stream IDs, clients open odd ones.
func NewConn(conn net.Conn, handler Handler, server bool) *Conn {
	c := &Conn{
		conn:    conn,
		handler: handler,
		streams: make(map[StreamID]Stream),
		nextID:  1,
		done:    make(chan struct{}),
	}
	if server {
		c.nextID = 2
	}
	go c.run()
	return c
}

// run reads frames until the connection fails.
func (c *Conn) run() {
	defer c.shutdown()
	r := bufio.NewReader(c.conn)
	for {
		typ, flags, sid, data, err := readFrame(r)
		if err != nil {
			return
		}
		switch typ {
		case frameSynStream:
			c.handleSynStream(sid, data, flags&flagFin != 0)
		case frameData:
			c.streamsLock.Lock()
			s := c.streams[sid]
			c.streamsLock.Unlock()
			if s != nil {
				s.receive(data, flags&flagFin != 0)
			}
		case frameRstStream:
			c.streamsLock.Lock()
			s := c.streams[sid]
			c.streamsLock.Unlock()
			if s != nil {
				s.Close()
			}
		}
	}
}

// handleSynStream starts a stream the peer opened.
func (c *Conn) handleSynStream(sid StreamID, header []byte, fin bool) {
	if c.handler == nil {
		c.writeFrame(frameRstStream, 0, sid, nil)
		return
	}
	s := &ResponseStream{conn: c, streamID: sid, header: header, body: make(chan []byte, 16), stop: make(chan struct{})}
	c.streamsLock.Lock()
	if _, dup := c.streams[sid]; dup {
		c.streamsLock.Unlock()
		c.writeFrame(frameRstStream, 0, sid, nil)
		return
	}
	c.streams[sid] = s
	c.streamsLock.Unlock()
	if fin {
		close(s.body)
	}
	go c.handler.ServeStream(s)
}

// Request opens a stream from this side and returns it.
func (c *Conn) Request(header []byte) (*RequestStream, error) {
	c.streamsLock.Lock()
	if c.streams == nil {
		c.streamsLock.Unlock()
		return nil, errors.New("spdy: connection closed")
	}
	id := c.nextID
	c.nextID += 2
	s := &RequestStream{conn: c, streamID: id, Response: make(chan []byte, 16), stop: make(chan struct{})}
	c.streams[id] = s
	c.streamsLock.Unlock()
	if err := c.writeFrame(frameSynStream, flagFin, id, header); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *Conn) writeFrame(typ, flags uint8, sid StreamID, data []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	var hdr [10]byte
	hdr[0], hdr[1] = typ, flags
	binary.BigEndian.PutUint32(hdr[2:], uint32(sid))
	binary.BigEndian.PutUint32(hdr[6:], uint32(len(data)))
	if _, err := c.conn.Write(hdr[:]); err != nil {
		return err
	}
	_, err := c.conn.Write(data)
	return err
}

func readFrame(r *bufio.Reader) (typ, flags uint8, sid StreamID, data []byte, err error) {
	var hdr [10]byte
	if _, err = io.ReadFull(r, hdr[:]); err != nil {
		return
	}
	n := binary.BigEndian.Uint32(hdr[6:])
	if n > 1<<24 {
		err = errors.New("spdy: frame too large")
		return
	}
	data = make([]byte, n)
	_, err = io.ReadFull(r, data)
	return hdr[0], hdr[1], StreamID(binary.BigEndian.Uint32(hdr[2:])), data, err
}

// shutdown closes every stream and the connection.
func (c *Conn) shutdown() {
	c.doneOnce.Do(func() {
		close(c.done)
		// Close the streams from a copy: Close takes them out of the map.
		c.streamsLock.Lock()
		streams := make([]Stream, 0, len(c.streams))
		for _, s := range c.streams {
			streams = append(streams, s)
		}
		c.streamsLock.Unlock()
		for _, s := range streams {
			s.Close()
		}
		c.streamsLock.Lock()
		c.streams = nil
		c.streamsLock.Unlock()
		c.conn.Close()
	})
}

// Close ends the connection.
func (c *Conn) Close() error {
	c.shutdown()
	return nil
}
