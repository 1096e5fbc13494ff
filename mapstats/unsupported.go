//go:build !go1.24 || go1.28

package mapstats

import (
	"sync"
	"unsafe"
)

// readMap refuses layouts mapstats has not been checked against: the Go
// runtime changes its map internals without notice, and a wrong guess
// would report nonsense or crash.
func readMap(typ, hdr unsafe.Pointer, s *Stats) error {
	return ErrUnsupported
}

func trieOf(m *sync.Map, s *Stats) error {
	return ErrUnsupported
}
