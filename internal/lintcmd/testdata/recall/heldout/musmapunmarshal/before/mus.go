// Package mus is a small binary serialization library: each Serializer
// writes a value into a byte slice and reads it back.
//
// Reproduces, in our own words, the shape of mus-format/mus-go before
// https://github.com/mus-format/mus-go/pull/14 (commit b8dc397,
// "Preallocate maps to expected size"): the map serializers of package
// ord read the encoded entry count first, then made the map with no size
// hint and grew it entry by entry. The validators and the error value of
// mus-format/common-go live here in place of a second module.
package mus

import "errors"

// ErrNegativeLength is returned when an encoded length is negative.
var ErrNegativeLength = errors.New("negative length")

// Serializer encodes and decodes values of type T.
type Serializer[T any] interface {
	Marshal(v T, bs []byte) (n int)
	Unmarshal(bs []byte) (v T, n int, err error)
	Size(v T) (size int)
	Skip(bs []byte) (n int, err error)
}

// Validator checks a decoded value.
type Validator[T any] interface {
	Validate(v T) error
}

// ValidatorFn turns a function into a Validator.
type ValidatorFn[T any] func(v T) error

// Validate calls f.
func (f ValidatorFn[T]) Validate(v T) error { return f(v) }
