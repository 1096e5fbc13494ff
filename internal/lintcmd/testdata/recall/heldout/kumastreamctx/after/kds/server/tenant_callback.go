// Package server reproduces, in its own words, the stream-context leak of
// Kuma's KDS server (the control plane's sync between zones) fixed in
// https://github.com/kumahq/kuma/pull/12243 (commit
// e02711eaf89b987d391cbd0e13b49d4f262f25d2; before/ is the code before the
// fix, after/ as fixed). The tenancy callbacks keep each delta stream's
// context under the stream's ID, so that every request of the stream can
// be stamped with its tenant. The context was stored when a stream opened
// and never removed: the server numbers streams with an ever-increasing
// counter, so each zone reconnect added an entry, and its context, that
// stayed for the life of the control plane. The fix deletes the entry
// when the stream closes.
package server

import (
	"context"
	"errors"
	"sync"

	"recall/heldout/kumastreamctx/after/multitenant"
	"recall/heldout/kumastreamctx/after/xds"
)

type tenancyCallbacks struct {
	tenants multitenant.Tenants

	sync.RWMutex
	streamToCtx map[int64]context.Context
	xds.NoopCallbacks
}

func NewTenancyCallbacks(tenants multitenant.Tenants) xds.Callbacks {
	return &tenancyCallbacks{
		tenants:     tenants,
		streamToCtx: map[int64]context.Context{},
	}
}

func (c *tenancyCallbacks) OnDeltaStreamOpen(ctx context.Context, streamID int64, _ string) error {
	c.Lock()
	c.streamToCtx[streamID] = ctx
	c.Unlock()
	return nil
}

func (c *tenancyCallbacks) OnStreamDeltaRequest(streamID int64, req *xds.DeltaDiscoveryRequest) error {
	c.RLock()
	defer c.RUnlock()
	ctx, ok := c.streamToCtx[streamID]
	if !ok {
		return errors.New("context is missing")
	}
	tenantID, err := c.tenants.GetID(ctx)
	if err != nil {
		return err
	}
	if req.Node == nil {
		req.Node = &xds.Node{}
	}
	if req.Node.Metadata == nil {
		req.Node.Metadata = map[string]string{}
	}
	req.Node.Metadata["tenant"] = tenantID
	return nil
}

func (c *tenancyCallbacks) OnDeltaStreamClosed(streamID int64, _ *xds.Node) {
	c.Lock()
	delete(c.streamToCtx, streamID)
	c.Unlock()
}
