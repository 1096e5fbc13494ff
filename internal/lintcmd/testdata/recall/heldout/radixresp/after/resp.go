// Package resp reproduces, in its own words, the map decoding of radix's
// RESP reader that got a size hint in
// https://github.com/mediocregopher/radix/pull/26 (commit
// c543119feea734570c988dc922d137ec14d0df91; before/ is the code before the
// change, after/ as changed). A Redis array decoded into a Go map made the
// map empty although the array header gives the number of pairs.
package resp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
)

// Any decodes a RESP value into I, using reflection for slices and maps.
type Any struct {
	I interface{}
}

func readLine(br *bufio.Reader) ([]byte, error) {
	b, err := br.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if len(b) < 3 || b[len(b)-2] != '\r' {
		return nil, errors.New("malformed line")
	}
	return b[:len(b)-2], nil
}

// UnmarshalRESP reads one value (a bulk string or an array) into a.I.
func (a Any) UnmarshalRESP(br *bufio.Reader) error {
	line, err := readLine(br)
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(string(line[1:]), 10, 64)
	if err != nil {
		return err
	}
	switch line[0] {
	case '$':
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return err
		}
		return a.setString(string(buf[:n]))
	case '*':
		return a.unmarshalArray(br, n)
	default:
		return fmt.Errorf("unknown RESP type %q", line[0])
	}
}

func (a Any) setString(s string) error {
	v := reflect.ValueOf(a.I)
	if v.Kind() != reflect.Ptr || v.IsNil() {
		return errors.New("cannot decode into a non-pointer")
	}
	v = v.Elem()
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		v.SetInt(i)
	case reflect.Interface:
		v.Set(reflect.ValueOf(s))
	default:
		return fmt.Errorf("cannot decode a string into %v", v.Type())
	}
	return nil
}

func (a Any) unmarshalArray(br *bufio.Reader, l int64) error {
	v := reflect.ValueOf(a.I)
	if v.Kind() != reflect.Ptr || v.IsNil() {
		return errors.New("cannot decode into a non-pointer")
	}
	v = v.Elem()
	size := int(l)
	switch v.Kind() {
	case reflect.Slice:
		if size > v.Cap() || v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), size, size))
		} else {
			v.SetLen(size)
		}
		for i := 0; i < size; i++ {
			if err := (Any{I: v.Index(i).Addr().Interface()}).UnmarshalRESP(br); err != nil {
				return err
			}
		}
		return nil

	case reflect.Map:
		if size%2 != 0 {
			return errors.New("cannot decode an array with an odd number of elements into a map")
		} else if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(v.Type(), size/2))
		}
		for i := 0; i < size; i += 2 {
			kv := reflect.New(v.Type().Key())
			if err := (Any{I: kv.Interface()}).UnmarshalRESP(br); err != nil {
				return err
			}
			vv := reflect.New(v.Type().Elem())
			if err := (Any{I: vv.Interface()}).UnmarshalRESP(br); err != nil {
				return err
			}
			v.SetMapIndex(kv.Elem(), vv.Elem())
		}
		return nil

	default:
		return fmt.Errorf("cannot decode an array into %v", v.Type())
	}
}
