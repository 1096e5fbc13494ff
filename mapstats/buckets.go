//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package mapstats

import (
	"unsafe"

	"github.com/mapscope/mapscope/internal/mapruntime/maplayout"
	"github.com/mapscope/mapscope/internal/mapruntime/sizeclass"
)

// The bucket implementation that GOEXPERIMENT=noswissmap brings back in
// Go 1.24 and 1.25 (runtime/map_noswiss.go). Its hmap gained clearSeq in
// Go 1.24, so it is 56 bytes, not the 48 of Go 1.23.

// hmap mirrors runtime.hmap of Go 1.24 and 1.25 noswissmap builds.
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	clearSeq   uint64
	extra      *mapextra
}

// mapextra mirrors runtime.mapextra.
type mapextra struct {
	overflow     *[]unsafe.Pointer
	oldoverflow  *[]unsafe.Pointer
	nextOverflow unsafe.Pointer
}

// oldMapType mirrors abi.OldMapType.
type oldMapType struct {
	typ        abiType
	key        *abiType
	elem       *abiType
	bucket     *abiType
	hasher     unsafe.Pointer
	keySize    uint8
	valueSize  uint8
	bucketSize uint16
	flags      uint32
}

const (
	implBuckets         = "buckets"
	bucketSlots         = maplayout.SlotsPerGroup
	maxB                = 8*ptrSize - 2 // bounds 1<<B
	sameSizeGrow        = 8             // hmap.flags
	oldFlagIndirectKey  = 1
	oldFlagIndirectElem = 2
	// overLoadFactor: more than 6.5 entries per bucket on average.
	loadFactorNum = 13
	loadFactorDen = 2
)

type bucketLayout struct {
	size       uintptr
	ptrs       bool
	indirectKV int64
}

func readBucketLayout(typ unsafe.Pointer) (bucketLayout, bool) {
	mt := (*oldMapType)(typ)
	if mt.bucket == nil || mt.key == nil || mt.elem == nil {
		return bucketLayout{}, false
	}
	// A descriptor read with the wrong layout would not satisfy these.
	if uintptr(mt.bucketSize) != mt.bucket.size ||
		mt.bucket.size < bucketSlots+bucketSlots*uintptr(mt.keySize)+bucketSlots*uintptr(mt.valueSize)+ptrSize {
		return bucketLayout{}, false
	}
	l := bucketLayout{size: mt.bucket.size, ptrs: mt.bucket.hasPointers()}
	if mt.flags&oldFlagIndirectKey != 0 {
		l.indirectKV += heapBytes(mt.key.size, mt.key.hasPointers())
	}
	if mt.flags&oldFlagIndirectElem != 0 {
		l.indirectKV += heapBytes(mt.elem.size, mt.elem.hasPointers())
	}
	return l, true
}

// bucketArray returns how many buckets makeBucketArray allocates for a
// given B (it adds preallocated overflow buckets from B = 4 on and fills
// the size class) and the heap bytes of that array.
func bucketArray(l bucketLayout, b uint8) (n uintptr, bytes int64) {
	n = 1 << b
	if b >= 4 {
		n += 1 << (b - 4)
		sz := l.size * n
		// roundupsize returns the usable bytes, without the malloc header.
		up := heapBytes(sz, l.ptrs)
		if l.ptrs && sz > sizeclass.MinSizeForMallocHeader && sz <= sizeclass.MaxSmall-sizeclass.MallocHeader {
			up -= sizeclass.MallocHeader
		}
		n = uintptr(up) / l.size
	}
	return n, heapBytes(l.size*n, l.ptrs)
}

func readMap(typ, hdr unsafe.Pointer, s *Stats) error {
	l, ok := readBucketLayout(typ)
	if !ok {
		return ErrUnsupported
	}
	h := (*hmap)(hdr)
	if h.count < 0 || uint64(h.count) > maxEntries || uintptr(h.B) > maxB {
		return ErrInconsistent
	}
	*s = Stats{Impl: implBuckets, Len: h.count, Overflow: int(h.noverflow)}
	s.Bytes = heapBytes(unsafe.Sizeof(hmap{}), true) + int64(h.count)*l.indirectKV
	s.RebuildBytes = rebuildBucketBytes(l, uint64(h.count))
	if h.buckets == nil {
		return nil
	}
	s.Buckets = 1 << h.B
	s.Capacity = s.Buckets * bucketSlots
	base := uintptr(1) << h.B
	n, arrBytes := bucketArray(l, h.B)
	if h.B == 0 {
		// Allocated lazily by the first insert, as one bucket.
		n, arrBytes = 1, heapBytes(l.size, l.ptrs)
	}
	s.Bytes += arrBytes

	if h.oldbuckets != nil {
		oldB := h.B - 1
		if h.flags&sameSizeGrow != 0 || h.B == 0 {
			oldB = h.B
		}
		_, oldBytes := bucketArray(l, oldB)
		if oldB == 0 {
			oldBytes = heapBytes(l.size, l.ptrs)
		}
		s.Bytes += oldBytes
	}

	// Overflow buckets come first from the preallocated tail of the
	// bucket array, then one newobject each.
	overflow := uintptr(h.noverflow)
	if e := h.extra; e != nil {
		s.Bytes += heapBytes(unsafe.Sizeof(mapextra{}), true)
		for _, list := range [2]*[]unsafe.Pointer{e.overflow, e.oldoverflow} {
			if list != nil {
				// Pointer-free buckets are kept alive through these lists.
				s.Bytes += heapBytes(unsafe.Sizeof([]unsafe.Pointer{}), true) +
					arrayBytes(ptrSize, uint64(cap(*list)), true)
			}
		}
		if e.overflow != nil {
			// Exact, where noverflow is only approximate for B >= 16.
			overflow = uintptr(len(*e.overflow))
			s.Overflow = int(overflow)
		}
		if e.oldoverflow != nil {
			s.Bytes += int64(len(*e.oldoverflow)) * heapBytes(l.size, l.ptrs)
		}
	}
	prealloc := n - base
	used := prealloc
	if e := h.extra; e != nil && e.nextOverflow != nil {
		next := uintptr(e.nextOverflow)
		first := uintptr(h.buckets) + base*l.size
		if next < first || next > first+prealloc*l.size {
			return ErrInconsistent
		}
		used = (next - first) / l.size
	}
	if overflow > used {
		s.Bytes += int64(overflow-used) * heapBytes(l.size, l.ptrs)
	}
	return nil
}

// rebuildBucketBytes is what make(map[K]V, n) allocates before overflow
// buckets: how many of those a refill creates depends on the hash seed.
func rebuildBucketBytes(l bucketLayout, n uint64) int64 {
	b := heapBytes(unsafe.Sizeof(hmap{}), true) + int64(n)*l.indirectKV
	if n == 0 {
		return b
	}
	var B uint8
	for n > bucketSlots && n > loadFactorNum*((uint64(1)<<B)/loadFactorDen) && uintptr(B) < maxB {
		B++
	}
	if B == 0 {
		return b + heapBytes(l.size, l.ptrs)
	}
	nb, bytes := bucketArray(l, B)
	b += bytes
	if nb != uintptr(1)<<B {
		b += heapBytes(unsafe.Sizeof(mapextra{}), true)
	}
	return b
}
