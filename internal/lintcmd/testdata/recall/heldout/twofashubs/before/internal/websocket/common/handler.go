// Package common connects browser extensions and phones that share a
// channel: every connection to the same path joins the same hub, and a
// line one of them sends goes to all the others.
//
// Reproduces, in our own words, the shape of twofas/2fas-server's
// websocket service before https://github.com/twofas/2fas-server/pull/14
// (commit 4f2707c, "fix: concurrency problems in ws handler"): the
// connection handler kept a hub per channel (the request's path, an
// extension ID or a 2FA request token) in a map, each with its running
// goroutine, and never removed a hub once its last client had gone. The
// fix moved the hubs into a pool that deletes a hub when it is left
// empty. Upstream upgrades to a WebSocket with gorilla/websocket; here
// the connection is hijacked and speaks lines.
package common

import (
	"bufio"
	"log"
	"net/http"
	"time"
)

// disconnectAfter is how long a connection may stay open.
const disconnectAfter = 3 * time.Minute

// ConnectionHandler hands each connection to the hub of its channel.
type ConnectionHandler struct {
	channels map[string]*Hub
}

// NewConnectionHandler returns a handler with no hubs.
func NewConnectionHandler() *ConnectionHandler {
	return &ConnectionHandler{channels: make(map[string]*Hub)}
}

// Handler serves one connection per request: the request's path names the
// channel it joins.
func (h *ConnectionHandler) Handler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		channel := r.URL.Path
		log.Printf("new subscriber on channel %s", channel)
		hub := h.hubFor(channel)
		h.serve(hub, w, r)
	}
}

func (h *ConnectionHandler) hubFor(channel string) *Hub {
	hub, ok := h.channels[channel]
	if !ok {
		hub = NewHub()
		go hub.Run()
		h.channels[channel] = hub // want growonly "."
		log.Printf("started a hub, %d hubs in all", len(h.channels))
	}
	return hub
}

func (h *ConnectionHandler) serve(hub *Hub, w http.ResponseWriter, r *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot take over the connection", http.StatusInternalServerError)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		log.Printf("hijack: %v", err)
		return
	}
	rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: lines\r\nConnection: Upgrade\r\n\r\n")
	if err := rw.Flush(); err != nil {
		conn.Close()
		return
	}

	client := &Client{hub: hub, conn: conn, in: bufio.NewReader(rw), send: make(chan []byte, 256)}
	hub.register <- client

	go client.writeLoop()
	go client.readLoop()
	go func() {
		<-time.After(disconnectAfter)
		log.Printf("closing a connection after %v", disconnectAfter)
		hub.unregister <- client
		conn.Close()
	}()
}
