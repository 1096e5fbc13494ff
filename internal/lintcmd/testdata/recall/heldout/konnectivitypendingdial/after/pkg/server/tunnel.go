package server

import (
	"fmt"
	"io"
	"log"
	"math/rand"
	"net/http"
	"sync"
	"time"
)

// Tunnel serves HTTP CONNECT: it tunnels the client's traffic to the
// requested host through an agent of the ProxyServer.
type Tunnel struct {
	Server *ProxyServer
}

func (t *Tunnel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "this proxy only supports CONNECT passthrough", http.StatusMethodNotAllowed)
		return
	}
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "hijacking not supported", http.StatusInternalServerError)
		return
	}
	conn, bufrw, err := hijacker.Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}

	var closeOnce sync.Once
	defer closeOnce.Do(func() { conn.Close() })

	random := rand.Int63()
	dialRequest := &Packet{Type: DialReq, Address: r.Host, Random: random}

	backend, err := t.Server.getBackend(r.Host)
	if err != nil {
		fmt.Fprintf(conn, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\ncurrently no tunnels available: %v", err)
		return
	}
	closed := make(chan struct{})
	connection := &ProxyClientConnection{
		HTTP: io.ReadWriter(conn),
		CloseHTTP: func() error {
			closeOnce.Do(func() {
				conn.Close()
				close(closed)
			})
			return nil
		},
		connected: make(chan struct{}),
		start:     time.Now(),
		backend:   backend,
		dialID:    random,
		agentID:   backend.GetAgentID(),
	}
	t.Server.PendingDial.Add(random, connection)

	// Unless the dial is established, the pending entry goes with the
	// handler, whichever way it returns.
	established := false
	defer func() {
		if !established {
			t.Server.PendingDial.Remove(random)
		}
	}()

	if err := backend.Send(dialRequest); err != nil {
		log.Printf("failed to tunnel dial request for %s: %v", r.Host, err)
		fmt.Fprintf(conn, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFailed to tunnel dial request: %v\r\n", err)
		return
	}
	ctxt := backend.Context()

	select {
	case <-connection.connected:
		established = true
		if _, err := conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
			return
		}
	case <-closed:
		// The client closed before the dial was established.
		return
	case <-ctxt.Done():
		fmt.Fprintf(conn, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBackend context error: %v\r\n", ctxt.Err())
		return
	}

	defer func() {
		if err := backend.Send(&Packet{Type: CloseReq, ConnectID: connection.connectID}); err != nil {
			log.Printf("failed to send close request for connection %d", connection.connectID)
		}
	}()

	connID := connection.connectID
	pkt := make([]byte, 1<<15)
	for {
		n, err := bufrw.Read(pkt)
		if err != nil {
			return
		}
		data := append([]byte(nil), pkt[:n]...)
		if err := backend.Send(&Packet{Type: Data, ConnectID: connID, Data: data}); err != nil {
			return
		}
	}
}
