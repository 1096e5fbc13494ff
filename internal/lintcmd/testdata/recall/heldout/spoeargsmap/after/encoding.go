package spoe

import (
	"encoding/binary"
	"errors"
)

var errShort = errors.New("spoe: short payload")

const (
	typeInt    = 1
	typeString = 2
)

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func decodeString(b []byte) (string, int, error) {
	l, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < l {
		return "", 0, errShort
	}
	return string(b[n : n+int(l)]), n + int(l), nil
}

// decodeKV reads an argument: its name, a type byte and a typed value.
func decodeKV(b []byte) (string, interface{}, int, error) {
	name, n, err := decodeString(b)
	if err != nil {
		return "", nil, 0, err
	}
	if len(b) <= n {
		return "", nil, 0, errShort
	}
	typ := b[n]
	n++
	switch typ {
	case typeInt:
		v, m := binary.Varint(b[n:])
		if m <= 0 {
			return "", nil, 0, errShort
		}
		return name, v, n + m, nil
	case typeString:
		s, m, err := decodeString(b[n:])
		if err != nil {
			return "", nil, 0, err
		}
		return name, s, n + m, nil
	}
	return "", nil, 0, errors.New("spoe: unknown argument type")
}
