package main

import (
	"fmt"
	"log"
	"net"
	"time"
)

// Reporter sends each flow's RTT statistics to statsd on every tick and
// drops the flows that expired.
type Reporter struct {
	statsd net.Conn
	flows  *FlowMap
	every  time.Duration
	tags   []string
}

func (r *Reporter) submit(metric string, value float64, flow *TCPAccounting) {
	tags := fmt.Sprintf("#src:%s,dst:%s", flow.Src, flow.Dst)
	for _, t := range r.tags {
		tags += "," + t
	}
	if _, err := fmt.Fprintf(r.statsd, "%s:%f|g|%s\n", metric, value, tags); err != nil {
		log.Printf("statsd: %v", err)
	}
}

// Report runs until the process ends.
func (r *Reporter) Report() {
	tick := time.NewTicker(r.every)
	defer tick.Stop()
	for {
		select {
		case key := <-r.flows.Expire:
			r.flows.Delete(key)
		case <-tick.C:
			r.flows.RLock()
			for _, flow := range r.flows.Map {
				flow.Lock()
				if flow.Sampled > 0 {
					ms := func(ns uint64) float64 { return float64(ns) / float64(time.Millisecond) }
					r.submit("system.net.tcp.rtt.avg", ms(flow.SRTT), flow)
					r.submit("system.net.tcp.rtt.jitter", ms(flow.Jitter), flow)
					r.submit("system.net.tcp.rtt", ms(flow.Last), flow)
				}
				flow.Unlock()
			}
			r.flows.RUnlock()
		}
	}
}
