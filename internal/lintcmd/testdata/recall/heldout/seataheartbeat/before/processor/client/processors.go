// Package client holds the processors of the messages the coordinator
// sends to a seata-go client (see package getty).
package client

import (
	"context"
	"log"

	"recall/heldout/seataheartbeat/before/getty"
)

// Init registers the client's processors with the session handler.
func Init() {
	h := getty.GetGettyClientHandlerInstance()
	h.RegisterProcessor(getty.TypeHeartbeatResponse, &clientHeartBeatProcessor{})
	h.RegisterProcessor(getty.TypeResponse, &clientOnResponseProcessor{})
}

type clientHeartBeatProcessor struct{}

func (p *clientHeartBeatProcessor) Process(ctx context.Context, msg getty.RpcMessage) error {
	if hb, ok := msg.Body.(getty.HeartBeatMessage); ok && !hb.Ping {
		log.Printf("received PONG %d", msg.ID)
	}
	return nil
}

type clientOnResponseProcessor struct{}

func (p *clientOnResponseProcessor) Process(ctx context.Context, msg getty.RpcMessage) error {
	c := getty.GetGettyRemotingClient()
	if f := c.GetMessageFuture(msg.ID); f != nil {
		c.NotifyRpcMessageResponse(msg)
		c.RemoveMessageFuture(msg.ID)
	}
	return nil
}
