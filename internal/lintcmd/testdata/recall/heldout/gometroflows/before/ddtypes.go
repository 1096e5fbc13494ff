package main

import (
	"math"
	"net"
	"sync"
	"time"
)

// TCPKey names a sent segment by its sequence number and the TCP
// timestamp it carried; the peer's ACK echoes both.
type TCPKey struct {
	Seq uint32
	TS  uint32
}

const chanDepth = 10

// TCPAccounting is the RTT bookkeeping of one flow between a local and a
// remote endpoint.
type TCPAccounting struct {
	Src, Dst     net.IP
	Sport, Dport uint16

	sync.Mutex
	SRTT    uint64
	Jitter  uint64
	Max     uint64
	Min     uint64
	Last    uint64
	Sampled uint64
	Done    bool
	// Seen holds the ACK numbers already used for a sample; Timed the
	// capture time of each data segment sent, by TCPKey.
	Seen  map[uint32]struct{}
	Timed map[TCPKey]int64

	expire chan<- string
	alive  *time.Timer
}

// NewTCPAccounting starts the bookkeeping of a flow.
func NewTCPAccounting(src, dst net.IP, sport, dport uint16, expire chan<- string) *TCPAccounting {
	return &TCPAccounting{
		Src: src, Dst: dst, Sport: sport, Dport: dport,
		Min:    math.MaxUint64,
		Seen:   make(map[uint32]struct{}),
		Timed:  make(map[TCPKey]int64),
		expire: expire,
	}
}

// SetExpiration (re)arms the timer that reports the flow as expired
// after ttl of silence.
func (t *TCPAccounting) SetExpiration(ttl time.Duration, key string) {
	if t.alive != nil {
		t.alive.Stop()
	}
	t.alive = time.AfterFunc(ttl, func() {
		t.Lock()
		t.Done = true
		t.Unlock()
		t.expire <- key
	})
}

// AddSample folds one RTT sample into the flow's statistics.
func (t *TCPAccounting) AddSample(rtt uint64) {
	if rtt < 1000 {
		rtt = 1001
	}
	if t.SRTT == 0 {
		t.SRTT = rtt
	} else {
		t.SRTT -= t.SRTT >> 3
		t.SRTT += rtt >> 3
	}
	var diff uint64
	if rtt > t.SRTT {
		diff = rtt - t.SRTT
	} else {
		diff = t.SRTT - rtt
	}
	t.Jitter -= t.Jitter >> 2
	t.Jitter += diff >> 2
	t.Max = max(t.Max, rtt)
	t.Min = min(t.Min, rtt)
	t.Last = rtt
	t.Sampled++
}

// FlowMap holds the flows being followed, by "src-dst".
type FlowMap struct {
	sync.RWMutex
	Map    map[string]*TCPAccounting
	Expire chan string
}

// NewFlowMap returns an empty FlowMap.
func NewFlowMap() *FlowMap {
	return &FlowMap{Map: make(map[string]*TCPAccounting), Expire: make(chan string, chanDepth)}
}

// Get returns the flow under key.
func (f *FlowMap) Get(key string) (*TCPAccounting, bool) {
	f.RLock()
	defer f.RUnlock()
	v, ok := f.Map[key]
	return v, ok
}

// Add stores flow under key.
func (f *FlowMap) Add(key string, flow *TCPAccounting) {
	f.Lock()
	f.Map[key] = flow
	f.Unlock()
}

// Delete forgets the flow under key.
func (f *FlowMap) Delete(key string) {
	f.Lock()
	delete(f.Map, key)
	f.Unlock()
}
