// Package libsyncmap keeps a package-level sync.Map of in-flight request
// IDs that is only stored to.
package libsyncmap

import (
	"net"
	"sync"
)

var inflight sync.Map

// Start records a request that a connection sent.
func Start(c net.Conn, id uint64) {
	inflight.Store(id, c.RemoteAddr().String()) // want growonly "sync.Map inflight only grows"
}
