// Package jsonrpc speaks JSON-RPC 1.0 over a stream: one JSON object per
// request and per response.
package jsonrpc

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Request is an outgoing call.
type Request struct {
	ID     int           `json:"id"`
	Method string        `json:"method"`
	Params []interface{} `json:"params"`
}

// Response is a reply to a Request, or a notification when ID is nil.
type Response struct {
	ID     *int            `json:"id"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  interface{}     `json:"error"`
	Method string          `json:"method,omitempty"`
}

// Err reports the JSON-RPC error of the response, if any.
func (r *Response) Err() error {
	if r.Error == nil {
		return nil
	}
	return fmt.Errorf("jsonrpc error: %v", r.Error)
}

// Conn sends requests and receives responses on one stream.
type Conn struct {
	closer io.Closer

	sendMu sync.Mutex
	enc    *json.Encoder

	recvMu sync.Mutex
	dec    *json.Decoder
}

// NewConn wraps rwc.
func NewConn(rwc io.ReadWriteCloser) *Conn {
	return &Conn{closer: rwc, enc: json.NewEncoder(rwc), dec: json.NewDecoder(rwc)}
}

// Send writes one request.
func (c *Conn) Send(req Request) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return c.enc.Encode(req)
}

// Receive reads the next response.
func (c *Conn) Receive() (*Response, error) {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	var res Response
	if err := c.dec.Decode(&res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Close closes the stream.
func (c *Conn) Close() error { return c.closer.Close() }
