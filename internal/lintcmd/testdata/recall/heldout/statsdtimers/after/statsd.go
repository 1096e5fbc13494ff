// Command statsd aggregates statsd counters and timers received over UDP
// and sends them to a Graphite server once per flush interval.
//
// The fixed shape of bitly/statsdaemon after
// https://github.com/bitly/statsdaemon/pull/51 (commit 534d052, for issue
// #14 "Old buckets are never purged"): a flush deletes each timer bucket
// it sent.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"sort"
	"strconv"
	"time"
)

var (
	listenAddr   = flag.String("address", ":8125", "UDP address to receive statsd lines on")
	graphiteAddr = flag.String("graphite", "127.0.0.1:2003", "Graphite address, or - to send nothing")
	flushEvery   = flag.Int64("flush-interval", 10, "seconds between flushes")
	keepZeros    = flag.Int64("persist-count-keys", 60, "flushes for which an idle counter is still sent as 0")
)

// sample is one parsed statsd line: bucket:value|kind[|@rate].
type sample struct {
	bucket string
	value  float64
	kind   string
	rate   float64
}

type durations []uint64

func (d durations) Len() int           { return len(d) }
func (d durations) Less(i, j int) bool { return d[i] < d[j] }
func (d durations) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }

// The aggregation state, owned by the monitor goroutine.
var (
	incoming          = make(chan *sample, 10000)
	counters          = make(map[string]int64)
	idleFor           = make(map[string]int64)
	durationsByBucket = make(map[string]durations)
)

func monitor() {
	tick := time.NewTicker(time.Duration(*flushEvery) * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := flush(); err != nil {
				log.Printf("flush: %v", err)
			}
		case s := <-incoming:
			record(s)
		}
	}
}

func record(s *sample) {
	switch s.kind {
	case "ms":
		if _, ok := durationsByBucket[s.bucket]; !ok {
			var empty durations
			durationsByBucket[s.bucket] = empty
		}
		durationsByBucket[s.bucket] = append(durationsByBucket[s.bucket], uint64(s.value))
	case "c":
		counters[s.bucket] += int64(s.value / s.rate)
	}
}

func flush() error {
	if *graphiteAddr == "-" {
		return nil
	}
	var out bytes.Buffer
	now := time.Now().Unix()
	n := writeCounters(&out, now) + writeTimers(&out, now)
	if n == 0 {
		return nil
	}
	conn, err := net.DialTimeout("tcp", *graphiteAddr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Write(out.Bytes())
	return err
}

func writeCounters(out *bytes.Buffer, now int64) int {
	n := 0
	for bucket, v := range counters {
		fmt.Fprintf(out, "%s %d %d\n", bucket, v, now)
		delete(counters, bucket)
		idleFor[bucket] = 0
		n++
	}
	// An idle counter is sent as 0 for a while, then forgotten.
	for bucket, idle := range idleFor {
		if idle > 0 {
			fmt.Fprintf(out, "%s 0 %d\n", bucket, now)
			n++
		}
		idleFor[bucket]++
		if idleFor[bucket] > *keepZeros {
			delete(idleFor, bucket)
		}
	}
	return n
}

func writeTimers(out *bytes.Buffer, now int64) int {
	n := 0
	for bucket, d := range durationsByBucket {
		if len(d) == 0 {
			continue
		}
		n++
		sort.Sort(d)
		var sum uint64
		for _, v := range d {
			sum += v
		}
		fmt.Fprintf(out, "%s.mean %f %d\n", bucket, float64(sum)/float64(len(d)), now)
		fmt.Fprintf(out, "%s.upper %d %d\n", bucket, d[len(d)-1], now)
		fmt.Fprintf(out, "%s.lower %d %d\n", bucket, d[0], now)
		fmt.Fprintf(out, "%s.count %d %d\n", bucket, len(d), now)
		delete(durationsByBucket, bucket)
	}
	return n
}

// parse reads the statsd lines of one datagram.
func parse(datagram []byte) []*sample {
	var out []*sample
	for _, line := range bytes.Split(datagram, []byte("\n")) {
		colon := bytes.IndexByte(line, ':')
		bar := bytes.IndexByte(line, '|')
		if colon <= 0 || bar < colon {
			continue
		}
		v, err := strconv.ParseFloat(string(line[colon+1:bar]), 64)
		if err != nil {
			continue
		}
		s := &sample{bucket: string(line[:colon]), value: v, kind: string(line[bar+1:]), rate: 1}
		if at := bytes.Index(line[bar+1:], []byte("|@")); at >= 0 {
			s.kind = string(line[bar+1 : bar+1+at])
			if r, err := strconv.ParseFloat(string(line[bar+1+at+2:]), 64); err == nil && r > 0 {
				s.rate = r
			}
		}
		out = append(out, s)
	}
	return out
}

func listenUDP() {
	addr, err := net.ResolveUDPAddr("udp", *listenAddr)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := net.ListenUDP("udp", addr)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 1472)
	for {
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			log.Printf("read: %v", err)
			continue
		}
		for _, s := range parse(buf[:n]) {
			incoming <- s
		}
	}
}

func main() {
	flag.Parse()
	go listenUDP()
	monitor()
}
