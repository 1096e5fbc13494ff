// Package metadata carries request metadata (headers meant for the
// application) through a context, on the server side and the client side.
//
// Reproduces, in our own words, the shape of go-kratos/kratos before
// https://github.com/go-kratos/kratos/pull/2296 (commit 5c3f0aa73,
// "style(metadata): specify map capacity hints"): Clone, which the
// metadata middleware calls on every request and the client-context
// helpers on every call, copied the map into one made empty.
package metadata

import (
	"context"
	"fmt"
	"strings"
)

// Metadata holds lower-cased keys and their values.
type Metadata map[string]string

// New merges the given maps into one Metadata.
func New(mds ...map[string]string) Metadata {
	md := Metadata{}
	for _, m := range mds {
		for k, v := range m {
			md.Set(k, v)
		}
	}
	return md
}

// Get returns the value stored under key, in any case.
func (m Metadata) Get(key string) string { return m[strings.ToLower(key)] }

// Set stores value under key, lower-cased; empty keys or values are
// ignored.
func (m Metadata) Set(key, value string) {
	if key == "" || value == "" {
		return
	}
	m[strings.ToLower(key)] = value
}

// Range calls f for each pair until it returns false.
func (m Metadata) Range(f func(k, v string) bool) {
	for k, v := range m {
		if !f(k, v) {
			return
		}
	}
}

// Clone returns a copy of m that can be changed on its own.
func (m Metadata) Clone() Metadata {
	md := Metadata{} // want mapprealloc "."
	for k, v := range m {
		md[k] = v
	}
	return md
}

type serverKey struct{}

// NewServerContext returns ctx carrying md as the incoming metadata.
func NewServerContext(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, serverKey{}, md)
}

// FromServerContext returns the incoming metadata of ctx.
func FromServerContext(ctx context.Context) (Metadata, bool) {
	md, ok := ctx.Value(serverKey{}).(Metadata)
	return md, ok
}

type clientKey struct{}

// NewClientContext returns ctx carrying md as the outgoing metadata.
func NewClientContext(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, clientKey{}, md)
}

// FromClientContext returns the outgoing metadata of ctx.
func FromClientContext(ctx context.Context) (Metadata, bool) {
	md, ok := ctx.Value(clientKey{}).(Metadata)
	return md, ok
}

// AppendToClientContext returns ctx with the key-value pairs kv added to
// its outgoing metadata.
func AppendToClientContext(ctx context.Context, kv ...string) context.Context {
	if len(kv)%2 == 1 {
		panic(fmt.Sprintf("metadata: odd number of key-value arguments: %d", len(kv)))
	}
	md, _ := FromClientContext(ctx)
	md = md.Clone()
	for i := 0; i < len(kv); i += 2 {
		md.Set(kv[i], kv[i+1])
	}
	return NewClientContext(ctx, md)
}

// MergeToClientContext returns ctx with cmd merged into its outgoing
// metadata.
func MergeToClientContext(ctx context.Context, cmd Metadata) context.Context {
	md, _ := FromClientContext(ctx)
	md = md.Clone()
	for k, v := range cmd {
		md[k] = v
	}
	return NewClientContext(ctx, md)
}
