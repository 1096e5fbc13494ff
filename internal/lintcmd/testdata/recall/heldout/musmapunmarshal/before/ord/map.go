package ord

import (
	"recall/heldout/musmapunmarshal/before"
	"recall/heldout/musmapunmarshal/before/varint"
)

// MapOptions configures a map serializer.
type MapOptions[K comparable, V any] struct {
	LenSer  mus.Serializer[int]
	LenVl   mus.Validator[int]
	KeyVl   mus.Validator[K]
	ValueVl mus.Validator[V]
}

// NewMapSer returns a serializer of map[K]V from serializers of its keys
// and values.
func NewMapSer[K comparable, V any](keys mus.Serializer[K], values mus.Serializer[V],
	o MapOptions[K, V]) MapSer[K, V] {
	lenSer := o.LenSer
	if lenSer == nil {
		lenSer = varint.PositiveInt
	}
	return MapSer[K, V]{lenSer: lenSer, keys: keys, values: values}
}

// NewValidMapSer is NewMapSer with the validators of o checked while
// decoding.
func NewValidMapSer[K comparable, V any](keys mus.Serializer[K], values mus.Serializer[V],
	o MapOptions[K, V]) ValidMapSer[K, V] {
	return ValidMapSer[K, V]{
		MapSer:  NewMapSer(keys, values, o),
		lenVl:   o.LenVl,
		keyVl:   o.KeyVl,
		valueVl: o.ValueVl,
	}
}

// MapSer encodes a map as its entry count followed by the entries.
type MapSer[K comparable, V any] struct {
	lenSer mus.Serializer[int]
	keys   mus.Serializer[K]
	values mus.Serializer[V]
}

// Marshal writes m into bs, which must be large enough (see Size).
func (s MapSer[K, V]) Marshal(m map[K]V, bs []byte) (n int) {
	n = s.lenSer.Marshal(len(m), bs)
	for k, v := range m {
		n += s.keys.Marshal(k, bs[n:])
		n += s.values.Marshal(v, bs[n:])
	}
	return n
}

// Unmarshal reads a map from bs.
func (s MapSer[K, V]) Unmarshal(bs []byte) (m map[K]V, n int, err error) {
	count, n, err := s.lenSer.Unmarshal(bs)
	if err != nil {
		return nil, n, err
	}
	if count < 0 {
		return nil, n, mus.ErrNegativeLength
	}
	m = make(map[K]V) // want mapprealloc "."
	for i := 0; i < count; i++ {
		k, used, err := s.keys.Unmarshal(bs[n:])
		n += used
		if err != nil {
			return m, n, err
		}
		v, used, err := s.values.Unmarshal(bs[n:])
		n += used
		if err != nil {
			return m, n, err
		}
		m[k] = v
	}
	return m, n, nil
}

// Size returns the encoded size of m.
func (s MapSer[K, V]) Size(m map[K]V) (size int) {
	size = s.lenSer.Size(len(m))
	for k, v := range m {
		size += s.keys.Size(k) + s.values.Size(v)
	}
	return size
}

// Skip steps over an encoded map.
func (s MapSer[K, V]) Skip(bs []byte) (n int, err error) {
	count, n, err := s.lenSer.Unmarshal(bs)
	if err != nil {
		return n, err
	}
	if count < 0 {
		return n, mus.ErrNegativeLength
	}
	for i := 0; i < count; i++ {
		used, err := s.keys.Skip(bs[n:])
		n += used
		if err != nil {
			return n, err
		}
		used, err = s.values.Skip(bs[n:])
		n += used
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ValidMapSer is a MapSer that validates the count, keys and values it
// decodes.
type ValidMapSer[K comparable, V any] struct {
	MapSer[K, V]
	lenVl   mus.Validator[int]
	keyVl   mus.Validator[K]
	valueVl mus.Validator[V]
}

// Unmarshal reads a map from bs, stopping at the first value a validator
// rejects.
func (s ValidMapSer[K, V]) Unmarshal(bs []byte) (m map[K]V, n int, err error) {
	count, n, err := s.lenSer.Unmarshal(bs)
	if err != nil {
		return nil, n, err
	}
	if count < 0 {
		return nil, n, mus.ErrNegativeLength
	}
	if s.lenVl != nil {
		if err = s.lenVl.Validate(count); err != nil {
			return nil, n, err
		}
	}
	m = make(map[K]V) // want mapprealloc "."
	for i := 0; i < count; i++ {
		k, used, err := s.keys.Unmarshal(bs[n:])
		n += used
		if err != nil {
			return m, n, err
		}
		if s.keyVl != nil {
			if err = s.keyVl.Validate(k); err != nil {
				return m, n, err
			}
		}
		v, used, err := s.values.Unmarshal(bs[n:])
		n += used
		if err != nil {
			return m, n, err
		}
		if s.valueVl != nil {
			if err = s.valueVl.Validate(v); err != nil {
				return m, n, err
			}
		}
		m[k] = v
	}
	return m, n, nil
}
