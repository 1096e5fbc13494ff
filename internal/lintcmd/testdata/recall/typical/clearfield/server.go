// Package clearfield empties a long-lived struct's map field with clear
// after every flush: the map keeps the tables of its largest batch.
package clearfield

import (
	"net"
	"sync"
)

type batcher struct {
	mu      sync.Mutex
	pending map[string][]byte
	out     net.Conn
}

func (b *batcher) add(key string, v []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending[key] = v
}

func (b *batcher) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, v := range b.pending {
		b.out.Write(v)
	}
	clear(b.pending) // want mapclear "clear\(b.pending\) keeps the memory of the map's largest size"
}
