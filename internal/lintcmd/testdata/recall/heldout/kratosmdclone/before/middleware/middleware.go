// Package middleware chains handlers around an endpoint.
package middleware

import "context"

// Handler serves one request.
type Handler func(ctx context.Context, req any) (any, error)

// Middleware wraps a Handler.
type Middleware func(Handler) Handler

// Chain applies m in order, the first outermost.
func Chain(m ...Middleware) Middleware {
	return func(next Handler) Handler {
		for i := len(m) - 1; i >= 0; i-- {
			next = m[i](next)
		}
		return next
	}
}
