// Package multitenant tells which tenant a request belongs to (see
// package kds/server of kumastreamctx).
package multitenant

import (
	"context"
	"errors"
)

type tenantKey struct{}

// WithTenant returns ctx carrying the tenant ID.
func WithTenant(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, tenantKey{}, id)
}

// Tenants finds the tenant of a context.
type Tenants interface {
	GetID(ctx context.Context) (string, error)
}

// FromContext reads the tenant WithTenant stored.
type FromContext struct{}

func (FromContext) GetID(ctx context.Context) (string, error) {
	id, ok := ctx.Value(tenantKey{}).(string)
	if !ok {
		return "", errors.New("no tenant in context")
	}
	return id, nil
}
