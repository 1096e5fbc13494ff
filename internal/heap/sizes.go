package heap

import (
	"github.com/mapscope/mapscope/internal/mapruntime/maplayout"
	"github.com/mapscope/mapscope/internal/mapruntime/sizeclass"
)

// The fourth rung of the evidence ladder: a heap profile records, for each
// sample, the size of the allocated block (the "bytes" label). Map storage
// comes in a few shapes whose sizes the source's types fix: a Swiss-table
// group array of 1, 2, 4, ... 128 groups (Go 1.24+), a bucket array of
// 2^B buckets, with 2^(B-4) extra overflow buckets from B = 4 on
// (Go 1.21-1.23). When a line both grows a map and allocates an object of
// known size (m[k] = &T{...}), the block size tells them apart, provided
// exactly one of the two can have it.

// blockSize is the size of the block the allocator hands out for n bytes.
func blockSize(n int64) int64 { return sizeclass.Block(uintptr(n)) }

// blockSizes returns the block sizes an object of n bytes can get: the
// source does not say whether a type has pointers, so with and without
// the malloc header.
func blockSizes(n int64) [2]int64 { return sizeclass.Blocks(n) }

// mapBlock reports whether block could be storage of the map an op works
// on: a group or bucket array, or one of the small pieces every map has
// (the 48-byte header, a 32-byte Swiss table, a directory or the bucket
// maps' overflow list, both arrays of 2^n pointers).
func mapBlock(op Op, block int64) bool {
	if op.SlotSize <= 0 && op.BucketSize <= 0 {
		return false
	}
	if block == maplayout.TableSize || block == maplayout.MapHeaderSize {
		return true
	}
	for n := int64(8); n <= 1<<30; n *= 2 {
		if blockSize(n) == block {
			return true
		}
	}
	if op.SlotSize > 0 {
		group := maplayout.GroupSize(op.SlotSize)
		for n := int64(1); n <= maplayout.MaxTableCapacity/maplayout.SlotsPerGroup; n *= 2 {
			if s := blockSizes(n * group); s[0] == block || s[1] == block {
				return true
			}
		}
	}
	if op.BucketSize > 0 {
		if block == maplayout.OverflowBookSize {
			return true
		}
		for b := uint(0); b <= 30; b++ {
			// An array grown by an assignment, or made with room for
			// overflow buckets.
			for _, count := range []int64{int64(1) << b, maplayout.BucketArrayLen(b)} {
				if s := blockSizes(count * op.BucketSize); s[0] == block || s[1] == block {
					return true
				}
			}
		}
	}
	return false
}

// kindFromSize splits a line that makes map storage and other objects by
// the sample's block size. It decides only when every other allocation on
// the line has a known size and exactly one side can have this block.
func kindFromSize(ops []Op, block int64) Kind {
	if block <= 0 {
		return Unknown
	}
	var mapHit, allocHit bool
	var hit Kind
	for _, op := range ops {
		switch op.Kind {
		case OpMapAssign, OpMapMake, OpMapLiteral:
			if mapBlock(op, block) {
				mapHit = true
				hit = Grow
				if op.Kind != OpMapAssign {
					hit = Make
				}
			}
		case OpAlloc:
			if op.Size <= 0 {
				return Unknown
			}
			if s := blockSizes(op.Size); s[0] == block || s[1] == block {
				allocHit = true
			}
		case OpCall, OpMapMethod:
			// A callee allocates in its own frame, not at this line.
		default:
			return Unknown // clones, decoders: sizes not known here
		}
	}
	switch {
	case mapHit && !allocHit:
		return hit
	case allocHit && !mapHit:
		return NonMap
	}
	return Unknown
}
