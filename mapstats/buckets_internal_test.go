//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package mapstats

import (
	"errors"
	"testing"
	"unsafe"
)

func fakeMap(h *hmap) map[int]int {
	p := unsafe.Pointer(h)
	return *(*map[int]int)(unsafe.Pointer(&p))
}

func TestCorruptHeadersAreRefused(t *testing.T) {
	buckets := unsafe.Pointer(new([17 * 144]byte)) // B = 4: 16 buckets + 1 preallocated overflow
	outside := unsafe.Pointer(new([144]byte))
	cases := map[string]*hmap{
		"B beyond the address space": {count: 1, B: 100, buckets: buckets},
		"negative count":             {count: -1},
		"count beyond any map":       {count: 1 << 62},
		"nextOverflow outside array": {count: 1, B: 4, buckets: buckets, extra: &mapextra{nextOverflow: outside}},
	}
	for name, h := range cases {
		st, err := Of(fakeMap(h))
		if !errors.Is(err, ErrInconsistent) || st != (Stats{}) {
			t.Errorf("%s: Of = %+v, %v; want ErrInconsistent", name, st, err)
		}
	}
}
