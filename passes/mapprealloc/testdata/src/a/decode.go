package a

import (
	"errors"
	"reflect"
)

// Decoders of serialized maps: an entry count, then the entries. Every
// key decoded is new, so the count is the map's size.

type reader struct {
	buf []byte
	off int
}

var errShort = errors.New("short buffer")

func (r *reader) count() (int, error) {
	if r.off >= len(r.buf) {
		return 0, errShort
	}
	r.off++
	return int(r.buf[r.off-1]), nil
}

func (r *reader) str() (string, error) {
	n, err := r.count()
	if err != nil || r.off+n > len(r.buf) {
		return "", errShort
	}
	r.off += n
	return string(r.buf[r.off-n : r.off]), nil
}

func (r *reader) decode(p *string) error {
	s, err := r.str()
	*p = s
	return err
}

func readMap(r *reader) (map[string]string, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	m := make(map[string]string) // want `map m is made without a size hint but the loop below fills it n times`
	for i := 0; i < n; i++ {
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		v, err := r.str()
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

// Unmarshal decodes a message: the name does not make it configuration
// code, and returning the map decoded so far on an error is allowed.
func (r *reader) Unmarshal() (m map[string]bool, err error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	m = map[string]bool{} // want `map m is made without a size hint but the loop below fills it n times`
	for range n {
		var k string
		if err := r.decode(&k); err != nil {
			return m, err
		}
		if k == "" {
			continue // skipped entries leave the count an upper bound
		}
		m[k] = true
	}
	return m, nil
}

type header struct{ sizes []uint32 }

func readSized(r *reader, h header) map[string]uint32 {
	m := make(map[string]uint32) // want `map m is made without a size hint but the loop below fills it len\(h.sizes\) times`
	for i := range len(h.sizes) {
		k, _ := r.str()
		m[k] = h.sizes[i]
	}
	return m
}

func readCounted(r *reader, cnt uint32) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint but the loop below fills it int\(cnt\) times`
	for i := 0; i < int(cnt); i++ {
		k, _ := r.str()
		m[k] = i
	}
	return m
}

// Through reflection: reflect.MakeMapWithSize is the hint.
func decodeInto(rv reflect.Value, raw [][2]string) {
	t := rv.Type()
	rv.Set(reflect.MakeMap(t)) // want `map rv is made by reflect.MakeMap without a size hint but the loop below fills it len\(raw\) times`
	for i := 0; i < len(raw); i++ {
		key := reflect.New(t.Key())
		key.Elem().SetString(raw[i][0])
		val := reflect.New(t.Elem())
		val.Elem().SetString(raw[i][1])
		rv.SetMapIndex(key.Elem(), val.Elem())
	}
}

func decodeValue(t reflect.Type, r *reader) (reflect.Value, error) {
	n, err := r.count()
	if err != nil {
		return reflect.Value{}, err
	}
	m := reflect.MakeMap(t) // want `map m is made by reflect.MakeMap without a size hint but the loop below fills it n times`
	for range n {
		k, err := r.str()
		if err != nil {
			return reflect.Value{}, err
		}
		m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(true))
	}
	return m, nil
}

// Near misses.

// A key built from the counter is no decoded key (and i's name is no
// identity of an element).
func byCounter(r *reader, n int) map[string]int {
	m := make(map[string]int)
	for i := 0; i < n; i++ {
		k := r.name(i)
		m[k] = i
	}
	return m
}

func (r *reader) name(i int) string { return string(rune('a' + i)) }

// A range over a collection parses its elements: a key derived from the
// element is an attribute, and the error return makes it run-once
// parsing, as before.
func parseAll(raws []string) (map[string]int, error) {
	m := make(map[string]int)
	for _, raw := range raws {
		k, err := parseKey(raw)
		if err != nil {
			return nil, err
		}
		m[k] = len(raw)
	}
	return m, nil
}

func parseKey(s string) (string, error) {
	if s == "" {
		return "", errShort
	}
	return s[:1], nil
}

// A range over a collection is not a serialized map's count, even when
// the key is read from elsewhere.
func perElement(r *reader, sizes []int) (map[string]int, error) {
	m := make(map[string]int)
	for _, size := range sizes {
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		m[k] = size
	}
	return m, nil
}

// A key decoded once, before the loop, is the same in every iteration.
func sameKey(r *reader, n int) map[string]int {
	k, _ := r.str()
	m := make(map[string]int)
	for i := 0; i < n; i++ {
		v, _ := r.count()
		m[k] = v
	}
	return m
}

// A key read from a slice at a cursor the loop advances is decoded too.
func byCursor(keys []string, n int) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint but the loop below fills it n times`
	j := 0
	for i := 0; i < n; i++ {
		k := keys[j]
		j += 2
		m[k] = i
	}
	return m
}

// A decoder that stops early, at malformed input or a terminator,
// still has the count as a bound.
func untilEmpty(r *reader, n int) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it n times`
	for i := 0; i < n; i++ {
		k, _ := r.str()
		if k == "" {
			break
		}
		m[k] = true
	}
	return m
}

// Configuration is decoded once per load.
func decodeConfig(r *reader) map[string]string {
	n, _ := r.count()
	m := make(map[string]string)
	for i := 0; i < n; i++ {
		k, _ := r.str()
		v, _ := r.str()
		m[k] = v
	}
	return m
}

// Keys read from the input at a cursor the loop advances, stopping at a
// truncated pair (proxy-wasm-go-host's DecodeMap,
// https://github.com/mosn/proxy-wasm-go-host/pull/3).
func pairsAt(raw []byte, pairs int) map[string]string {
	m := make(map[string]string) // want `map m is made without a size hint but the loop below fills it pairs times`
	off := 0
	for i := 0; i < pairs; i++ {
		if off+2 > len(raw) {
			break
		}
		key := string(raw[off : off+1])
		value := string(raw[off+1 : off+2])
		off += 2
		m[key] = value
	}
	return m
}

// Near miss: a key read where the loop does not move is the same key
// in every iteration.
func samePlace(raw []byte, off, n int) map[string]int {
	m := make(map[string]int)
	for i := 0; i < n; i++ {
		k := string(raw[off : off+1])
		m[k] = i
	}
	return m
}

// Near miss: an index computed afresh in each iteration is no cursor
// through the input: the names it picks may repeat.
func picked(names []string, picks []int, n int) map[string]int {
	m := make(map[string]int)
	for i := 0; i < n; i++ {
		j := picks[i%len(picks)]
		k := names[j]
		m[k] = i
	}
	return m
}

// A reflect map made lazily in an if chain whose other branch returns,
// filled pair by pair from a flat array (radix's RESP decoder,
// https://github.com/mediocregopher/radix/pull/26).
func decodePairs(v reflect.Value, elems []string) error {
	size := len(elems)
	if size%2 != 0 {
		return errShort
	} else if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type())) // want `map v is made by reflect.MakeMap without a size hint but the loop below fills it \(len\(elems\)\+1\)/2 times`
	}
	for i := 0; i < len(elems); i += 2 {
		k := reflect.New(v.Type().Key())
		k.Elem().SetString(elems[i])
		val := reflect.New(v.Type().Elem())
		val.Elem().SetString(elems[i+1])
		v.SetMapIndex(k.Elem(), val.Elem())
	}
	return nil
}

// Near miss: the other branch replaces the map with one of its own size.
func decodeOrReuse(v, old reflect.Value, elems []string) {
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	} else {
		v.Set(old)
	}
	for i := 0; i < len(elems); i += 2 {
		k := reflect.New(v.Type().Key())
		k.Elem().SetString(elems[i])
		v.SetMapIndex(k.Elem(), reflect.ValueOf(elems[i+1]))
	}
}

// Near miss: the loop reads the map itself, not only its type.
func decodeCounting(v reflect.Value, elems []string) {
	v.Set(reflect.MakeMap(v.Type()))
	for i := 0; i < len(elems); i++ {
		k := reflect.New(v.Type().Key())
		k.Elem().SetString(elems[i])
		if v.Len() > 100 {
			return
		}
		v.SetMapIndex(k.Elem(), reflect.ValueOf(i))
	}
}

// Near miss: outside a decoder, a loop over a flat list of pairs fills a
// map of a few attributes or headers (chromedp's attributeMap, rod's
// SetExtraHeaders).
func attrMap(attrs []string) map[string]string {
	m := make(map[string]string)
	for i := 0; i < len(attrs); i += 2 {
		m[attrs[i]] = attrs[i+1]
	}
	return m
}
