package common

import (
	"bufio"
	"net"
	"sync"
)

// hubPool creates the hubs and drops each one its last client leaves.
// The hubs map, and registering a client with any hub of it, are guarded
// by mu, so that a hub found empty under mu can be deleted safely.
type hubPool struct {
	mu   sync.Mutex
	hubs map[string]*Hub
}

func newHubPool() *hubPool {
	return &hubPool{hubs: map[string]*Hub{}}
}

// registerClient joins conn to the hub of channel, creating the hub.
func (p *hubPool) registerClient(channel string, conn net.Conn, in *bufio.Reader) (*Client, *Hub) {
	p.mu.Lock()
	defer p.mu.Unlock()
	hub, ok := p.hubs[channel]
	if !ok {
		hub = NewHub(channel, p.hubIsEmpty)
		p.hubs[channel] = hub
	}
	client := &Client{hub: hub, conn: conn, in: in, send: make(chan []byte, 256)}
	hub.registerClient(client)
	return client, hub
}

// hubIsEmpty is called by a hub that has just lost its last client.
func (p *hubPool) hubIsEmpty(channel string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	hub, ok := p.hubs[channel]
	if !ok || !hub.isEmpty() {
		// Already dropped, or a client joined since.
		return
	}
	delete(p.hubs, channel)
}
