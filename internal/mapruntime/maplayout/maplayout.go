// Package maplayout holds the shapes of a map's storage in both runtime
// implementations (map-runtime-facts.md): what a group, a table and a
// bucket are, and their limits. mapstats reads real maps with them, heap
// analysis predicts the block sizes a map's samples can have.
package maplayout

const (
	// SlotsPerGroup is the number of slots in a Swiss-table group (Go
	// 1.24+) and in a bucket (Go <= 1.23).
	SlotsPerGroup = 8
	// MaxInline is the size above which a map stores a key or an element
	// through a pointer, in both implementations.
	MaxInline = 128
	// MaxTableCapacity is the most slots a Swiss table holds before it
	// splits (internal/runtime/maps.maxTableCapacity): 128 groups.
	MaxTableCapacity = 1024
	// MapHeaderSize is the size of maps.Map (Go 1.24+) and of hmap
	// (Go 1.21-1.23); TableSize the size of a Swiss table.
	MapHeaderSize = 48
	TableSize     = 32
	// OverflowBookSize is the size of the two small objects a bucket map
	// (Go <= 1.23) allocates at its first overflow: its mapextra and the
	// slice header of its overflow list, 24 bytes each on 64-bit.
	OverflowBookSize = 24
)

// GroupSize returns the size of a Swiss-table group whose slots (a key
// and an element with their padding) are slotSize bytes: 8 control bytes
// and 8 slots.
func GroupSize(slotSize int64) int64 { return SlotsPerGroup + SlotsPerGroup*slotSize }

// BucketArrayLen returns the number of buckets a bucket map of 2^b
// buckets allocates in one array: from b = 4 on, the runtime adds
// 2^(b-4) overflow buckets to the array (runtime.makeBucketArray).
func BucketArrayLen(b uint) int64 {
	n := int64(1) << b
	if b >= 4 {
		n += int64(1) << (b - 4)
	}
	return n
}
