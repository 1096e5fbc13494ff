package spdy3

import "sync"

// ResponseStream is a stream the peer opened; the handler reads its body
// and writes the response.
type ResponseStream struct {
	conn     *Conn
	streamID StreamID
	header   []byte
	body     chan []byte

	closeOnce sync.Once
	stop      chan struct{}
}

func (s *ResponseStream) ID() StreamID   { return s.streamID }
func (s *ResponseStream) Header() []byte { return s.header }

// Body returns the channel the request body arrives on.
func (s *ResponseStream) Body() <-chan []byte { return s.body }

func (s *ResponseStream) receive(data []byte, fin bool) {
	select {
	case s.body <- data:
	case <-s.stop:
		return
	}
	if fin {
		close(s.body)
	}
}

// Write sends the whole response and finishes the stream.
func (s *ResponseStream) Write(p []byte) (int, error) {
	err := s.conn.writeFrame(frameData, flagFin, s.streamID, p)
	s.Close()
	return len(p), err
}

func (s *ResponseStream) Close() error {
	s.closeOnce.Do(s.shutdown)
	return nil
}

func (s *ResponseStream) shutdown() {
	close(s.stop)
	s.header = nil
}

// RequestStream is a stream this side opened; the response arrives on
// Response, which is closed when the peer finishes the stream.
type RequestStream struct {
	conn     *Conn
	streamID StreamID
	Response chan []byte

	closeOnce sync.Once
	stop      chan struct{}
}

func (s *RequestStream) ID() StreamID { return s.streamID }

func (s *RequestStream) receive(data []byte, fin bool) {
	select {
	case s.Response <- data:
	case <-s.stop:
		return
	}
	if fin {
		s.Close()
	}
}

func (s *RequestStream) Close() error {
	s.closeOnce.Do(s.shutdown)
	return nil
}

func (s *RequestStream) shutdown() {
	close(s.stop)
	close(s.Response)
}
