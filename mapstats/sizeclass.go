package mapstats

import (
	"unsafe"

	"github.com/mapscope/mapscope/internal/mapruntime/sizeclass"
)

const ptrSize = unsafe.Sizeof(uintptr(0))

// heapBytes returns the bytes of heap an object of size bytes occupies,
// malloc header included: what MemStats.HeapAlloc counts for it.
func heapBytes(size uintptr, hasPointers bool) int64 {
	return sizeclass.HeapBytes(size, hasPointers)
}

// arrayBytes is heapBytes for n elements of elemSize, saturating instead
// of overflowing.
func arrayBytes(elemSize uintptr, n uint64, hasPointers bool) int64 {
	if n == 0 || elemSize == 0 {
		return 0
	}
	if n > uint64(^uintptr(0)/elemSize) {
		return 1<<63 - 1
	}
	return heapBytes(elemSize*uintptr(n), hasPointers)
}
