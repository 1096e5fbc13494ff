//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package mapstats

import "unsafe"

func readMap(typ, hdr unsafe.Pointer) (Stats, error) {
	return Stats{}, ErrUnsupported
}
