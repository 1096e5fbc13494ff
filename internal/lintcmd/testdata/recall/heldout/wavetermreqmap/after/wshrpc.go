// Package wshutil reproduces, in its own words, the response-handler leak
// fixed in Wave Terminal: https://github.com/wavetermdev/waveterm/pull/2510
// (commit e359c766b0aa97da17596a77d835dc76b8123b56; before/ is the code
// before the fix, after/ as fixed). Every incoming request registers a
// handler under its request ID; Finalize unregistered it only when the
// handler had not yet sent its final response, so almost every handler
// stayed in the map.
package wshutil

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

type RpcMessage struct {
	Command string          `json:"command,omitempty"`
	ReqId   string          `json:"reqid,omitempty"`
	ResId   string          `json:"resid,omitempty"`
	Timeout int64           `json:"timeout,omitempty"`
	Cont    bool            `json:"cont,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// WshRpc is one RPC endpoint; it serves its connection for the app's life.
type WshRpc struct {
	Lock               sync.Mutex
	InputCh            chan []byte
	OutputCh           chan []byte
	ResponseHandlerMap map[string]*RpcResponseHandler
	Serve              func(*RpcResponseHandler) bool // false: async, caller finalizes
}

func MakeWshRpc(in, out chan []byte, serve func(*RpcResponseHandler) bool) *WshRpc {
	w := &WshRpc{InputCh: in, OutputCh: out, ResponseHandlerMap: make(map[string]*RpcResponseHandler), Serve: serve}
	go w.runServer()
	return w
}

func (w *WshRpc) registerResponseHandler(reqId string, h *RpcResponseHandler) {
	w.Lock.Lock()
	defer w.Lock.Unlock()
	w.ResponseHandlerMap[reqId] = h
}

func (w *WshRpc) unregisterResponseHandler(reqId string) {
	w.Lock.Lock()
	defer w.Lock.Unlock()
	delete(w.ResponseHandlerMap, reqId)
}

func (w *WshRpc) cancelRequest(reqId string) {
	w.Lock.Lock()
	defer w.Lock.Unlock()
	if h := w.ResponseHandlerMap[reqId]; h != nil {
		h.canceled.Store(true)
	}
}

func (w *WshRpc) handleRequest(req *RpcMessage) {
	timeout := time.Duration(req.Timeout) * time.Millisecond
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	h := &RpcResponseHandler{w: w, ctx: ctx, cancel: cancel, reqId: req.ReqId, command: req.Command}
	w.registerResponseHandler(req.ReqId, h)
	isAsync := false
	defer func() {
		if isAsync {
			go func() {
				<-ctx.Done()
				h.Finalize()
			}()
		} else {
			cancel()
			h.Finalize()
		}
	}()
	isAsync = !w.Serve(h)
}

func (w *WshRpc) runServer() {
	defer close(w.OutputCh)
	for msgBytes := range w.InputCh {
		var msg RpcMessage
		if err := json.Unmarshal(msgBytes, &msg); err != nil {
			continue
		}
		if msg.Command == "cancel" {
			w.cancelRequest(msg.ReqId)
			continue
		}
		if msg.Command != "" {
			go w.handleRequest(&msg)
		}
	}
}

type RpcResponseHandler struct {
	w        *WshRpc
	ctx      context.Context
	cancel   context.CancelFunc
	reqId    string
	command  string
	canceled atomic.Bool
	done     atomic.Bool
}

func (h *RpcResponseHandler) Context() context.Context { return h.ctx }

// SendResponse sends data; done ends the response stream.
func (h *RpcResponseHandler) SendResponse(data any, done bool) error {
	if h.reqId == "" || h.done.Load() {
		return nil
	}
	if done {
		defer h.close()
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(&RpcMessage{ResId: h.reqId, Data: raw, Cont: !done})
	h.w.OutputCh <- b
	return nil
}

func (h *RpcResponseHandler) close() {
	h.cancel()
	h.done.Store(true)
}

// Finalize ends the request; an async handler's caller must call it.
func (h *RpcResponseHandler) Finalize() {
	if h.reqId != "" {
		h.w.unregisterResponseHandler(h.reqId)
	}
	if h.reqId == "" || h.done.Load() {
		return
	}
	h.SendResponse(nil, true)
	h.close()
}
