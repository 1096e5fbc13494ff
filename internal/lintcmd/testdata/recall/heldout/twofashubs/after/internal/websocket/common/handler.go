// Package common connects browser extensions and phones that share a
// channel: every connection to the same path joins the same hub, and a
// line one of them sends goes to all the others.
//
// The fixed form of twofashubs (see the before form): after
// https://github.com/twofas/2fas-server/pull/14 (commit 4f2707c) the hubs
// live in a pool, under its lock, and a hub whose last client leaves is
// deleted from it.
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
	hubs *hubPool
}

// NewConnectionHandler returns a handler with no hubs.
func NewConnectionHandler() *ConnectionHandler {
	return &ConnectionHandler{hubs: newHubPool()}
}

// Handler serves one connection per request: the request's path names the
// channel it joins.
func (h *ConnectionHandler) Handler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		channel := r.URL.Path
		log.Printf("new subscriber on channel %s", channel)
		h.serve(w, r, channel)
	}
}

func (h *ConnectionHandler) serve(w http.ResponseWriter, r *http.Request, channel string) {
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

	client, _ := h.hubs.registerClient(channel, conn, bufio.NewReader(rw))

	go client.writeLoop()
	go client.readLoop()
	go func() {
		<-time.After(disconnectAfter)
		log.Printf("closing a connection after %v", disconnectAfter)
		client.hub.unregisterClient(client)
		conn.Close()
	}()
}
