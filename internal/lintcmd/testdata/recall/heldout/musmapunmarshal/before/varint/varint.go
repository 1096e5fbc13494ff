// Package varint encodes integers in the variable-length format of
// encoding/binary.
package varint

import (
	"encoding/binary"
	"errors"
)

var errOverflow = errors.New("varint: overflow or short buffer")

type positiveInt struct{}

// PositiveInt encodes non-negative ints (lengths, counts) as uvarints.
var PositiveInt positiveInt

func (positiveInt) Marshal(v int, bs []byte) int { return binary.PutUvarint(bs, uint64(v)) }

func (positiveInt) Unmarshal(bs []byte) (int, int, error) {
	u, n := binary.Uvarint(bs)
	if n <= 0 {
		return 0, 0, errOverflow
	}
	return int(u), n, nil
}

func (positiveInt) Size(v int) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], uint64(v))
}

func (positiveInt) Skip(bs []byte) (int, error) {
	_, n := binary.Uvarint(bs)
	if n <= 0 {
		return 0, errOverflow
	}
	return n, nil
}

type signedInt struct{}

// Int encodes ints with zig-zag varints.
var Int signedInt

func (signedInt) Marshal(v int, bs []byte) int { return binary.PutVarint(bs, int64(v)) }

func (signedInt) Unmarshal(bs []byte) (int, int, error) {
	i, n := binary.Varint(bs)
	if n <= 0 {
		return 0, 0, errOverflow
	}
	return int(i), n, nil
}

func (signedInt) Size(v int) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutVarint(buf[:], int64(v))
}

func (signedInt) Skip(bs []byte) (int, error) {
	_, n := binary.Varint(bs)
	if n <= 0 {
		return 0, errOverflow
	}
	return n, nil
}
