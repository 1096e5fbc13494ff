package srcline

import (
	"go/types"
	"testing"
)

// The group sizes of map-runtime-facts.md: GroupSize = 8 + 8*SlotSize.
func TestStorageSizes(t *testing.T) {
	str := types.Typ[types.String]
	i64 := types.Typ[types.Int]
	big := types.NewArray(types.Typ[types.Byte], 200) // stored through a pointer
	for _, tc := range []struct {
		name          string
		m             *types.Map
		group, bucket int64
	}{
		{"map[int]int", types.NewMap(i64, i64), 136, 144},
		{"map[string]int", types.NewMap(str, i64), 200, 208},
		{"map[int32]bool", types.NewMap(types.Typ[types.Int32], types.Typ[types.Bool]), 72, 56},
		{"map[int]struct{}", types.NewMap(i64, types.NewStruct(nil, nil)), 136, 80},
		{"map[int][200]byte", types.NewMap(i64, big), 136, 144},
	} {
		slot, bucket := storageSizes(tc.m)
		if group := 8 + 8*slot; group != tc.group || bucket != tc.bucket {
			t.Errorf("%s: group %d, bucket %d; want %d, %d", tc.name, group, bucket, tc.group, tc.bucket)
		}
	}
}
