// Package api reproduces, in its own words, the entry options of Sentinel
// for Go whose attachment map got a size hint in
// https://github.com/alibaba/sentinel-golang/pull/273 (commit
// 3926f99; before/ is the code before the change, after/ as changed).
// Every guarded call (api.Entry, on the request path) applies its options;
// WithAttachments copies the caller's map into a fresh one grown from
// empty.
package api

import (
	"errors"
	"sync"
)

type EntryOptions struct {
	resourceType int
	batchCount   uint32
	args         []any
	attachments  map[any]any
}

func (o *EntryOptions) Reset() {
	o.resourceType = 0
	o.batchCount = 1
	o.args = nil
	o.attachments = nil
}

var entryOptsPool = sync.Pool{New: func() any { return &EntryOptions{batchCount: 1} }}

type EntryOption func(*EntryOptions)

func WithBatchCount(n uint32) EntryOption {
	return func(o *EntryOptions) { o.batchCount = n }
}

func WithArgs(args ...any) EntryOption {
	return func(o *EntryOptions) { o.args = append(o.args, args...) }
}

// WithAttachment attaches one key and value to the entry.
func WithAttachment(key, value any) EntryOption {
	return func(o *EntryOptions) {
		if o.attachments == nil {
			o.attachments = make(map[any]any)
		}
		o.attachments[key] = value
	}
}

// WithAttachments attaches every key and value of data to the entry.
func WithAttachments(data map[any]any) EntryOption {
	return func(o *EntryOptions) {
		if o.attachments == nil {
			o.attachments = make(map[any]any) // want mapprealloc "."
		}
		for k, v := range data {
			o.attachments[k] = v
		}
	}
}

type SentinelEntry struct {
	Resource    string
	Attachments map[any]any
}

var ErrBlocked = errors.New("blocked")

// Entry checks the rules of resource and, when it passes, returns its entry.
func Entry(resource string, opts ...EntryOption) (*SentinelEntry, error) {
	o := entryOptsPool.Get().(*EntryOptions)
	defer func() {
		o.Reset()
		entryOptsPool.Put(o)
	}()
	for _, opt := range opts {
		opt(o)
	}
	if o.batchCount == 0 {
		return nil, ErrBlocked
	}
	return &SentinelEntry{Resource: resource, Attachments: o.attachments}, nil
}
