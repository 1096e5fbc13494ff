// Command geth imports blocks from its peers and commits their dirty trie
// nodes to the databases of gethnodebuffer.
package main

import (
	"encoding/gob"
	"net"

	afterpathdb "recall/heldout/gethnodebuffer/after/pathdb"
	beforepathdb "recall/heldout/gethnodebuffer/before/pathdb"
)

type block struct {
	Nodes map[[32]byte]map[string][]byte
}

func main() {
	b := beforepathdb.New(256<<20, func(map[beforepathdb.Hash]map[string]*beforepathdb.Node) {})
	a := afterpathdb.New(256<<20, func(map[afterpathdb.Hash]map[string]*afterpathdb.Node) {})
	ln, err := net.Listen("tcp", ":30303")
	if err != nil {
		return
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func(conn net.Conn) {
			defer conn.Close()
			dec := gob.NewDecoder(conn)
			for {
				var blk block
				if dec.Decode(&blk) != nil {
					return
				}
				bn := make(map[beforepathdb.Hash]map[string]*beforepathdb.Node, len(blk.Nodes))
				an := make(map[afterpathdb.Hash]map[string]*afterpathdb.Node, len(blk.Nodes))
				for owner, set := range blk.Nodes {
					bs := make(map[string]*beforepathdb.Node, len(set))
					as := make(map[string]*afterpathdb.Node, len(set))
					for path, blob := range set {
						bs[path] = &beforepathdb.Node{Blob: blob}
						as[path] = &afterpathdb.Node{Blob: blob}
					}
					bn[owner] = bs
					an[owner] = as
				}
				b.Update(bn)
				a.Update(an)
			}
		}(conn)
	}
}
