package rtmp

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"recall/heldout/livegowriters/after/av"
)

const timeout = 5 * time.Second

func newUID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Server accepts publishers and players. Its line protocol stands in for
// RTMP: a client sends "publish app/name" or "play app/name", and a
// publisher then sends one packet per line.
type Server struct {
	handler av.Handler
}

func NewRtmpServer(h av.Handler) *Server { return &Server{handler: h} }

func (s *Server) Serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go s.handleConn(conn)
	}
}

func (s *Server) handleConn(conn net.Conn) error {
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil {
		conn.Close()
		return err
	}
	verb, key, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok || !strings.Contains(key, "/") {
		conn.Close()
		return fmt.Errorf("bad request %q", line)
	}
	info := av.Info{Key: key, UID: newUID()}
	switch verb {
	case "publish":
		s.handler.HandleReader(&VirReader{RWBaser: av.NewRWBaser(timeout), conn: conn, br: br, info: info})
	case "play":
		s.handler.HandleWriter(NewVirWriter(conn, info))
	default:
		conn.Close()
		return fmt.Errorf("bad verb %q", verb)
	}
	return nil
}

// VirWriter sends a stream's packets to one player.
type VirWriter struct {
	av.RWBaser
	conn        net.Conn
	info        av.Info
	mu          sync.Mutex
	closed      bool
	packetQueue chan *av.Packet
}

func NewVirWriter(conn net.Conn, info av.Info) *VirWriter {
	w := &VirWriter{RWBaser: av.NewRWBaser(timeout), conn: conn, info: info, packetQueue: make(chan *av.Packet, 1024)}
	go func() {
		for p := range w.packetQueue {
			conn.SetWriteDeadline(time.Now().Add(timeout))
			if _, err := fmt.Fprintf(conn, "%d %x\n", p.Timestamp, p.Data); err != nil {
				w.Close(err)
				return
			}
			w.SetPreTime()
		}
	}()
	return w
}

func (w *VirWriter) Info() av.Info { return w.info }

func (w *VirWriter) Write(p *av.Packet) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("writer closed")
	}
	select {
	case w.packetQueue <- p:
	default:
		// The player is too slow: drop the packet.
	}
	return nil
}

func (w *VirWriter) Close(error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.closed = true
	close(w.packetQueue)
	w.conn.Close()
}

// VirReader reads a publisher's packets.
type VirReader struct {
	av.RWBaser
	conn net.Conn
	br   *bufio.Reader
	info av.Info
}

func (r *VirReader) Info() av.Info { return r.info }

func (r *VirReader) Read(p *av.Packet) error {
	line, err := r.br.ReadString('\n')
	if err != nil {
		return err
	}
	r.SetPreTime()
	var ts uint32
	var data []byte
	if _, err := fmt.Sscanf(line, "%d %x", &ts, &data); err != nil {
		return err
	}
	p.Timestamp, p.Data = ts, data
	return nil
}

func (r *VirReader) Close(error) { r.conn.Close() }
