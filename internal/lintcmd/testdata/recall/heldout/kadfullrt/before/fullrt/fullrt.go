// Package fullrt reproduces, in its own words, the per-peer sender leak
// of the accelerated DHT client fixed in go-libp2p-kad-dht:
// https://github.com/libp2p/go-libp2p-kad-dht/pull/1009 (commit
// c35df8aa1f52e9a5f86dab77bd703f6b3656d338; before/ is the code before
// the fix, after/ as fixed). The client crawls the whole network and
// sends to every peer it meets through the shared message sender, but
// never told it about disconnects, so the sender kept every peer ever
// contacted.
package fullrt

import (
	"context"
	"net"
	"sync"
	"time"

	"recall/heldout/kadfullrt/before/msgsender"
)

// FullRT is the accelerated DHT client; it runs for the node's life.
type FullRT struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	ms     msgsender.MessageSenderWithDisconnect
	peers  func() []msgsender.PeerID
}

// New starts the client's crawler.
func New(peers func() []msgsender.PeerID) *FullRT {
	var d net.Dialer
	dial := func(ctx context.Context, p msgsender.PeerID) (net.Conn, error) {
		return d.DialContext(ctx, "tcp", string(p))
	}
	ctx, cancel := context.WithCancel(context.Background())
	rt := &FullRT{ctx: ctx, cancel: cancel, ms: msgsender.New(dial), peers: peers}
	rt.wg.Add(1)
	go rt.runCrawler()
	return rt
}

func (rt *FullRT) runCrawler() {
	defer rt.wg.Done()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		for _, p := range rt.peers() {
			rt.ms.SendMessage(rt.ctx, p, []byte("FIND_NODE"))
		}
		select {
		case <-t.C:
		case <-rt.ctx.Done():
			return
		}
	}
}

// Close stops the client.
func (rt *FullRT) Close() error {
	rt.cancel()
	rt.wg.Wait()
	return nil
}
