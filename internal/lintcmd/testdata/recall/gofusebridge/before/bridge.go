// Package fs reproduces, in its own words, the inode tables compacted in
// go-fuse: https://github.com/hanwen/go-fuse/commit/24a1dfe6b4f8d478275d5cf671d982c4ddd8c904
// (before/ is the code before the fix, after/ as fixed). After a walk of
// half a million files the kernel forgets them all, and both maps keep
// the tables of that peak for the life of the mount.
package fs

import "sync"

type StableAttr struct {
	Ino uint64
	Gen uint64
}

type Inode struct {
	attr     StableAttr
	nodeID   uint64
	lookupCt int
}

type rawBridge struct {
	mu            sync.Mutex
	kernelNodeIds map[uint64]*Inode
	stableAttrs   map[StableAttr]*Inode
	nextID        uint64
}

func newRawBridge() *rawBridge {
	return &rawBridge{kernelNodeIds: map[uint64]*Inode{}, stableAttrs: map[StableAttr]*Inode{}, nextID: 1}
}

func (b *rawBridge) addNewChild(attr StableAttr) *Inode {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n, ok := b.stableAttrs[attr]; ok {
		n.lookupCt++
		return n
	}
	n := &Inode{attr: attr, nodeID: b.nextID, lookupCt: 1}
	b.nextID++
	b.kernelNodeIds[n.nodeID] = n
	b.stableAttrs[attr] = n
	return n
}

// Forget is the kernel's FORGET for a batch of nodes.
func (b *rawBridge) Forget(ids []uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, id := range ids {
		n := b.kernelNodeIds[id]
		if n == nil {
			continue
		}
		n.lookupCt--
		if n.lookupCt > 0 {
			continue
		}
		delete(b.kernelNodeIds, id)   // want mapclear "map field rawBridge.kernelNodeIds is emptied one key at a time and never re-made"
		delete(b.stableAttrs, n.attr) // want mapclear "map field rawBridge.stableAttrs is emptied one key at a time and never re-made"
	}
}
