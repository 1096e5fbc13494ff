package heap

// The fourth rung of the evidence ladder: a heap profile records, for each
// sample, the size of the allocated block (the "bytes" label). Map storage
// comes in a few shapes whose sizes the source's types fix: a Swiss-table
// group array of 1, 2, 4, ... 128 groups (Go 1.24+), a bucket array of
// 2^B buckets, with 2^(B-4) extra overflow buckets from B = 4 on
// (Go 1.21-1.23). When a line both grows a map and allocates an object of
// known size (m[k] = &T{...}), the block size tells them apart, provided
// exactly one of the two can have it.

// sizeClasses is the runtime's class_to_size table without class 0
// (internal/runtime/gc/sizeclasses.go, identical in Go 1.21 through 1.27;
// mapstats keeps the same table and checks it against the allocator).
var sizeClasses = [...]int64{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896,
	1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456,
	4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
	12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
	28672, 32768,
}

const (
	maxSmallSize = 32768
	pageSize     = 8192
	// Since Go 1.22, objects with pointers above 512 bytes carry an 8-byte
	// type header in their block; the source does not say whether a type
	// has pointers, so both sizes are candidates.
	mallocHeader = 8
)

// blockSize is the size of the block the allocator hands out for n bytes.
func blockSize(n int64) int64 {
	if n > maxSmallSize {
		return (n + pageSize - 1) &^ (pageSize - 1)
	}
	for _, c := range sizeClasses {
		if c >= n {
			return c
		}
	}
	return n
}

// blockSizes returns the block sizes an object of n bytes can get.
func blockSizes(n int64) [2]int64 {
	return [2]int64{blockSize(n), blockSize(n + mallocHeader)}
}

// mapBlock reports whether block could be storage of the map an op works
// on: a group or bucket array, or one of the small pieces every map has
// (the 48-byte header, a 32-byte Swiss table, a directory or the bucket
// maps' overflow list, both arrays of 2^n pointers).
func mapBlock(op Op, block int64) bool {
	if op.SlotSize <= 0 && op.BucketSize <= 0 {
		return false
	}
	if block == 32 || block == 48 {
		return true
	}
	for n := int64(8); n <= 1<<30; n *= 2 {
		if blockSize(n) == block {
			return true
		}
	}
	if op.SlotSize > 0 {
		group := 8 + 8*op.SlotSize
		for n := int64(1); n <= 128; n *= 2 { // a table holds at most 128 groups
			if s := blockSizes(n * group); s[0] == block || s[1] == block {
				return true
			}
		}
	}
	if op.BucketSize > 0 {
		for b := 0; b <= 30; b++ {
			n := int64(1) << b
			if b >= 4 {
				n += int64(1) << (b - 4)
			}
			for _, count := range []int64{int64(1) << b, n} {
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
		default:
			return Unknown // clones, decoders, calls: sizes not known here
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
