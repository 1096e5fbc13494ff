package runtime

import (
	"context"
	"net/http"
	"time"
)

// ContextScopeTagsExtractor draws metric scope tags from a request's
// context.
type ContextScopeTagsExtractor func(ctx context.Context) map[string]string

// Endpoint serves one gateway endpoint, tagging its metrics with the
// endpoint name, the forwarded headers and what the extractors draw.
type Endpoint struct {
	Name       string
	Forward    []string
	Metrics    *ContextMetrics
	Extractors []ContextScopeTagsExtractor
	Handle     func(ctx context.Context, w http.ResponseWriter, r *http.Request)
}

// DefaultExtractors tag a request's metrics with its endpoint headers.
var DefaultExtractors = []ContextScopeTagsExtractor{GetEndpointRequestHeadersFromCtx}

func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := WithRequestUUID(r.Context(), r.Header.Get("X-Request-Uuid"))
	headers := map[string]string{}
	for _, name := range e.Forward {
		if v := r.Header.Get(name); v != "" {
			headers[name] = v
		}
	}
	ctx = WithEndpointRequestHeadersField(ctx, headers)
	ctx = WithScopeTags(ctx, map[string]string{"endpoint": e.Name})
	for _, extract := range e.Extractors {
		ctx = WithScopeTags(ctx, extract(ctx))
	}
	e.Metrics.IncCounter(ctx, "inbound.calls.recvd", 1)
	e.Handle(ctx, w, r.WithContext(ctx))
	e.Metrics.RecordTimer(ctx, "inbound.calls.latency", time.Since(start))
}
