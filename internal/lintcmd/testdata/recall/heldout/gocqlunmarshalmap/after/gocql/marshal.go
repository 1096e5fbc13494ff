// Package gocql reproduces, in its own words, the map decoding of the
// Cassandra Go driver (gocql) as it was before commit
// a1cb849f8513e4644d9500e6d504a3dfeb1156b2 ("Allocate map with the
// initial size during unmarshal", apache/cassandra-gocql-driver PR #1642:
// https://github.com/apache/cassandra-gocql-driver/pull/1642; before/ is
// the code before the change, after/ as changed). A map column is decoded
// for every row a query returns: the encoded value starts with the number
// of pairs, but the map was made empty by reflection before that count
// was read, and grew pair by pair; the fix reads the count first and
// makes the map with it.
package gocql

import (
	"encoding/binary"
	"fmt"
	"reflect"
)

// Type is a CQL type code.
type Type int

const (
	TypeInt     Type = 0x0009
	TypeVarchar Type = 0x000D
	TypeMap     Type = 0x0021
)

const protoVersion2 = 0x02

// TypeInfo describes the CQL type of a value.
type TypeInfo interface {
	Type() Type
}

// NativeType is a type without parameters.
type NativeType struct {
	proto byte
	typ   Type
}

func (t NativeType) Type() Type { return t.typ }

// CollectionType is a list, set or map type.
type CollectionType struct {
	NativeType
	Key  TypeInfo // for maps
	Elem TypeInfo
}

func unmarshalErrorf(format string, args ...any) error {
	return fmt.Errorf("gocql: "+format, args...)
}

// Unmarshal decodes data, of type info, into value, a pointer.
func Unmarshal(info TypeInfo, data []byte, value any) error {
	switch info.Type() {
	case TypeInt:
		return unmarshalInt(data, value)
	case TypeVarchar:
		return unmarshalVarchar(data, value)
	case TypeMap:
		return unmarshalMap(info, data, value)
	}
	return unmarshalErrorf("can not unmarshal %v", info.Type())
}

func unmarshalInt(data []byte, value any) error {
	p, ok := value.(*int)
	if !ok {
		return unmarshalErrorf("can not unmarshal int into %T", value)
	}
	if data == nil {
		*p = 0
		return nil
	}
	if len(data) != 4 {
		return unmarshalErrorf("unmarshal int: bad length %d", len(data))
	}
	*p = int(int32(binary.BigEndian.Uint32(data)))
	return nil
}

func unmarshalVarchar(data []byte, value any) error {
	p, ok := value.(*string)
	if !ok {
		return unmarshalErrorf("can not unmarshal varchar into %T", value)
	}
	*p = string(data)
	return nil
}

func readCollectionSize(info CollectionType, data []byte) (size, read int, err error) {
	if info.proto > protoVersion2 {
		if len(data) < 4 {
			return 0, 0, unmarshalErrorf("unmarshal collection: unexpected eof")
		}
		return int(int32(binary.BigEndian.Uint32(data))), 4, nil
	}
	if len(data) < 2 {
		return 0, 0, unmarshalErrorf("unmarshal collection: unexpected eof")
	}
	return int(binary.BigEndian.Uint16(data)), 2, nil
}

// readElement reads one length-prefixed element; a negative length is a
// null, returned as nil.
func readElement(info CollectionType, data []byte) (elem, rest []byte, err error) {
	m, p, err := readCollectionSize(info, data)
	if err != nil {
		return nil, nil, err
	}
	data = data[p:]
	if m < 0 {
		return nil, data, nil
	}
	if len(data) < m {
		return nil, nil, unmarshalErrorf("unmarshal map: unexpected eof")
	}
	return data[:m], data[m:], nil
}

func unmarshalMap(info TypeInfo, data []byte, value any) error {
	mapInfo, ok := info.(CollectionType)
	if !ok {
		return unmarshalErrorf("can not unmarshal non-collection type into map")
	}
	rv := reflect.ValueOf(value)
	if rv.Kind() != reflect.Pointer {
		return unmarshalErrorf("can not unmarshal into non-pointer %T", value)
	}
	rv = rv.Elem()
	t := rv.Type()
	if t.Kind() != reflect.Map {
		return unmarshalErrorf("can not unmarshal %v into %T", info.Type(), value)
	}
	if data == nil {
		rv.Set(reflect.Zero(t))
		return nil
	}
	n, p, err := readCollectionSize(mapInfo, data)
	if err != nil {
		return err
	}
	if n < 0 {
		return unmarshalErrorf("negative map size %d", n)
	}
	rv.Set(reflect.MakeMapWithSize(t, n))
	data = data[p:]
	for i := 0; i < n; i++ {
		var keyData, valData []byte
		if keyData, data, err = readElement(mapInfo, data); err != nil {
			return err
		}
		key := reflect.New(t.Key())
		if err := Unmarshal(mapInfo.Key, keyData, key.Interface()); err != nil {
			return err
		}
		if valData, data, err = readElement(mapInfo, data); err != nil {
			return err
		}
		val := reflect.New(t.Elem())
		if err := Unmarshal(mapInfo.Elem, valData, val.Interface()); err != nil {
			return err
		}
		rv.SetMapIndex(key.Elem(), val.Elem())
	}
	return nil
}
