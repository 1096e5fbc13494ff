// Package batchprocessor reproduces, in its own words, the metadata
// batcher of the OpenTelemetry Collector's batch processor, changed in
// https://github.com/open-telemetry/opentelemetry-collector/pull/14645
// (commit 1cf90bc022132bff7ff2f337464e6f148cb7c772; before/ is the code
// before the change, after/ as changed). With metadata keys configured,
// every request that reaches the processor copied the values of those
// keys from the client metadata into a map made empty, although the
// number of keys is the configuration's; the map is needed only when a
// new combination of values starts a new batcher.
package batchprocessor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

var errTooManyBatchers = errors.New("too many batcher metadata-value combinations")

// Metadata is the client metadata of a request (gRPC metadata or HTTP
// headers).
type Metadata struct{ data map[string][]string }

func NewMetadata(md map[string][]string) Metadata {
	lower := make(map[string][]string, len(md))
	for k, v := range md {
		lower[strings.ToLower(k)] = v
	}
	return Metadata{data: lower}
}

// Get returns the values of key, case-insensitively.
func (m Metadata) Get(key string) []string { return m.data[strings.ToLower(key)] }

type clientKey struct{}

// ContextWithMetadata attaches the client metadata to ctx, as the
// receivers do.
func ContextWithMetadata(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, clientKey{}, md)
}

func metadataFrom(ctx context.Context) Metadata {
	md, _ := ctx.Value(clientKey{}).(Metadata)
	return md
}

// Export sends one batch with the metadata its requests shared.
type Export[T any] func(ctx context.Context, md map[string][]string, items []T) error

type batchProcessor[T any] struct {
	export  Export[T]
	size    int
	timeout time.Duration
}

// shard collects the items of one metadata combination.
type shard[T any] struct {
	p       *batchProcessor[T]
	md      map[string][]string
	newItem chan T
}

func (p *batchProcessor[T]) newShard(md map[string][]string) *shard[T] {
	return &shard[T]{p: p, md: md, newItem: make(chan T, p.size)}
}

func (s *shard[T]) start() {
	go func() {
		t := time.NewTicker(s.p.timeout)
		defer t.Stop()
		var batch []T
		for {
			select {
			case it := <-s.newItem:
				batch = append(batch, it)
				if len(batch) < s.p.size {
					continue
				}
			case <-t.C:
				if len(batch) == 0 {
					continue
				}
			}
			s.p.export(context.Background(), s.md, batch)
			batch = nil
		}
	}()
}

// multiShardBatcher keeps one shard per distinct combination of the
// values of the configured metadata keys.
type multiShardBatcher[T any] struct {
	metadataKeys  []string
	metadataLimit int

	processor *batchProcessor[T]
	batchers  sync.Map

	lock sync.Mutex
	size int
}

func NewMultiShardBatcher[T any](keys []string, limit, size int, timeout time.Duration, export Export[T]) *multiShardBatcher[T] {
	return &multiShardBatcher[T]{
		metadataKeys:  keys,
		metadataLimit: limit,
		processor:     &batchProcessor[T]{export: export, size: size, timeout: timeout},
	}
}

// Consume routes one request's data to the shard of its metadata.
func (mb *multiShardBatcher[T]) Consume(ctx context.Context, data T) error {
	info := metadataFrom(ctx)
	md := map[string][]string{} // want mapprealloc "."
	var key strings.Builder
	for _, k := range mb.metadataKeys {
		vs := info.Get(k)
		md[k] = vs
		key.WriteString(k)
		key.WriteByte('=')
		key.WriteString(strings.Join(vs, ","))
		key.WriteByte(';')
	}
	set := key.String()

	b, ok := mb.batchers.Load(set)
	if !ok {
		mb.lock.Lock()
		if mb.metadataLimit != 0 && mb.size >= mb.metadataLimit {
			mb.lock.Unlock()
			return errTooManyBatchers
		}
		var loaded bool
		b, loaded = mb.batchers.LoadOrStore(set, mb.processor.newShard(md))
		if !loaded {
			b.(*shard[T]).start()
			mb.size++
		}
		mb.lock.Unlock()
	}
	b.(*shard[T]).newItem <- data
	return nil
}
