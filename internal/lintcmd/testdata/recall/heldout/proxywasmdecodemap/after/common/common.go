// Package common holds the types the host shares with its embedder: the
// Wasm instance, header maps and buffers.
package common

// WasmInstance is a running Wasm module: its memory and its allocator.
type WasmInstance interface {
	Malloc(size int32) (uint64, error)
	GetMemory(addr uint64, size uint64) ([]byte, error)
	PutMemory(addr uint64, size uint64, content []byte) error
	PutByte(addr uint64, b byte) error
	PutUint32(addr uint64, value uint32) error
	// GetData returns what the embedder attached to the instance.
	GetData() interface{}
}

// HeaderMap is a set of headers the embedder owns.
type HeaderMap interface {
	Get(key string) (string, bool)
	Set(key, value string)
	Del(key string)
	Range(f func(key, value string) bool)
}

// CommonHeader is a HeaderMap over a Go map.
type CommonHeader map[string]string

// Get returns the value of key.
func (h CommonHeader) Get(key string) (string, bool) {
	v, ok := h[key]
	return v, ok
}

// Set sets key to value.
func (h CommonHeader) Set(key, value string) { h[key] = value }

// Del deletes key.
func (h CommonHeader) Del(key string) { delete(h, key) }

// Range calls f for each header until it returns false.
func (h CommonHeader) Range(f func(key, value string) bool) {
	for k, v := range h {
		if !f(k, v) {
			return
		}
	}
}

// IoBuffer is a body.
type IoBuffer interface {
	Bytes() []byte
	Len() int
}

type ioBuffer []byte

func (b ioBuffer) Bytes() []byte { return b }
func (b ioBuffer) Len() int      { return len(b) }

// NewIoBufferBytes returns a buffer over b.
func NewIoBufferBytes(b []byte) IoBuffer { return ioBuffer(b) }
