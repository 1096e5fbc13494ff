// Package fastcache reproduces, in its own words, the bucket index of
// VictoriaMetrics/fastcache that was changed to be re-made instead of
// emptied key by key, in
// https://github.com/VictoriaMetrics/fastcache/commit/959e53c7519dce8b671bf2f7ee2a18bad5f7456c
// (for https://github.com/VictoriaMetrics/VictoriaMetrics/issues/5379;
// before/ is the code before the change, after/ as changed). Each bucket
// appends entries to a ring of chunks and indexes them by key hash; when
// the ring wraps, the entries it overwrote are deleted from the index one
// by one. The index keeps the buckets of its largest size for the life of
// the cache, and long-running storage nodes saw their GC work grow with
// it. The fix builds a new index holding only the live entries.
package fastcache

import (
	"hash/maphash"
	"sync"
)

const (
	bucketsCount = 16
	chunkSize    = 64 * 1024
	idxBits      = 40
	genBits      = 64 - idxBits
	maxGen       = 1<<genBits - 1
	maxBucket    = 1 << idxBits
)

var seed = maphash.MakeSeed()

// Cache is a fixed-size cache of byte slices split into buckets.
type Cache struct {
	buckets [bucketsCount]bucket
}

// New returns a cache holding at most maxBytes of entries.
func New(maxBytes int) *Cache {
	if maxBytes <= 0 {
		maxBytes = 32 * 1024 * 1024
	}
	var c Cache
	per := uint64(maxBytes+bucketsCount-1) / bucketsCount
	for i := range c.buckets {
		c.buckets[i].init(per)
	}
	return &c
}

func (c *Cache) bucket(h uint64) *bucket { return &c.buckets[h%bucketsCount] }

func (c *Cache) Set(k, v []byte) {
	h := maphash.Bytes(seed, k)
	c.bucket(h).set(k, v, h)
}

func (c *Cache) Get(dst, k []byte) ([]byte, bool) {
	h := maphash.Bytes(seed, k)
	return c.bucket(h).get(dst, k, h)
}

func (c *Cache) Del(k []byte) {
	h := maphash.Bytes(seed, k)
	c.bucket(h).del(h)
}

// Len reports the number of indexed entries.
func (c *Cache) Len() int {
	n := 0
	for i := range c.buckets {
		b := &c.buckets[i]
		b.mu.RLock()
		n += len(b.m)
		b.mu.RUnlock()
	}
	return n
}

type bucket struct {
	mu     sync.RWMutex
	chunks [][]byte
	// m maps a key's hash to gen<<idxBits | offset of the entry in chunks.
	m   map[uint64]uint64
	idx uint64
	gen uint64
}

func (b *bucket) init(maxBytes uint64) {
	if maxBytes >= maxBucket {
		maxBytes = maxBucket - 1
	}
	b.chunks = make([][]byte, (maxBytes+chunkSize-1)/chunkSize)
	b.m = make(map[uint64]uint64)
	b.gen = 1
}

// live reports whether an entry written at (gen, idx) is not overwritten yet.
func (b *bucket) live(gen, idx uint64) bool {
	bGen := b.gen & maxGen
	return gen == bGen && idx < b.idx || gen+1 == bGen && idx >= b.idx || gen == maxGen && bGen == 1 && idx >= b.idx
}

// cleanLocked drops the entries the ring has overwritten.
func (b *bucket) cleanLocked() {
	for k, v := range b.m {
		if b.live(v>>idxBits, v&(maxBucket-1)) {
			continue
		}
		delete(b.m, k) // want mapclear "."
	}
}

func (b *bucket) set(k, v []byte, h uint64) {
	if len(k) >= 1<<16 || len(v) >= 1<<16 {
		return
	}
	n := uint64(4 + len(k) + len(v))
	if n >= chunkSize {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	idx := b.idx
	next := idx + n
	ci := idx / chunkSize
	wrapped := false
	if next/chunkSize > ci {
		if next/chunkSize >= uint64(len(b.chunks)) {
			idx, next, ci = 0, n, 0
			b.gen++
			if b.gen&maxGen == 0 {
				b.gen++
			}
			wrapped = true
		} else {
			ci = next / chunkSize
			idx = ci * chunkSize
			next = idx + n
		}
		b.chunks[ci] = b.chunks[ci][:0]
	}
	chunk := b.chunks[ci]
	if chunk == nil {
		chunk = make([]byte, 0, chunkSize)
	}
	chunk = append(chunk, byte(len(k)>>8), byte(len(k)), byte(len(v)>>8), byte(len(v)))
	chunk = append(chunk, k...)
	chunk = append(chunk, v...)
	b.chunks[ci] = chunk
	b.m[h] = idx | b.gen<<idxBits
	b.idx = next
	if wrapped {
		b.cleanLocked()
	}
}

func (b *bucket) get(dst, k []byte, h uint64) ([]byte, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	v, ok := b.m[h]
	if !ok {
		return dst, false
	}
	gen, idx := v>>idxBits, v&(maxBucket-1)
	if !b.live(gen&maxGen, idx) {
		return dst, false
	}
	chunk := b.chunks[idx/chunkSize]
	off := idx % chunkSize
	if off+4 > uint64(len(chunk)) {
		return dst, false
	}
	kl := uint64(chunk[off])<<8 | uint64(chunk[off+1])
	vl := uint64(chunk[off+2])<<8 | uint64(chunk[off+3])
	off += 4
	if off+kl+vl > uint64(len(chunk)) || string(chunk[off:off+kl]) != string(k) {
		return dst, false
	}
	return append(dst, chunk[off+kl:off+kl+vl]...), true
}

func (b *bucket) del(h uint64) {
	b.mu.Lock()
	delete(b.m, h)
	b.mu.Unlock()
}
