// Package getty reproduces, in its own words, the message-future leak of
// seata-go's remoting client fixed in
// https://github.com/apache/incubator-seata-go/pull/665 (commit
// cd8588e0909fd6b0f458fb0c3d47ab676e01d672; before/ is the code before the
// fix, after/ as fixed). Every message the client sends is registered in
// the remoting's futures under its message ID, and the processor that
// handles the answer removes it. The heartbeat the client sends on every
// session's cron tick is answered by the server's PONG, whose processor
// (in package processor/client) only logged it: one future per heartbeat
// stayed in the map for the life of the process. The fix removes the
// heartbeat's future when its PONG arrives.
package getty

import (
	"errors"
	"sync"
)

// RpcMessage is one frame on a session.
type RpcMessage struct {
	ID   int32
	Type byte
	Body interface{}
}

const (
	TypeRequestSync byte = iota
	TypeRequestOneway
	TypeResponse
	TypeHeartbeatRequest
	TypeHeartbeatResponse
)

// HeartBeatMessage is a PING (Ping true) or its PONG.
type HeartBeatMessage struct{ Ping bool }

// ResultMessage answers a request.
type ResultMessage struct {
	Code int
	Msg  string
}

// MessageFuture waits for the answer to one message.
type MessageFuture struct {
	ID       int32
	Response interface{}
	Err      error
	Done     chan struct{}
}

func NewMessageFuture(msg RpcMessage) *MessageFuture {
	return &MessageFuture{ID: msg.ID, Done: make(chan struct{}, 1)}
}

type callbackMethod func(req RpcMessage, resp *MessageFuture) (interface{}, error)

// GettyRemoting matches answers to the messages sent.
type GettyRemoting struct {
	futures *sync.Map
}

func newGettyRemoting() *GettyRemoting {
	return &GettyRemoting{futures: &sync.Map{}}
}

func (g *GettyRemoting) SendAsync(msg RpcMessage, s *Session, callback callbackMethod) error {
	if s == nil {
		s = sessionManager.selectSession()
	}
	_, err := g.sendAsync(s, msg, callback)
	return err
}

func (g *GettyRemoting) SendSync(msg RpcMessage, s *Session, callback callbackMethod) (interface{}, error) {
	if s == nil {
		s = sessionManager.selectSession()
	}
	return g.sendAsync(s, msg, callback)
}

func (g *GettyRemoting) sendAsync(s *Session, msg RpcMessage, callback callbackMethod) (interface{}, error) {
	if s == nil || s.IsClosed() {
		return nil, errors.New("session is closed")
	}
	resp := NewMessageFuture(msg)
	g.futures.Store(msg.ID, resp) // want growonly "."
	if err := s.WritePkg(msg); err != nil {
		g.futures.Delete(msg.ID)
		return nil, err
	}
	if callback != nil {
		return callback(msg, resp)
	}
	return nil, nil
}

func (g *GettyRemoting) GetMessageFuture(id int32) *MessageFuture {
	if v, ok := g.futures.Load(id); ok {
		return v.(*MessageFuture)
	}
	return nil
}

func (g *GettyRemoting) RemoveMessageFuture(id int32) {
	g.futures.Delete(id)
}

func (g *GettyRemoting) NotifyRpcMessageResponse(msg RpcMessage) {
	if f := g.GetMessageFuture(msg.ID); f != nil {
		f.Response = msg.Body
		f.Done <- struct{}{}
	}
}
