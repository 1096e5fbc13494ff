package getty

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

const RpcRequestTimeout = 20 * time.Second

var (
	remotingClient     *GettyRemotingClient
	onceRemotingClient sync.Once
)

// GettyRemotingClient is the process-wide client of the transaction
// coordinator.
type GettyRemotingClient struct {
	idGenerator   atomic.Uint32
	gettyRemoting *GettyRemoting
}

func GetGettyRemotingClient() *GettyRemotingClient {
	onceRemotingClient.Do(func() {
		remotingClient = &GettyRemotingClient{gettyRemoting: newGettyRemoting()}
	})
	return remotingClient
}

func (c *GettyRemotingClient) SendSyncRequest(body interface{}) (interface{}, error) {
	msg := RpcMessage{ID: int32(c.idGenerator.Add(1)), Type: TypeRequestSync, Body: body}
	return c.gettyRemoting.SendSync(msg, nil, c.syncCallback)
}

func (c *GettyRemotingClient) SendAsyncRequest(body interface{}) error {
	msg := RpcMessage{ID: int32(c.idGenerator.Add(1)), Type: TypeRequestOneway, Body: body}
	return c.gettyRemoting.SendAsync(msg, nil, c.asyncCallback)
}

func (c *GettyRemotingClient) asyncCallback(req RpcMessage, resp *MessageFuture) (interface{}, error) {
	go c.syncCallback(req, resp)
	return nil, nil
}

func (c *GettyRemotingClient) syncCallback(req RpcMessage, resp *MessageFuture) (interface{}, error) {
	t := time.NewTimer(RpcRequestTimeout)
	defer t.Stop()
	select {
	case <-t.C:
		return nil, fmt.Errorf("wait response timeout, request: %d", req.ID)
	case <-resp.Done:
		return resp.Response, resp.Err
	}
}

func (c *GettyRemotingClient) GetMessageFuture(id int32) *MessageFuture {
	return c.gettyRemoting.GetMessageFuture(id)
}

func (c *GettyRemotingClient) RemoveMessageFuture(id int32) {
	c.gettyRemoting.RemoveMessageFuture(id)
}

func (c *GettyRemotingClient) NotifyRpcMessageResponse(msg RpcMessage) {
	c.gettyRemoting.NotifyRpcMessageResponse(msg)
}
