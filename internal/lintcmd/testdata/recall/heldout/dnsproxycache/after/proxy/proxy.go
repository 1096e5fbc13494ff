// Package proxy is a DNS proxy: it answers clients' queries from its cache
// or by asking an upstream resolver.
//
// The fixed form of dnsproxycache (see the before form): after the fix of
// https://github.com/AdguardTeam/dnsproxy/issues/30 (commits 72c744c8 and
// ce2b4961) the cache is an LRU of defaultCacheSize entries, each expiring
// with its TTL.
package proxy

import (
	"encoding/json"
	"errors"
	"log"
	"net"
	"time"
)

// Config configures a proxy.
type Config struct {
	UDPListenAddr *net.UDPAddr
	Upstream      string // host:port of the upstream resolver
	CacheEnabled  bool
	Timeout       time.Duration
}

// Proxy answers DNS queries on a UDP socket.
type Proxy struct {
	Config

	udpListen *net.UDPConn
	cache     *cache
}

// DNSContext is one query being answered.
type DNSContext struct {
	Req   *Msg
	Res   *Msg
	Addr  *net.UDPAddr
	Start time.Time
}

// Start listens and serves until Stop.
func (p *Proxy) Start() error {
	if p.CacheEnabled {
		log.Printf("DNS cache is enabled")
		p.cache = &cache{}
	}
	conn, err := net.ListenUDP("udp", p.UDPListenAddr)
	if err != nil {
		return err
	}
	p.udpListen = conn
	go p.udpPacketLoop(conn)
	return nil
}

// Stop closes the socket.
func (p *Proxy) Stop() error {
	if p.udpListen == nil {
		return errors.New("not started")
	}
	return p.udpListen.Close()
}

func (p *Proxy) udpPacketLoop(conn *net.UDPConn) {
	b := make([]byte, 65535)
	for {
		n, addr, err := conn.ReadFromUDP(b)
		if err != nil {
			log.Printf("udp read: %v", err)
			return
		}
		packet := append([]byte(nil), b[:n]...)
		go p.handleUDPPacket(conn, packet, addr)
	}
}

func (p *Proxy) handleUDPPacket(conn *net.UDPConn, packet []byte, addr *net.UDPAddr) {
	req := &Msg{}
	if err := json.Unmarshal(packet, req); err != nil {
		log.Printf("bad query from %s: %v", addr, err)
		return
	}
	d := &DNSContext{Req: req, Addr: addr, Start: time.Now()}
	if err := p.Resolve(d); err != nil {
		log.Printf("resolving %v: %v", req.Question, err)
		d.Res = &Msg{Rcode: RcodeServerFailure}
		d.Res.SetReply(req)
	}
	out, err := json.Marshal(d.Res)
	if err != nil {
		return
	}
	conn.WriteToUDP(out, addr)
}

// Resolve answers d.Req from the cache or the upstream resolver.
func (p *Proxy) Resolve(d *DNSContext) error {
	if p.cache != nil {
		if res, ok := p.cache.Get(d.Req); ok {
			d.Res = res
			return nil
		}
	}
	reply, err := p.exchange(d.Req)
	if err != nil {
		return err
	}
	if p.cache != nil {
		p.cache.Set(reply)
	}
	d.Res = reply
	return nil
}

func (p *Proxy) exchange(req *Msg) (*Msg, error) {
	conn, err := net.DialTimeout("udp", p.Upstream, p.Timeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(p.Timeout))
	q, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(q); err != nil {
		return nil, err
	}
	b := make([]byte, 65535)
	n, err := conn.Read(b)
	if err != nil {
		return nil, err
	}
	reply := &Msg{}
	if err := json.Unmarshal(b[:n], reply); err != nil {
		return nil, err
	}
	if reply.ID != req.ID {
		return nil, errors.New("reply to another query")
	}
	return reply, nil
}
