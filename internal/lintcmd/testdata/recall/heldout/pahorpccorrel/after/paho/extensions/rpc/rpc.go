// Package rpc does request/response over MQTT v5 with a paho Client: a
// request carries a correlation ID and a response topic, and the response
// that comes back with the same correlation ID is handed to the waiting
// caller.
//
// The fixed shape of eclipse-paho/paho.golang after
// https://github.com/eclipse-paho/paho.golang/pull/329 (commit 1e8aa68):
// Request defers the delete of its correlation entry, so it goes whether
// the request was answered, timed out, was cancelled or failed to publish.
package rpc

import (
	"context"
	"fmt"
	"sync"
	"time"

	"recall/heldout/pahorpccorrel/after/paho"
)

// Handler provides request/response over a paho Client.
type Handler struct {
	sync.Mutex
	c          *paho.Client
	correlData map[string]chan *paho.Publish
}

// NewHandler subscribes to the client's response topic and returns a
// handler that sends requests through c.
func NewHandler(ctx context.Context, c *paho.Client) (*Handler, error) {
	h := &Handler{
		c:          c,
		correlData: make(map[string]chan *paho.Publish),
	}

	responseTopic := c.ClientID() + "/responses"
	c.AddOnPublishReceived(func(pr paho.PublishReceived) (bool, error) {
		if pr.Packet.Topic == responseTopic {
			h.responseHandler(pr.Packet)
			return true, nil
		}
		return false, nil
	})

	if _, err := c.Subscribe(ctx, &paho.Subscribe{
		Subscriptions: []paho.SubscribeOptions{{Topic: responseTopic, QoS: 1}},
	}); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *Handler) addCorrelID(cID string, r chan *paho.Publish) {
	h.Lock()
	defer h.Unlock()
	h.correlData[cID] = r
}

func (h *Handler) removeCorrelID(cID string) {
	h.Lock()
	defer h.Unlock()
	delete(h.correlData, cID)
}

func (h *Handler) getCorrelIDChan(cID string) chan *paho.Publish {
	h.Lock()
	defer h.Unlock()
	rChan := h.correlData[cID]
	delete(h.correlData, cID)
	return rChan
}

// Request publishes pb and waits for its response or for ctx to end.
func (h *Handler) Request(ctx context.Context, pb *paho.Publish) (*paho.Publish, error) {
	cID := fmt.Sprintf("%d", time.Now().UnixNano())
	rChan := make(chan *paho.Publish, 1)

	h.addCorrelID(cID, rChan)
	// responseHandler removes the entry only when a response comes; this
	// removes it on every other way out.
	defer h.removeCorrelID(cID)

	if pb.Properties == nil {
		pb.Properties = &paho.PublishProperties{}
	}
	pb.Properties.CorrelationData = []byte(cID)
	pb.Properties.ResponseTopic = h.c.ClientID() + "/responses"
	pb.Retain = false

	if _, err := h.c.Publish(ctx, pb); err != nil {
		return nil, err
	}

	select {
	case resp := <-rChan:
		return resp, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *Handler) responseHandler(pb *paho.Publish) {
	if pb.Properties == nil || pb.Properties.CorrelationData == nil {
		return
	}
	rChan := h.getCorrelIDChan(string(pb.Properties.CorrelationData))
	if rChan == nil {
		return
	}
	rChan <- pb
}
