// Package rtmp reproduces, in its own words, the stream leak of the livego
// live-streaming server fixed in https://github.com/gwuhaolin/livego/pull/160
// (commit 7010cec326b5d71691931d4ee170f121fe9dc598; before/ is the code
// before the fix, after/ as fixed). The server keeps a stream per key
// (app/name from the client's URL) and, in each stream, its players by
// connection UID. A goroutine checks every five seconds: players that
// stopped reading are dropped, and a stream with no live publisher and no
// players is deleted. The player check only ran while the stream's
// publisher was pushing, so once a publisher stopped, its players (closed,
// but not removed) kept counting, and neither they nor the stream were
// ever deleted: the server kept an entry per stream ever published, and
// per player of it. The fix drops dead players whether or not the stream
// is being published.
package rtmp

import (
	"fmt"
	"log"
	"sync"
	"time"

	"recall/heldout/livegowriters/before/av"
)

var EmptyID = ""

// RtmpStream holds every stream of the server by key.
type RtmpStream struct {
	streams *sync.Map
}

func NewRtmpStream() *RtmpStream {
	rs := &RtmpStream{streams: &sync.Map{}}
	go rs.CheckAlive()
	return rs
}

func (rs *RtmpStream) HandleReader(r av.ReadCloser) {
	info := r.Info()
	var stream *Stream
	i, ok := rs.streams.Load(info.Key)
	if stream, ok = i.(*Stream); ok {
		stream.TransStop()
		id := stream.ID()
		if id != EmptyID && id != info.UID {
			ns := NewStream()
			stream.Copy(ns)
			stream = ns
			rs.streams.Store(info.Key, ns) // want growonly "."
		}
	} else {
		stream = NewStream()
		rs.streams.Store(info.Key, stream)
		stream.info = info
	}
	stream.AddReader(r)
}

func (rs *RtmpStream) HandleWriter(w av.WriteCloser) {
	info := w.Info()
	var s *Stream
	item, ok := rs.streams.Load(info.Key)
	if !ok {
		s = NewStream()
		rs.streams.Store(info.Key, s)
		s.info = info
	} else {
		s = item.(*Stream)
		s.AddWriter(w)
	}
}

func (rs *RtmpStream) CheckAlive() {
	for {
		<-time.After(5 * time.Second)
		rs.streams.Range(func(key, val interface{}) bool {
			if val.(*Stream).CheckAlive() == 0 {
				rs.streams.Delete(key)
			}
			return true
		})
	}
}

// Stream is one published stream and its players.
type Stream struct {
	isStart bool
	r       av.ReadCloser
	ws      *sync.Map
	info    av.Info
}

type PackWriterCloser struct {
	init bool
	w    av.WriteCloser
}

func NewStream() *Stream {
	return &Stream{ws: &sync.Map{}}
}

func (s *Stream) ID() string {
	if s.r != nil {
		return s.r.Info().UID
	}
	return EmptyID
}

func (s *Stream) Copy(dst *Stream) {
	dst.info = s.info
	s.ws.Range(func(key, val interface{}) bool {
		s.ws.Delete(key)
		dst.AddWriter(val.(*PackWriterCloser).w)
		return true
	})
}

func (s *Stream) AddReader(r av.ReadCloser) {
	s.r = r
	go s.TransStart()
}

func (s *Stream) AddWriter(w av.WriteCloser) {
	info := w.Info()
	s.ws.Store(info.UID, &PackWriterCloser{w: w}) // want growonly "."
}

func (s *Stream) TransStart() {
	s.isStart = true
	var p av.Packet
	for {
		if !s.isStart {
			s.closeInter()
			return
		}
		if err := s.r.Read(&p); err != nil {
			s.closeInter()
			s.isStart = false
			return
		}
		s.ws.Range(func(key, val interface{}) bool {
			v := val.(*PackWriterCloser)
			pkt := p
			if err := v.w.Write(&pkt); err != nil {
				log.Printf("[%s] write packet error: %v, remove", v.w.Info().UID, err)
				s.ws.Delete(key)
			}
			return true
		})
	}
}

func (s *Stream) TransStop() {
	if s.isStart && s.r != nil {
		s.r.Close(fmt.Errorf("stop old"))
	}
	s.isStart = false
}

// CheckAlive closes what timed out and counts what is left.
func (s *Stream) CheckAlive() (n int) {
	if s.r != nil && s.isStart {
		if s.r.Alive() {
			n++
		} else {
			s.r.Close(fmt.Errorf("read timeout"))
		}
	}
	s.ws.Range(func(key, val interface{}) bool {
		v := val.(*PackWriterCloser)
		if v.w != nil {
			if !v.w.Alive() && s.isStart {
				s.ws.Delete(key)
				v.w.Close(fmt.Errorf("write timeout"))
				return true
			}
			n++
		}
		return true
	})
	return
}

// closeInter closes the players when the publisher goes; only the
// server's own writers are removed here.
func (s *Stream) closeInter() {
	s.ws.Range(func(key, val interface{}) bool {
		v := val.(*PackWriterCloser)
		if v.w != nil {
			v.w.Close(fmt.Errorf("closed"))
			if v.w.Info().IsInterval() {
				s.ws.Delete(key)
			}
		}
		return true
	})
}
