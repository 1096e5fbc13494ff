// Package godet reproduces, in its own words, the response-channel leak
// fixed in godet: https://github.com/raff/godet/issues/12 (commit
// e88c2df6561b2660e9a679c851673f45e4bb9489; before/ is the code before the
// fix, after/ as fixed). Every request to the remote debugger parks a
// reply channel under its request ID; once the reply came, the entry was
// set to nil instead of deleted, so the map kept one key per request.
package godet

import (
	"encoding/json"
	"net"
	"sync"
)

type wsMessage struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Method string          `json:"method"`
}

// RemoteDebugger is one connection to a browser's debugging port, kept
// for as long as the browser is driven.
type RemoteDebugger struct {
	conn net.Conn
	sync.Mutex
	reqID     int
	requests  chan map[string]any
	responses map[int]chan json.RawMessage
	closed    chan struct{}
}

// Connect opens the connection and starts its reader and writer.
func Connect(addr string) (*RemoteDebugger, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &RemoteDebugger{
		conn:      c,
		requests:  make(chan map[string]any),
		responses: map[int]chan json.RawMessage{},
		closed:    make(chan struct{}),
	}
	go r.sendMessages()
	go r.readMessages()
	return r, nil
}

// SendRequest calls a method of the browser and waits for its reply.
func (r *RemoteDebugger) SendRequest(method string, params map[string]any) (json.RawMessage, error) {
	r.Lock()
	id := r.reqID
	r.responses[id] = make(chan json.RawMessage, 1)
	r.reqID++
	r.Unlock()

	r.requests <- map[string]any{"id": id, "method": method, "params": params}

	reply := <-r.responses[id]
	r.Lock()
	delete(r.responses, id)
	r.Unlock()
	return reply, nil
}

func (r *RemoteDebugger) sendMessages() {
	enc := json.NewEncoder(r.conn)
	for m := range r.requests {
		enc.Encode(m)
	}
}

func (r *RemoteDebugger) readMessages() {
	dec := json.NewDecoder(r.conn)
	for {
		select {
		case <-r.closed:
			return
		default:
		}
		var m wsMessage
		if err := dec.Decode(&m); err != nil {
			return
		}
		if m.Method != "" {
			continue // events are handled elsewhere
		}
		r.Lock()
		ch := r.responses[m.ID]
		r.Unlock()
		if ch != nil {
			ch <- m.Result
		}
	}
}
