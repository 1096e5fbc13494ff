//go:build (go1.24 && !go1.26 && goexperiment.swissmap) || (go1.26 && !go1.28)

package mapstats

import (
	"math/bits"
	"unsafe"

	"github.com/mapscope/mapscope/internal/mapruntime/maplayout"
)

// Swiss-table layouts of internal/runtime/maps, identical in Go 1.24
// through 1.27 (Go 1.25 turned a padding byte of Map into
// tombstonePossible). The map type descriptor differs in 1.27; see
// swissMapType in swiss_type_*.go.

// swissMap mirrors internal/runtime/maps.Map.
type swissMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool
	clearSeq          uint64
}

// swissTable mirrors internal/runtime/maps.table.
type swissTable struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     unsafe.Pointer
	lengthMask uint64
}

const (
	implSwiss         = "swiss"
	groupSlots        = maplayout.SlotsPerGroup    // abi.MapGroupSlots
	maxTableCapacity  = maplayout.MaxTableCapacity // internal/runtime/maps.maxTableCapacity
	maxAvgGroupLoad   = 7                          // out of groupSlots
	maxGlobalDepth    = 30                         // 1<<30 tables is far beyond any real map; bounds the directory walk
	swissMapSize      = unsafe.Sizeof(swissMap{})
	swissTableSize    = unsafe.Sizeof(swissTable{})
	directoryElemSize = unsafe.Sizeof(unsafe.Pointer(nil))
)

// swissLayout holds what the accounting needs from the type descriptor.
type swissLayout struct {
	groupSize  uintptr
	groupPtrs  bool  // groups contain pointers (noscan otherwise)
	groupBytes int64 // heap bytes of a single group (a small map)
	indirectKV int64 // heap bytes per entry of indirect keys and elems
}

// Heap bytes of the fixed-size runtime objects, sized once.
var (
	mapHeaderBytes = heapBytes(swissMapSize, true)
	tableBytes     = heapBytes(swissTableSize, true)
)

func readLayout(typ unsafe.Pointer) (swissLayout, bool) {
	mt := (*swissMapType)(typ)
	if mt.group == nil || mt.key == nil || mt.elem == nil {
		return swissLayout{}, false
	}
	// A descriptor read with the wrong layout would not satisfy these.
	if mt.groupSize != mt.group.size || mt.groupSize < groupSlots {
		return swissLayout{}, false
	}
	l := swissLayout{groupSize: mt.groupSize, groupPtrs: mt.group.hasPointers()}
	l.groupBytes = heapBytes(l.groupSize, l.groupPtrs)
	if mt.flags&flagIndirectKey != 0 {
		l.indirectKV += heapBytes(mt.key.size, mt.key.hasPointers())
	}
	if mt.flags&flagIndirectElem != 0 {
		l.indirectKV += heapBytes(mt.elem.size, mt.elem.hasPointers())
	}
	return l, true
}

// Flag values of abi.MapType.Flags.
const (
	flagIndirectKey  = 4
	flagIndirectElem = 8
)

func readMap(typ, hdr unsafe.Pointer, s *Stats) error {
	l, ok := readLayout(typ)
	if !ok {
		return ErrUnsupported
	}
	m := (*swissMap)(hdr)
	*s = Stats{Impl: implSwiss}
	used := m.used
	if used > maxEntries || uint64(int(used)) != used {
		return ErrInconsistent
	}
	s.Len = int(used)
	s.Bytes = mapHeaderBytes + int64(s.Len)*l.indirectKV
	s.RebuildBytes = rebuildBytes(l, used)

	if m.dirLen == 0 {
		// Small map: dirPtr is nil until the first insert, then a single
		// group of 8 slots.
		if m.dirPtr != nil {
			s.Capacity = groupSlots
			s.Groups = 1
			s.Bytes += l.groupBytes
		}
		if used > groupSlots {
			return ErrInconsistent
		}
		return nil
	}

	depth := uint(m.globalDepth)
	if m.dirPtr == nil || depth > maxGlobalDepth || m.dirLen != 1<<depth || uint(m.globalShift) != 8*uint(ptrSize)-depth {
		return ErrInconsistent
	}
	s.Bytes += arrayBytes(directoryElemSize, uint64(m.dirLen), true)

	// A table of local depth d fills a run of 1<<(globalDepth-d) adjacent
	// directory entries, so comparing with the previous entry finds every
	// distinct table without a set.
	dir := unsafe.Slice((**swissTable)(m.dirPtr), m.dirLen)
	var prev *swissTable
	var inTables uint64
	// Tables of a map mostly share one capacity: size it once.
	var lastGroups uint64
	var lastBytes int64
	for _, t := range dir {
		if t == prev {
			continue
		}
		prev = t
		if t == nil {
			return ErrInconsistent
		}
		capacity := uint64(t.capacity)
		groups := t.lengthMask + 1
		if capacity < groupSlots || capacity > maxTableCapacity || capacity&(capacity-1) != 0 ||
			groups != capacity/groupSlots || uint64(t.used) > capacity || t.groups == nil {
			return ErrInconsistent
		}
		s.Tables++
		s.Groups += int(groups)
		s.Capacity += int(capacity)
		inTables += uint64(t.used)
		if groups != lastGroups {
			lastGroups, lastBytes = groups, tableBytes+arrayBytes(l.groupSize, groups, l.groupPtrs)
		}
		s.Bytes += lastBytes
		if dead := int(maxGrowth(capacity)) - int(t.used) - int(t.growthLeft); dead > 0 {
			s.Tombstones += dead
		}
	}
	if inTables != used {
		return ErrInconsistent
	}
	return nil
}

// maxGrowth is the number of entries a table of this capacity accepts
// before it grows (table.resetGrowthLeft).
func maxGrowth(capacity uint64) uint64 {
	if capacity <= groupSlots {
		return capacity - 1
	}
	return capacity * maxAvgGroupLoad / groupSlots
}

// rebuildBytes is what make(map[K]V, n) allocates (maps.NewMap), filled
// with n entries. The runtime sizes tables so n entries fit without growing
// on average; a table that receives far more than its share splits, which
// only happens when n sits right at a sizing boundary.
func rebuildBytes(l swissLayout, n uint64) int64 {
	b := mapHeaderBytes + int64(n)*l.indirectKV
	if n == 0 {
		return b
	}
	if n <= groupSlots {
		return b + l.groupBytes
	}
	target := n * groupSlots / maxAvgGroupLoad
	dirSize := (target + maxTableCapacity - 1) / maxTableCapacity
	dirSize = 1 << bits.Len64(dirSize-1)
	if dirSize == 0 {
		return b // n beyond any real map; readMap refuses those
	}
	capacity := target / dirSize
	if capacity < groupSlots {
		capacity = groupSlots
	}
	capacity = 1 << bits.Len64(capacity-1)
	perTable := tableBytes + arrayBytes(l.groupSize, capacity/groupSlots, l.groupPtrs)
	return b + arrayBytes(directoryElemSize, dirSize, true) + int64(dirSize)*perTable
}
