// Package ordered_map reproduces, in its own words, the index leak fixed
// in ordered_map: https://github.com/cevaris/ordered_map/issues/11 (commit
// 01ce2b16ad4f7522692d9af8337722216a1038bb; before/ is the code before the
// fix, after/ as fixed). Delete removed a key from the value store and
// unlinked its list node, but left the node in the key-to-node index.
package ordered_map

type node struct {
	Prev, Next *node
	Key        any
}

// OrderedMap is a map that remembers insertion order.
type OrderedMap struct {
	store  map[any]any
	mapper map[any]*node
	root   *node
}

func NewOrderedMap() *OrderedMap {
	root := &node{}
	root.Prev, root.Next = root, root
	return &OrderedMap{store: make(map[any]any), mapper: make(map[any]*node), root: root}
}

func (om *OrderedMap) Set(key, value any) {
	if _, ok := om.store[key]; !ok {
		last := om.root.Prev
		n := &node{Prev: last, Next: om.root, Key: key}
		last.Next = n
		om.root.Prev = n
		om.mapper[key] = n // want growonly "."
	}
	om.store[key] = value
}

func (om *OrderedMap) Get(key any) (any, bool) {
	v, ok := om.store[key]
	return v, ok
}

func (om *OrderedMap) Delete(key any) {
	if _, ok := om.store[key]; ok {
		delete(om.store, key)
	}
	if n, ok := om.mapper[key]; ok {
		n.Prev.Next = n.Next
		n.Next.Prev = n.Prev
	}
}

func (om *OrderedMap) Len() int { return len(om.store) }

// Keys returns the keys in insertion order.
func (om *OrderedMap) Keys() []any {
	var ks []any
	for n := om.root.Next; n != om.root; n = n.Next {
		ks = append(ks, n.Key)
	}
	return ks
}
