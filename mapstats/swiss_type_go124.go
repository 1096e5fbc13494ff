//go:build (go1.24 && !go1.26 && goexperiment.swissmap) || (go1.26 && !go1.27)

package mapstats

import "unsafe"

// swissMapType mirrors abi.SwissMapType (Go 1.24, 1.25) and abi.MapType
// (Go 1.26): same fields, renamed.
type swissMapType struct {
	typ       abiType
	key       *abiType
	elem      *abiType
	group     *abiType
	hasher    unsafe.Pointer
	groupSize uintptr
	slotSize  uintptr
	elemOff   uintptr
	flags     uint32
}
