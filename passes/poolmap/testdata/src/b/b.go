// Package b pools a type declared elsewhere: its package answers for it.
package b

import (
	"other"
	"sync"
)

var tables sync.Pool

func use(k int) {
	t := tables.Get().(*other.Table)
	t.Add(k, "v")
	t.Reset()
	tables.Put(t)
}

// A value of this package embedding the foreign type is still examined
// for its own map fields.
type wrapper struct {
	t     *other.Table
	local map[int]bool
}

var wrappers sync.Pool

func wrap(k int) {
	w := wrappers.Get().(*wrapper)
	w.local[k] = true
	wrappers.Put(w) // want `pooled \*wrapper keeps the entries of its map field local`
}
