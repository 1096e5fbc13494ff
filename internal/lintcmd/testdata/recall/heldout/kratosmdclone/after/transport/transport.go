// Package transport exposes the transport (HTTP or gRPC) a request came
// in on, or goes out on, through its context.
package transport

import "context"

// Header is a transport's header carrier.
type Header interface {
	Get(key string) string
	Set(key, value string)
	Keys() []string
}

// Transporter is one request's transport.
type Transporter interface {
	Kind() string
	Endpoint() string
	Operation() string
	RequestHeader() Header
	ReplyHeader() Header
}

type serverKey struct{}
type clientKey struct{}

// NewServerContext returns ctx carrying the server transport tr.
func NewServerContext(ctx context.Context, tr Transporter) context.Context {
	return context.WithValue(ctx, serverKey{}, tr)
}

// FromServerContext returns the server transport of ctx.
func FromServerContext(ctx context.Context) (Transporter, bool) {
	tr, ok := ctx.Value(serverKey{}).(Transporter)
	return tr, ok
}

// NewClientContext returns ctx carrying the client transport tr.
func NewClientContext(ctx context.Context, tr Transporter) context.Context {
	return context.WithValue(ctx, clientKey{}, tr)
}

// FromClientContext returns the client transport of ctx.
func FromClientContext(ctx context.Context) (Transporter, bool) {
	tr, ok := ctx.Value(clientKey{}).(Transporter)
	return tr, ok
}
