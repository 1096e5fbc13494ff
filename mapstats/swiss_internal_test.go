//go:build (go1.24 && !go1.26 && goexperiment.swissmap) || (go1.26 && !go1.28)

package mapstats

import (
	"errors"
	"testing"
	"unsafe"
)

// fakeMap makes a map[int]int value whose header is h, so Of can be shown
// a header the runtime would never build (or one caught mid-write).
func fakeMap(h *swissMap) map[int]int {
	p := unsafe.Pointer(h)
	return *(*map[int]int)(unsafe.Pointer(&p))
}

func TestCorruptHeadersAreRefused(t *testing.T) {
	good := &swissTable{used: 1, capacity: 16, growthLeft: 13, lengthMask: 1, groups: unsafe.Pointer(new([2 * 136]byte))}
	badCap := &swissTable{used: 1, capacity: 24, growthLeft: 13, lengthMask: 2, groups: good.groups}
	overfull := &swissTable{used: 40, capacity: 16, lengthMask: 1, groups: good.groups}
	noGroups := &swissTable{used: 1, capacity: 16, lengthMask: 1}
	dir := func(ts ...*swissTable) unsafe.Pointer { return unsafe.Pointer(&ts[0]) }
	cases := map[string]*swissMap{
		"small map with 9 entries":  {used: 9, dirPtr: good.groups},
		"dirLen not 1<<globalDepth": {used: 1, dirPtr: dir(good, good, good), dirLen: 3, globalDepth: 2, globalShift: 62},
		"globalShift wrong":         {used: 1, dirPtr: dir(good), dirLen: 1, globalDepth: 0, globalShift: 3},
		"huge globalDepth":          {used: 1, dirPtr: dir(good), dirLen: 1 << 50, globalDepth: 50, globalShift: 14},
		"nil directory":             {used: 1, dirLen: 1, globalShift: 64},
		"nil table":                 {used: 1, dirPtr: dir(good, nil), dirLen: 2, globalDepth: 1, globalShift: 63},
		"capacity not power of 2":   {used: 1, dirPtr: dir(badCap), dirLen: 1, globalShift: 64},
		"table used > capacity":     {used: 40, dirPtr: dir(overfull), dirLen: 1, globalShift: 64},
		"table without groups":      {used: 1, dirPtr: dir(noGroups), dirLen: 1, globalShift: 64},
		"count disagrees":           {used: 7, dirPtr: dir(good), dirLen: 1, globalShift: 64},
		"negative count":            {used: 1 << 63, dirLen: 0},
		"count beyond any map":      {used: 1 << 61, dirPtr: dir(good), dirLen: 1, globalShift: 64},
	}
	for name, h := range cases {
		st, err := Of(fakeMap(h))
		if !errors.Is(err, ErrInconsistent) || st != (Stats{}) {
			t.Errorf("%s: Of = %+v, %v; want ErrInconsistent", name, st, err)
		}
	}
	st, err := Of(fakeMap(&swissMap{used: 1, dirPtr: dir(good), dirLen: 1, globalShift: 64}))
	if err != nil || st.Tables != 1 || st.Capacity != 16 || st.Tombstones != 0 {
		t.Errorf("consistent fake map: %+v, %v", st, err)
	}
}
