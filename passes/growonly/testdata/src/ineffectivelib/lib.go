// Package ineffectivelib is library code: a caller's key, exempt from the
// main rule, still counts when the package deletes from the map itself
// but its deletes cannot reach every key.
package ineffectivelib

import (
	"net"
	"sync"
)

var _ net.Addr

type node struct {
	id   string
	addr string
}

func keysOf(n *node) []string {
	keys := []string{"id:" + n.id}
	if n.addr != "" {
		keys = append(keys, "addr:"+n.addr)
	}
	return keys
}

type registry struct {
	mu    sync.Mutex
	nodes map[string]*node
}

var nodes = &registry{nodes: map[string]*node{}}

// Add stores n under its keys, chosen by the caller.
func Add(n *node) {
	nodes.mu.Lock()
	defer nodes.mu.Unlock()
	for _, k := range keysOf(n) {
		nodes.nodes[k] = n // want `map field registry.nodes is deleted from only under the keys keysOf recomputes`
	}
}

// Forget deletes under the keys of the object the caller hands over.
func Forget(n *node) {
	nodes.mu.Lock()
	defer nodes.mu.Unlock()
	for _, k := range keysOf(n) {
		delete(nodes.nodes, k)
	}
}

// The same, filled only at start-up: the exemption of code run once
// still holds.
type boot struct {
	mu    sync.Mutex
	nodes map[string]*node
}

var booted = &boot{nodes: map[string]*node{}}

func init() {
	for _, n := range []*node{{id: "a"}} {
		for _, k := range keysOf(n) {
			booted.nodes[k] = n
		}
	}
}

func ForgetBooted(n *node) {
	booted.mu.Lock()
	defer booted.mu.Unlock()
	for _, k := range keysOf(n) {
		delete(booted.nodes, k)
	}
}
