// Package client reproduces, in its own words, the request tracking of
// CB-Tumblebug's core (src/core/common/client) as it was before commit
// a3ebfc8b6f953b1be66f9cc99235c7b5ce38318f ("Enhance system stability for
// registering massive resources", cloud-barista/cb-tumblebug PR #2327;
// https://github.com/cloud-barista/cb-tumblebug/pull/2327; before/ is the
// code before the change, after/ as changed). Every REST request gets an
// entry in the package-level RequestMap, keyed by its X-Request-Id header
// (or a timestamp when the client sends none), that the handlers update
// with progress and the final response. Only two admin endpoints deleted
// entries (one ID, or all of them), so a server that nobody cleaned by
// hand kept every request it ever served, with its body and response.
// The fix added a background goroutine that evicts entries older than an
// hour and the oldest beyond 1000.
package client

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// RequestInfo is what the server keeps of an incoming request.
type RequestInfo struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header"`
	Body   any               `json:"body"`
}

// RequestDetails tracks one request from arrival to response.
type RequestDetails struct {
	StartTime     time.Time   `json:"startTime"`
	EndTime       time.Time   `json:"endTime"`
	Status        string      `json:"status"`
	RequestInfo   RequestInfo `json:"requestInfo"`
	ResponseData  any         `json:"responseData"`
	ErrorResponse string      `json:"errorResponse"`
}

// RequestIDHeader carries the request's ID, from the client or issued by
// the server.
const RequestIDHeader = "X-Request-Id"

// RequestMap holds the details of requests by request ID.
var RequestMap = sync.Map{}

// ExtractRequestInfo reads what is kept of r, leaving its body readable.
func ExtractRequestInfo(r *http.Request) RequestInfo {
	header := map[string]string{}
	for name, values := range r.Header {
		if name == "Authorization" || name == "Cookie" {
			continue
		}
		header[name] = values[0]
	}
	var body any
	if r.Body != nil {
		if b, err := io.ReadAll(r.Body); err == nil {
			json.Unmarshal(b, &body)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	return RequestInfo{Method: r.Method, URL: r.URL.String(), Header: header, Body: body}
}

// UpdateRequestProgress appends progress to the request's response data.
func UpdateRequestProgress(reqID string, progress any) {
	v, ok := RequestMap.Load(reqID)
	if !ok {
		return
	}
	details := v.(RequestDetails)
	steps, _ := details.ResponseData.([]any)
	details.ResponseData = append(steps, progress)
	RequestMap.Store(reqID, details)
}

// EndRequestWithLog records the outcome of the request and writes the
// response.
func EndRequestWithLog(w http.ResponseWriter, r *http.Request, err error, data any) {
	reqID := r.Header.Get(RequestIDHeader)
	v, ok := RequestMap.Load(reqID)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Invalid Request ID"})
		return
	}
	details := v.(RequestDetails)
	details.EndTime = time.Now()
	w.Header().Set(RequestIDHeader, reqID)
	if err != nil {
		details.Status = "Error"
		details.ErrorResponse = err.Error()
		RequestMap.Store(reqID, details)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	details.Status = "Success"
	details.ResponseData = data
	RequestMap.Store(reqID, details)
	writeJSON(w, http.StatusOK, data)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
