package yggdrasil

import (
	"bytes"
	"encoding/gob"
	"net"
	"time"
)

// Core is a running node: it reads DHT traffic from its socket and keeps
// the DHT up to date until the process exits.
type Core struct {
	key     BoxPubKey
	conn    net.PacketConn
	dht     dht
	packets chan packet
	coords  chan struct{}
}

type packet struct {
	from net.Addr
	res  *dhtRes
}

func Start(listen string, key BoxPubKey) (*Core, error) {
	conn, err := net.ListenPacket("udp", listen)
	if err != nil {
		return nil, err
	}
	c := &Core{key: key, conn: conn, packets: make(chan packet, 64), coords: make(chan struct{}, 1)}
	c.dht.init(c)
	c.dht.self = nodeIDOf(key)
	go c.read()
	go c.route()
	return c, nil
}

func (c *Core) send(to net.Addr, req *dhtReq) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(req); err == nil {
		c.conn.WriteTo(buf.Bytes(), to)
	}
}

func (c *Core) read() {
	buf := make([]byte, 65535)
	for {
		n, from, err := c.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		var res dhtRes
		if gob.NewDecoder(bytes.NewReader(buf[:n])).Decode(&res) == nil {
			c.packets <- packet{from: from, res: &res}
		}
	}
}

// CoordsChanged tells the router that the node moved in the spanning tree.
func (c *Core) CoordsChanged() {
	select {
	case c.coords <- struct{}{}:
	default:
	}
}

// route owns the DHT: it is the only goroutine that touches it.
func (c *Core) route() {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case p := <-c.packets:
			c.dht.handleRes(p.res)
		case <-c.coords:
			c.dht.reset()
		case <-tick.C:
			c.dht.doMaintenance()
		}
	}
}
