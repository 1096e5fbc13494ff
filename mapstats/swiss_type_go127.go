//go:build go1.27 && !go1.28

package mapstats

import "unsafe"

// swissMapType mirrors abi.MapType of Go 1.27, which replaced SlotSize with
// the key/elem offsets and strides of GOEXPERIMENT=mapsplitgroup, moving
// Flags from offset 104 to 128 (on 64-bit platforms).
type swissMapType struct {
	typ        abiType
	key        *abiType
	elem       *abiType
	group      *abiType
	hasher     unsafe.Pointer
	groupSize  uintptr
	keysOff    uintptr
	keyStride  uintptr
	elemsOff   uintptr
	elemStride uintptr
	elemOff    uintptr
	flags      uint32
}
