// Package common holds the REST handlers of the server: the admin
// endpoints over tracked requests and a resource endpoint that reports
// its progress (see package client for the upstream fix).
package common

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"recall/heldout/tumblebugreqmap/before/core/common/client"
)

// GetRequest serves GET /request/{reqId}.
func GetRequest(w http.ResponseWriter, r *http.Request) {
	if details, ok := client.RequestMap.Load(r.PathValue("reqId")); ok {
		json.NewEncoder(w).Encode(details)
		return
	}
	http.Error(w, "Request ID not found", http.StatusNotFound)
}

// DeleteRequest serves DELETE /request/{reqId}: an operator drops one
// entry.
func DeleteRequest(w http.ResponseWriter, r *http.Request) {
	reqID := r.PathValue("reqId")
	if _, ok := client.RequestMap.Load(reqID); ok {
		client.RequestMap.Delete(reqID)
		w.Write([]byte("Request deleted successfully\n"))
		return
	}
	http.Error(w, "Request ID not found", http.StatusNotFound)
}

// DeleteAllRequests serves DELETE /requests: an operator drops them all.
func DeleteAllRequests(w http.ResponseWriter, r *http.Request) {
	client.RequestMap.Range(func(key, _ any) bool {
		client.RequestMap.Delete(key)
		return true
	})
	w.Write([]byte("All requests deleted successfully\n"))
}

// RegisterResource serves POST /ns/{nsId}/resource: it validates the
// posted names one by one, reporting each step as progress.
func RegisterResource(w http.ResponseWriter, r *http.Request) {
	reqID := r.Header.Get(client.RequestIDHeader)
	var req struct {
		Names []string `json:"names"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		client.EndRequestWithLog(w, r, err, nil)
		return
	}
	var done []string
	for _, name := range req.Names {
		if strings.TrimSpace(name) == "" {
			client.EndRequestWithLog(w, r, errors.New("empty resource name"), done)
			return
		}
		done = append(done, r.PathValue("nsId")+"/"+name)
		client.UpdateRequestProgress(reqID, map[string]string{"registered": name})
	}
	client.EndRequestWithLog(w, r, nil, done)
}
