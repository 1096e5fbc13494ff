// Package pathdb reproduces, in its own words, the node buffer merge of
// go-ethereum's path-based trie database that got a size hint in
// https://github.com/ethereum/go-ethereum/pull/29690 (commit
// 2c67fab0d7cb95319c111e150a7ac857819e2a74; before/ is the code before the
// change, after/ as changed). Each block's dirty trie nodes are merged into
// the buffer; an account seen for the first time got an empty map that was
// then filled with all of that account's nodes.
package pathdb

type Hash [32]byte

type Node struct {
	Hash Hash
	Blob []byte
}

// nodebuffer collects the dirty nodes of many blocks before they are
// written to disk.
type nodebuffer struct {
	layers uint64
	size   uint64
	limit  uint64
	nodes  map[Hash]map[string]*Node
}

func newNodeBuffer(limit int) *nodebuffer {
	return &nodebuffer{limit: uint64(limit), nodes: make(map[Hash]map[string]*Node)}
}

// node returns the buffered node of owner at path.
func (b *nodebuffer) node(owner Hash, path []byte) (*Node, bool) {
	subset, ok := b.nodes[owner]
	if !ok {
		return nil, false
	}
	n, ok := subset[string(path)]
	return n, ok
}

// commit merges one block's dirty nodes into the buffer. The given maps
// still belong to the block's diff layer, so they are copied, not taken.
func (b *nodebuffer) commit(nodes map[Hash]map[string]*Node) *nodebuffer {
	var delta int64
	for owner, subset := range nodes {
		current, exist := b.nodes[owner]
		if !exist {
			current = make(map[string]*Node, len(subset))
			for path, n := range subset {
				current[path] = n
				delta += int64(len(n.Blob) + len(path))
			}
			b.nodes[owner] = current
			continue
		}
		for path, n := range subset {
			if orig, ok := current[path]; ok {
				delta += int64(len(n.Blob) - len(orig.Blob))
			} else {
				delta += int64(len(n.Blob) + len(path))
			}
			current[path] = n
		}
	}
	b.size = uint64(int64(b.size) + delta)
	b.layers++
	return b
}

// full reports whether the buffer should be flushed.
func (b *nodebuffer) full() bool { return b.size > b.limit }

// reset empties the buffer after a flush.
func (b *nodebuffer) reset() {
	b.layers, b.size = 0, 0
	b.nodes = make(map[Hash]map[string]*Node)
}
