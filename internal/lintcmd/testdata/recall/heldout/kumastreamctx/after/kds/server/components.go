package server

import (
	"net"

	"recall/heldout/kumastreamctx/after/multitenant"
	"recall/heldout/kumastreamctx/after/xds"
)

// New returns the global control plane's KDS server, listening on addr.
func New(addr string, tenants multitenant.Tenants) (*xds.Server, net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	srv := xds.NewServer(NewTenancyCallbacks(tenants), func(req *xds.DeltaDiscoveryRequest) any {
		return map[string]any{"type_url": req.TypeURL, "tenant": req.Node.Metadata["tenant"]}
	})
	go srv.Serve(l)
	return srv, l, nil
}
