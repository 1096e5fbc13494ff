// Package av holds the stream types of livegowriters' RTMP server (see
// package rtmp).
package av

import (
	"sync"
	"time"
)

// Packet is one media frame.
type Packet struct {
	Timestamp uint32
	Data      []byte
}

// Info names the stream a reader or writer belongs to.
type Info struct {
	Key   string // app/name, from the client's URL
	UID   string // one per connection
	Inter bool   // a writer the server made itself (an archive, a relay)
}

func (i Info) IsInterval() bool { return i.Inter }

type Alive interface{ Alive() bool }

type Closer interface {
	Info() Info
	Close(error)
}

type ReadCloser interface {
	Closer
	Alive
	Read(*Packet) error
}

type WriteCloser interface {
	Closer
	Alive
	Write(*Packet) error
}

// Handler takes the publishers (readers) and players (writers) of streams.
type Handler interface {
	HandleReader(ReadCloser)
	HandleWriter(WriteCloser)
}

// RWBaser tracks when a reader or writer last moved a packet.
type RWBaser struct {
	mu      sync.Mutex
	timeout time.Duration
	last    time.Time
}

func NewRWBaser(timeout time.Duration) RWBaser {
	return RWBaser{timeout: timeout, last: time.Now()}
}

func (rw *RWBaser) SetPreTime() {
	rw.mu.Lock()
	rw.last = time.Now()
	rw.mu.Unlock()
}

func (rw *RWBaser) Alive() bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return time.Since(rw.last) < rw.timeout
}
