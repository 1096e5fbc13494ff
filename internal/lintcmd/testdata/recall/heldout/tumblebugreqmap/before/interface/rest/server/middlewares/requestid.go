// Package middlewares issues request IDs and opens each request's entry in
// the core's request map (see package client for the upstream fix).
package middlewares

import (
	"fmt"
	"net/http"
	"time"

	"recall/heldout/tumblebugreqmap/before/core/common/client"
)

// RequestIDAndDetailsIssuer gives every request an ID, unless the client
// sent one, and records it as being handled.
func RequestIDAndDetailsIssuer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqID := r.Header.Get(client.RequestIDHeader)
		if reqID == "" {
			reqID = fmt.Sprintf("%d", time.Now().UnixNano())
			r.Header.Set(client.RequestIDHeader, reqID)
		}
		if _, ok := client.RequestMap.Load(reqID); ok {
			http.Error(w, "the X-Request-Id is already in use", http.StatusConflict)
			return
		}
		w.Header().Set(client.RequestIDHeader, reqID)
		details := client.RequestDetails{
			StartTime:   time.Now(),
			Status:      "Handling",
			RequestInfo: client.ExtractRequestInfo(r),
		}
		client.RequestMap.Store(reqID, details) // want growonly "."
		next.ServeHTTP(w, r)
	})
}
