// Package spoe is an agent for HAProxy's stream processing offload
// protocol: HAProxy sends NOTIFY frames carrying messages with named,
// typed arguments, and the agent answers each frame with actions that set
// variables.
//
// Reproduces, in our own words, the shape of criteo/haproxy-spoe-go before
// https://github.com/criteo/haproxy-spoe-go/pull/12 (commit 3290e4f,
// "Expose argument count; use to limit map capacity"): ArgIterator.Map
// collected a message's arguments into a map made without a size hint,
// although the frame gives the number of arguments before them; the fix
// makes the map with that count. Map runs once per message of every
// NOTIFY frame, on every request HAProxy offloads. Upstream speaks SPOP's
// binary frames with HELLO and DISCONNECT handshakes; here a frame is a
// length, a type byte and a payload, and only NOTIFY is kept.
package spoe

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
)

// Handler answers the messages of one NOTIFY frame with actions.
type Handler func(msgs *MessageIterator) ([]Action, error)

// Action sets a variable in HAProxy's scope.
type Action struct {
	Name  string
	Value string
}

// Agent serves SPOE connections from HAProxy.
type Agent struct {
	Handler Handler
}

// New returns an agent that calls h for every NOTIFY frame.
func New(h Handler) *Agent { return &Agent{Handler: h} }

// ListenAndServe listens on addr and serves every connection.
func (a *Agent) ListenAndServe(addr string) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.Serve(lis)
}

// Serve accepts connections on lis.
func (a *Agent) Serve(lis net.Listener) error {
	for {
		c, err := lis.Accept()
		if err != nil {
			return err
		}
		go func() {
			if err := a.serveConn(c); err != nil && !errors.Is(err, io.EOF) {
				log.Printf("spoe: %v", err)
			}
		}()
	}
}

const (
	frameNotify = 3
	frameAck    = 103
)

func (a *Agent) serveConn(c net.Conn) error {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	for {
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return err
		}
		size := binary.BigEndian.Uint32(hdr[:4])
		if size > 1<<16 {
			return errors.New("frame too large")
		}
		payload := make([]byte, size)
		if _, err := io.ReadFull(r, payload); err != nil {
			return err
		}
		if hdr[4] != frameNotify {
			continue
		}
		actions, err := a.Handler(&MessageIterator{b: payload})
		if err != nil {
			return err
		}
		if err := writeAck(w, actions); err != nil {
			return err
		}
	}
}

func writeAck(w *bufio.Writer, actions []Action) error {
	var body []byte
	for _, act := range actions {
		body = appendString(body, act.Name)
		body = appendString(body, act.Value)
	}
	var hdr [5]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(body)))
	hdr[4] = frameAck
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	return w.Flush()
}
