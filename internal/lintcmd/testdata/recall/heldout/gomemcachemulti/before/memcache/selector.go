package memcache

import (
	"errors"
	"hash/crc32"
	"net"
	"sync"
)

// ErrNoServers is returned when no server is configured.
var ErrNoServers = errors.New("memcache: no servers configured or available")

// ServerSelector picks the server that holds a key.
type ServerSelector interface {
	PickServer(key string) (net.Addr, error)
}

// ServerList spreads keys over a fixed list of servers by CRC32.
type ServerList struct {
	mu    sync.RWMutex
	addrs []net.Addr
}

// SetServers resolves and stores the servers' addresses.
func (ss *ServerList) SetServers(servers ...string) error {
	addrs := make([]net.Addr, len(servers))
	for i, s := range servers {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			return err
		}
		addrs[i] = a
	}
	ss.mu.Lock()
	ss.addrs = addrs
	ss.mu.Unlock()
	return nil
}

// PickServer returns the server for key.
func (ss *ServerList) PickServer(key string) (net.Addr, error) {
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	if len(ss.addrs) == 0 {
		return nil, ErrNoServers
	}
	return ss.addrs[crc32.ChecksumIEEE([]byte(key))%uint32(len(ss.addrs))], nil
}
