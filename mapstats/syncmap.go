//go:build go1.24 && !go1.28

package mapstats

import (
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Since Go 1.24 a sync.Map is a concurrent hash-trie
// (internal/sync.HashTrieMap[any, any]): indirect nodes of 16 children
// each, and an entry node per key, chained on full hash collisions. It
// holds no builtin map, and a delete frees the entry and prunes indirect
// nodes that become empty. GOEXPERIMENT=nosynchashtriemap (Go 1.24, 1.25)
// brings back the older sync.Map of two builtin maps; mapstats does not
// read that one (ErrUnsupported).
//
// The trie is built for lock-free readers: every child and overflow link
// is an atomic.Pointer, and a node's other fields are written before the
// node is published. trieOf reads the links with atomic loads, as
// HashTrieMap's own Range does, so it needs no lock and is no data race.

// trieLayout is what trieOf needs of the hash-trie, taken from the
// runtime's own type descriptors through reflect (field names, offsets,
// sizes), so that a layout that moved is refused instead of misread.
type trieLayout struct {
	rootOff     uintptr // sync.Map -> HashTrieMap.root (an atomic.Pointer's value)
	childrenOff uintptr // indirect -> children[0]
	childStride uintptr // size of one atomic.Pointer in children
	children    int
	indirect    int64 // heap bytes of an indirect node
	entry       int64 // heap bytes of an entry node
}

// trieEntry mirrors internal/sync.entry[any, any]. Its type cannot be
// reached through reflect from sync.Map (nothing but code refers to it),
// so its shape is checked against the node type that starts it.
type trieEntry struct {
	isEntry  bool
	overflow unsafe.Pointer // atomic.Pointer[entry]
	key      any
	value    any
}

var (
	trieOnce sync.Once
	trie     *trieLayout // nil when sync.Map is not the hash-trie this file knows
)

// maxTrieDepth: 64 hash bits, 4 per level.
const maxTrieDepth = 16

func loadTrieLayout() *trieLayout {
	trieOnce.Do(func() { trie = readTrieLayout() })
	return trie
}

func readTrieLayout() *trieLayout {
	sm := reflect.TypeOf(sync.Map{})
	m, ok := sm.FieldByName("m")
	if !ok || !isInternalSync(m.Type, "HashTrieMap[") || m.Type.Kind() != reflect.Struct {
		return nil
	}
	root, ok := m.Type.FieldByName("root")
	if !ok {
		return nil
	}
	indirectT, vOff, ok := atomicPointer(root.Type)
	if !ok || !isInternalSync(indirectT, "indirect[") || indirectT.Kind() != reflect.Struct {
		return nil
	}
	node, ok := indirectT.FieldByName("node")
	if !ok || node.Offset != 0 || !node.Anonymous || !isNode(node.Type) {
		return nil
	}
	children, ok := indirectT.FieldByName("children")
	if !ok || children.Type.Kind() != reflect.Array || children.Type.Len() != 16 {
		return nil
	}
	childT, childV, ok := atomicPointer(children.Type.Elem())
	if !ok || !isNode(childT) || childV != 0 {
		return nil
	}
	// The entry mirror must start the way the runtime's node does.
	if unsafe.Offsetof(trieEntry{}.overflow) != ptrSize || node.Type.Size() != 1 {
		return nil
	}
	return &trieLayout{
		rootOff:     m.Offset + root.Offset + vOff,
		childrenOff: children.Offset,
		childStride: children.Type.Elem().Size(),
		children:    children.Type.Len(),
		indirect:    heapBytes(indirectT.Size(), true),
		entry:       heapBytes(unsafe.Sizeof(trieEntry{}), true),
	}
}

func isInternalSync(t reflect.Type, prefix string) bool {
	return t.PkgPath() == "internal/sync" && strings.HasPrefix(t.Name(), prefix)
}

func isNode(t reflect.Type) bool {
	if !isInternalSync(t, "node[") || t.Kind() != reflect.Struct || t.NumField() != 1 {
		return false
	}
	f := t.Field(0)
	return f.Name == "isEntry" && f.Type.Kind() == reflect.Bool && f.Offset == 0
}

// atomicPointer returns T and the offset of the pointer word of a
// sync/atomic.Pointer[T].
func atomicPointer(t reflect.Type) (reflect.Type, uintptr, bool) {
	if t.PkgPath() != "sync/atomic" || !strings.HasPrefix(t.Name(), "Pointer[") || t.Kind() != reflect.Struct {
		return nil, 0, false
	}
	var elem reflect.Type
	var vOff uintptr
	found := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch {
		case f.Type.Kind() == reflect.Array && f.Type.Len() == 0 && f.Type.Elem().Kind() == reflect.Pointer:
			elem = f.Type.Elem().Elem()
		case f.Name == "v" && f.Type.Kind() == reflect.UnsafePointer:
			vOff, found = f.Offset, true
		}
	}
	return elem, vOff, elem != nil && found && t.Size() == ptrSize
}

// trieOf reads a hash-trie sync.Map. Len counts entries, Bytes the
// indirect and entry nodes, each rounded to its size class; the sync.Map
// struct itself lives wherever the program put it and is not counted,
// nor are the keys and values the entries' interfaces point to (as for a
// map[any]any). RebuildBytes is what a trie of the same keys would hold
// if it were built afresh: an indirect node exists only above two keys
// or more, while a trie that lost keys keeps every node that still has
// one below it.
func trieOf(m *sync.Map, s *Stats) error {
	l := loadTrieLayout()
	if l == nil {
		return ErrUnsupported
	}
	*s = Stats{Impl: implHashTrie}
	root := atomic.LoadPointer((*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(m), l.rootOff)))
	if root == nil {
		return nil // never used: no root node yet
	}
	w := trieWalk{l: l, s: s}
	if _, err := w.indirect(root, 0); err != nil {
		*s = Stats{}
		return err
	}
	// The root exists in any used sync.Map, however few its keys.
	s.RebuildBytes += l.indirect + int64(s.Len)*l.entry
	return nil
}

const implHashTrie = "hashtrie"

type trieWalk struct {
	l *trieLayout
	s *Stats
}

// indirect adds an indirect node and everything below it, and returns
// how many entries are below it.
func (w *trieWalk) indirect(n unsafe.Pointer, depth int) (int, error) {
	if depth > maxTrieDepth {
		return 0, ErrInconsistent
	}
	w.s.Bytes += w.l.indirect
	below := 0
	for i := 0; i < w.l.children; i++ {
		slot := (*unsafe.Pointer)(unsafe.Add(n, w.l.childrenOff+uintptr(i)*w.l.childStride))
		c := atomic.LoadPointer(slot)
		if c == nil {
			continue
		}
		if *(*bool)(c) { // node.isEntry
			for e := c; e != nil; e = atomic.LoadPointer(&(*trieEntry)(e).overflow) {
				if w.s.Len >= maxEntries {
					return 0, ErrInconsistent
				}
				w.s.Len++
				w.s.Bytes += w.l.entry
				below++
			}
			continue
		}
		k, err := w.indirect(c, depth+1)
		if err != nil {
			return 0, err
		}
		if k >= 2 {
			w.s.RebuildBytes += w.l.indirect
		}
		below += k
	}
	return below, nil
}
