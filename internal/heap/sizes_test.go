package heap

import "testing"

func TestKindFromSize(t *testing.T) {
	assign := Op{Kind: OpMapAssign, SlotSize: 16, BucketSize: 144} // map[int]*T
	obj := Op{Kind: OpAlloc, Size: 200}                            // &T{}, T of 200 bytes
	for _, tc := range []struct {
		name  string
		ops   []Op
		block int64
		want  Kind
	}{
		{"full table of groups", []Op{assign, obj}, 18432, Grow},                            // 128 * 136 B
		{"two groups", []Op{assign, obj}, 288, Grow},                                        // 2 * 136 B
		{"the object", []Op{assign, obj}, 208, NonMap},                                      // 200 B rounded up
		{"a directory", []Op{assign, obj}, 64, Grow},                                        // 8 table pointers, not the object
		{"a directory or the object", []Op{assign, {Kind: OpAlloc, Size: 64}}, 64, Unknown}, // could be either
		{"no size label", []Op{assign, obj}, 0, Unknown},
		{"object of unknown size", []Op{assign, {Kind: OpAlloc}}, 18432, Unknown},
		{"a call on the line allocates in its own frame", []Op{assign, obj, {Kind: OpCall}}, 18432, Grow},
		{"bucket array, Go 1.23", []Op{assign, obj}, blockSize(16 * 144), Grow},
		{"object the size of a group array", []Op{assign, {Kind: OpAlloc, Size: 288}}, 288, Unknown},
		{"make on the line", []Op{{Kind: OpMapMake, SlotSize: 16}, obj}, 18432, Make},
		{"map op without sizes", []Op{{Kind: OpMapAssign}, obj}, 18432, Unknown},
	} {
		if got := kindFromSize(tc.ops, tc.block); got != tc.want {
			t.Errorf("%s: block %d gave %s, want %s", tc.name, tc.block, got, tc.want)
		}
	}
}

func TestBlockSize(t *testing.T) {
	for n, want := range map[int64]int64{1: 8, 136: 144, 17408: 18432, 32768: 32768, 32769: 40960, 200: 208} {
		if got := blockSize(n); got != want {
			t.Errorf("blockSize(%d) = %d, want %d", n, got, want)
		}
	}
}
