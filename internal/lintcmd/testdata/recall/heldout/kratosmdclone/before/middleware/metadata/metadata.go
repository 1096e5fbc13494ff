// Package metadata is the middleware that moves metadata between
// transport headers and the request context.
package metadata

import (
	"context"
	"strings"

	"recall/heldout/kratosmdclone/before/metadata"
	"recall/heldout/kratosmdclone/before/middleware"
	"recall/heldout/kratosmdclone/before/transport"
)

// Option configures the middleware.
type Option func(*options)

type options struct {
	prefix []string
	md     metadata.Metadata
}

func (o *options) hasPrefix(key string) bool {
	k := strings.ToLower(key)
	for _, p := range o.prefix {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// WithConstants adds fixed metadata to every request.
func WithConstants(md metadata.Metadata) Option {
	return func(o *options) { o.md = md }
}

// WithPropagatedPrefix sets the header prefixes that are metadata.
func WithPropagatedPrefix(prefix ...string) Option {
	return func(o *options) { o.prefix = prefix }
}

// Server copies the metadata headers of each incoming request, over the
// constants, into its context.
func Server(opts ...Option) middleware.Middleware {
	o := &options{prefix: []string{"x-md-"}}
	for _, opt := range opts {
		opt(o)
	}
	return func(next middleware.Handler) middleware.Handler {
		return func(ctx context.Context, req any) (any, error) {
			if tr, ok := transport.FromServerContext(ctx); ok {
				md := o.md.Clone()
				h := tr.RequestHeader()
				for _, k := range h.Keys() {
					if o.hasPrefix(k) {
						md.Set(k, h.Get(k))
					}
				}
				ctx = metadata.NewServerContext(ctx, md)
			}
			return next(ctx, req)
		}
	}
}

// Client writes the constants, the call's metadata and the propagated
// part of the incoming metadata into each outgoing request's headers.
func Client(opts ...Option) middleware.Middleware {
	o := &options{prefix: []string{"x-md-global-"}}
	for _, opt := range opts {
		opt(o)
	}
	return func(next middleware.Handler) middleware.Handler {
		return func(ctx context.Context, req any) (any, error) {
			if tr, ok := transport.FromClientContext(ctx); ok {
				h := tr.RequestHeader()
				for k, v := range o.md {
					h.Set(k, v)
				}
				if md, ok := metadata.FromClientContext(ctx); ok {
					for k, v := range md {
						h.Set(k, v)
					}
				}
				if md, ok := metadata.FromServerContext(ctx); ok {
					for k, v := range md {
						if o.hasPrefix(k) {
							h.Set(k, v)
						}
					}
				}
			}
			return next(ctx, req)
		}
	}
}
