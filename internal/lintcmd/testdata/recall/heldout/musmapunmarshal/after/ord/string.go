// Package ord holds the serializers of ordinary types: strings and maps.
package ord

import (
	"errors"

	"recall/heldout/musmapunmarshal/after/varint"
)

var errShort = errors.New("ord: buffer too short")

type stringSer struct{}

// String encodes a string as its length followed by its bytes.
var String stringSer

func (stringSer) Marshal(v string, bs []byte) int {
	n := varint.PositiveInt.Marshal(len(v), bs)
	return n + copy(bs[n:], v)
}

func (stringSer) Unmarshal(bs []byte) (string, int, error) {
	l, n, err := varint.PositiveInt.Unmarshal(bs)
	if err != nil {
		return "", n, err
	}
	if len(bs)-n < l {
		return "", n, errShort
	}
	return string(bs[n : n+l]), n + l, nil
}

func (stringSer) Size(v string) int { return varint.PositiveInt.Size(len(v)) + len(v) }

func (stringSer) Skip(bs []byte) (int, error) {
	l, n, err := varint.PositiveInt.Unmarshal(bs)
	if err != nil {
		return n, err
	}
	if len(bs)-n < l {
		return n, errShort
	}
	return n + l, nil
}
