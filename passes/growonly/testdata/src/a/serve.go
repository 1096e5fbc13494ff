package main

import "net"

// Keyed by client address: grows with every client ever seen.
var lastSeen = map[string]int64{}

func observe(c net.Conn, now int64) {
	lastSeen[c.RemoteAddr().String()] = now // want `map lastSeen only grows`
}
