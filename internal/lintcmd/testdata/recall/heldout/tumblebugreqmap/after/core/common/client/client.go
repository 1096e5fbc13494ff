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
	"sort"
	"sync"
	"sync/atomic"
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

// requestCount approximates the number of entries of RequestMap, which
// has no length of its own.
var requestCount int64

const (
	requestTTL        = time.Hour
	cleanupInterval   = 10 * time.Minute
	maxTrackedEntries = 1000
)

func init() {
	go func() {
		t := time.NewTicker(cleanupInterval)
		defer t.Stop()
		for range t.C {
			cleanupRequestMap(time.Now())
		}
	}()
}

// IncrementRequestMapCount counts an entry added to RequestMap.
func IncrementRequestMapCount() { atomic.AddInt64(&requestCount, 1) }

// lastTouched is when the entry last changed: its end, or its start while
// it is still being handled.
func lastTouched(d RequestDetails) time.Time {
	if d.EndTime.IsZero() {
		return d.StartTime
	}
	return d.EndTime
}

// cleanupRequestMap drops the entries older than requestTTL, then the
// oldest ones while more than maxTrackedEntries remain.
func cleanupRequestMap(now time.Time) {
	type aged struct {
		key string
		at  time.Time
	}
	var live []aged
	RequestMap.Range(func(k, v any) bool {
		d, ok := v.(RequestDetails)
		if !ok {
			RequestMap.Delete(k)
			return true
		}
		if at := lastTouched(d); at.Before(now.Add(-requestTTL)) {
			RequestMap.Delete(k)
			atomic.AddInt64(&requestCount, -1)
		} else {
			live = append(live, aged{k.(string), at})
		}
		return true
	})
	over := int(atomic.LoadInt64(&requestCount)) - maxTrackedEntries
	if over <= 0 {
		return
	}
	sort.Slice(live, func(i, j int) bool { return live[i].at.Before(live[j].at) })
	for _, e := range live[:min(over, len(live))] {
		RequestMap.Delete(e.key)
		atomic.AddInt64(&requestCount, -1)
	}
}

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
