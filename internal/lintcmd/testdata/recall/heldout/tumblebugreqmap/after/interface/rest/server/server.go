// Package server wires the REST routes of the server (see package client
// for the upstream fix).
package server

import (
	"net/http"

	"recall/heldout/tumblebugreqmap/after/interface/rest/server/common"
	"recall/heldout/tumblebugreqmap/after/interface/rest/server/middlewares"
)

// RunServer serves the REST API on addr.
func RunServer(addr string) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /request/{reqId}", common.GetRequest)
	mux.HandleFunc("DELETE /request/{reqId}", common.DeleteRequest)
	mux.HandleFunc("DELETE /requests", common.DeleteAllRequests)
	mux.HandleFunc("POST /ns/{nsId}/resource", common.RegisterResource)
	return http.ListenAndServe(addr, middlewares.RequestIDAndDetailsIssuer(mux))
}
