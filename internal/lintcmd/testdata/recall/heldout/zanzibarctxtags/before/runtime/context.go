// Package runtime reproduces, in its own words, the request-context
// helpers of Uber's Zanzibar gateway runtime as they were before commit
// 22c1c0466d7d2b2fda4c08f6c5a77bdc4032c5e9 ("performance optimisation:
// avoid map regrow calls", uber/zanzibar PR #875:
// https://github.com/uber/zanzibar/pull/875; before/ is the code before
// the change, after/ as merged). Each request's headers and metric scope
// tags travel in its context as a map; reading them copies the map, which
// every metric emitted for the request does. The copies were made empty
// and grown key by key from a map whose size was known; the fix makes
// them with that size.
package runtime

import (
	"context"
	"time"
)

type contextKey string

const (
	endpointRequestHeader = contextKey("endpointRequestHeader")
	scopeTags             = contextKey("scopeTags")
	requestUUIDKey        = contextKey("requestUUID")
)

// WithEndpointRequestHeadersField adds the endpoint's request headers to
// the context, on top of those already there.
func WithEndpointRequestHeadersField(ctx context.Context, requestHeaders map[string]string) context.Context {
	headers := GetEndpointRequestHeadersFromCtx(ctx)
	for k, v := range requestHeaders {
		headers[k] = v
	}
	return context.WithValue(ctx, endpointRequestHeader, headers)
}

// GetEndpointRequestHeadersFromCtx returns a copy of the endpoint request
// headers of the context.
func GetEndpointRequestHeadersFromCtx(ctx context.Context) map[string]string {
	requestHeaders := make(map[string]string) // want mapprealloc "."
	if val := ctx.Value(endpointRequestHeader); val != nil {
		headers, _ := val.(map[string]string)
		for k, v := range headers {
			requestHeaders[k] = v
		}
	}
	return requestHeaders
}

// WithRequestUUID returns a context carrying the request's UUID.
func WithRequestUUID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestUUIDKey, id)
}

// WithScopeTags adds metric scope tags to the context, on top of those
// already there.
func WithScopeTags(ctx context.Context, newTags map[string]string) context.Context {
	tags := GetScopeTagsFromCtx(ctx)
	for k, v := range newTags {
		tags[k] = v
	}
	return context.WithValue(ctx, scopeTags, tags)
}

// GetScopeTagsFromCtx returns a copy of the metric scope tags of the
// context.
func GetScopeTagsFromCtx(ctx context.Context) map[string]string {
	tags := make(map[string]string) // want mapprealloc "."
	if val := ctx.Value(scopeTags); val != nil {
		headers, _ := val.(map[string]string)
		for k, v := range headers {
			tags[k] = v
		}
	}
	return tags
}

// Scope emits metrics under a set of tags.
type Scope interface {
	Tagged(tags map[string]string) Scope
	Counter(name string, delta int64)
	Timer(name string, d time.Duration)
}

// ContextMetrics emits a request's metrics tagged with its context's
// scope tags.
type ContextMetrics struct {
	scope Scope
}

// NewContextMetrics returns metrics emitted through scope.
func NewContextMetrics(scope Scope) *ContextMetrics {
	return &ContextMetrics{scope: scope}
}

// IncCounter adds value to the named counter of the request's scope.
func (c *ContextMetrics) IncCounter(ctx context.Context, name string, value int64) {
	c.scope.Tagged(GetScopeTagsFromCtx(ctx)).Counter(name, value)
}

// RecordTimer records d on the named timer of the request's scope.
func (c *ContextMetrics) RecordTimer(ctx context.Context, name string, d time.Duration) {
	c.scope.Tagged(GetScopeTagsFromCtx(ctx)).Timer(name, d)
}
