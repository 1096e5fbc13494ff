// Package browser_extension routes the browser extensions' channels.
package browser_extension

import (
	"net/http"

	"recall/heldout/twofashubs/before/internal/websocket/common"
)

// RoutesHandler holds the connection handler the routes share.
type RoutesHandler struct {
	connectionHandler *common.ConnectionHandler
}

// NewRoutesHandler returns the routes of handler.
func NewRoutesHandler(handler *common.ConnectionHandler) *RoutesHandler {
	return &RoutesHandler{connectionHandler: handler}
}

// Register adds the routes to mux: an extension's channel, a 2FA
// request's channel, and a health check.
func Register(routes *RoutesHandler, mux *http.ServeMux) {
	mux.Handle("GET /browser_extensions/{extension_id}", routes.connectionHandler.Handler())
	mux.Handle("GET /browser_extensions/{extension_id}/2fa_requests/{token_request_id}", routes.connectionHandler.Handler())
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
}
