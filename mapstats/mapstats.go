package mapstats

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// ErrUnsupported is returned when the map layout of the Go version the
// program was built with is not one mapstats knows how to read.
var ErrUnsupported = errors.New("mapstats: map layout not supported by this Go version")

// ErrInconsistent is returned when the map header or its tables fail a
// sanity check, which happens when the map is written while Of reads it
// (the caller must hold the map's lock) or when the runtime's layout is
// not the one mapstats expects.
var ErrInconsistent = errors.New("mapstats: map header inconsistent (written concurrently, or unexpected layout)")

// Stats describes the memory a map holds at the moment Of read it.
type Stats struct {
	Len          int    // entries
	Capacity     int    // slots (swiss) or buckets*8 (bucket implementation); 0 for a sync.Map
	Bytes        int64  // bytes the map holds now: header, directory, tables, groups, indirect keys/elems (sync.Map: trie nodes), each rounded up to the allocator's size class
	RebuildBytes int64  // what a map rebuilt with make(map[K]V, Len) and refilled would hold (sync.Map: a trie of the same keys built afresh)
	Tables       int    // distinct swiss tables (0 for a small map)
	Groups       int    // swiss groups
	Buckets      int    // bucket implementation only
	Overflow     int    // bucket implementation only (approximate, from noverflow)
	Tombstones   int    // deleted slots not yet reusable (swiss: capacity*7/8 - used - growthLeft per table)
	Impl         string // "swiss", "buckets" or "hashtrie" (sync.Map)
}

// Reclaimable returns Bytes - RebuildBytes, never negative: the memory a
// Rebuild would give back to the heap.
func (s Stats) Reclaimable() int64 {
	if s.Bytes <= s.RebuildBytes {
		return 0
	}
	return s.Bytes - s.RebuildBytes
}

// Of reads the map m, given as a map value, a non-nil pointer to a map
// variable or a *sync.Map, and returns what it holds. A nil map gives zero
// Stats. Anything else is an error naming its type; a layout this Go
// version does not support gives ErrUnsupported.
//
// Of does not allocate (but for a check of sync.Map's layout, once per
// process) and does not lock. For a builtin map the caller
// must hold the lock that guards the map's writers; Of walks the map's
// tables, not its entries. A sync.Map needs no lock (Of reads its links
// atomically, as Range does), but Of visits every entry: its cost grows
// with the length, about what Range with an empty function costs, and
// like Range it is not a snapshot when other goroutines write.
func Of(m any) (st Stats, err error) {
	e := (*eface)(unsafe.Pointer(&m))
	if e.typ == nil {
		return Stats{}, errors.New("mapstats: Of(nil): want a map or a pointer to a map")
	}
	t := reflect.TypeOf(m)
	var hdr unsafe.Pointer
	switch t.Kind() {
	case reflect.Map:
		// Maps are pointer-shaped: the interface's data word is the
		// *runtime map header itself.
		hdr = e.data
	case reflect.Pointer:
		t = t.Elem()
		if t == syncMapType {
			if e.data == nil {
				return Stats{}, fmt.Errorf("mapstats: Of(%T): nil pointer", m)
			}
			if err := trieOf((*sync.Map)(e.data), &st); err != nil {
				return Stats{}, err
			}
			return st, nil
		}
		if t.Kind() != reflect.Map {
			return Stats{}, fmt.Errorf("mapstats: Of(%T): want a map or a pointer to a map", m)
		}
		if e.data == nil {
			return Stats{}, fmt.Errorf("mapstats: Of(%T): nil pointer", m)
		}
		hdr = *(*unsafe.Pointer)(e.data)
	default:
		return Stats{}, fmt.Errorf("mapstats: Of(%T): want a map or a pointer to a map", m)
	}
	if hdr == nil {
		return Stats{}, nil
	}
	if err := readMap(typeDescriptor(t), hdr, &st); err != nil {
		return Stats{}, err
	}
	return st, nil
}

var syncMapType = reflect.TypeOf(sync.Map{})

// Rebuild returns a copy of m made with make(M, len(m)): unlike maps.Clone,
// which copies the tables at their current size, the copy holds only what
// len(m) entries need. A nil m gives nil. The caller must replace every
// reference to m with the result for the old tables to be freed.
func Rebuild[M ~map[K]V, K comparable, V any](m M) M {
	if m == nil {
		return nil
	}
	n := make(M, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

// maxEntries bounds the entry count Of believes: far above any real map
// (2^48 entries need petabytes), low enough that sizing arithmetic cannot
// overflow on a torn header.
const maxEntries = 1 << 48

// eface mirrors the runtime's empty interface: type word, data word.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// typeDescriptor returns the runtime type descriptor (*abi.Type) behind a
// reflect.Type: reflect.Type's dynamic value is *reflect.rtype, which is
// the descriptor itself.
func typeDescriptor(t reflect.Type) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&t))[1]
}

// abiType mirrors internal/abi.Type, stable from Go 1.21 to 1.27 (48 bytes
// on 64-bit platforms).
type abiType struct {
	size       uintptr
	ptrBytes   uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      unsafe.Pointer
	gcData     unsafe.Pointer
	str        int32
	ptrToThis  int32
}

func (t *abiType) hasPointers() bool { return t.ptrBytes != 0 }
