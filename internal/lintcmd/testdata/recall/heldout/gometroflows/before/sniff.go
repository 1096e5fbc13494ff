package main

import (
	"bufio"
	"log"
	"net"
	"strconv"
	"strings"
	"time"
)

// segment is one captured TCP segment. Upstream decodes libpcap frames
// with gopacket; here a capture helper sends one text line per segment:
// "unixnano src sport dst dport seq ack tsval tsecr flags payloadlen".
type segment struct {
	at           int64
	src, dst     net.IP
	sport, dport uint16
	seq, ack     uint32
	tsval, tsecr uint32
	ackFlag, fin bool
	payload      uint32
}

func parseSegment(line string) (*segment, bool) {
	f := strings.Fields(line)
	if len(f) != 11 {
		return nil, false
	}
	num := func(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }
	at, _ := strconv.ParseInt(f[0], 10, 64)
	return &segment{
		at:  at,
		src: net.ParseIP(f[1]), sport: uint16(num(f[2])),
		dst: net.ParseIP(f[3]), dport: uint16(num(f[4])),
		seq: uint32(num(f[5])), ack: uint32(num(f[6])),
		tsval: uint32(num(f[7])), tsecr: uint32(num(f[8])),
		ackFlag: strings.Contains(f[9], "A"), fin: strings.Contains(f[9], "F"),
		payload: uint32(num(f[10])),
	}, true
}

// MetroSniffer follows the TCP flows of the host's addresses.
type MetroSniffer struct {
	hostIPs map[string]bool
	flows   *FlowMap
	idleTTL time.Duration
	expTTL  time.Duration
}

func (d *MetroSniffer) handleSegment(s *segment) {
	ours := d.hostIPs[s.src.String()]
	local, remote := s.src, s.dst
	lport, rport := s.sport, s.dport
	if !ours {
		local, remote, lport, rport = s.dst, s.src, s.dport, s.sport
	}
	key := net.JoinHostPort(local.String(), strconv.Itoa(int(lport))) + "-" +
		net.JoinHostPort(remote.String(), strconv.Itoa(int(rport)))

	flow, ok := d.flows.Get(key)
	if !ok {
		flow = NewTCPAccounting(local, remote, lport, rport, d.flows.Expire)
		flow.Lock()
		d.flows.Add(key, flow)
		flow.SetExpiration(d.idleTTL, key)
	} else {
		flow.Lock()
		flow.alive.Reset(d.idleTTL)
	}
	defer flow.Unlock()

	if s.ackFlag && s.fin && !flow.Done {
		flow.Done = true
		flow.SetExpiration(d.expTTL, key)
	}

	if ours && s.payload > 0 {
		// A data segment we sent: remember when.
		flow.Timed[TCPKey{Seq: s.seq, TS: s.tsval}] = s.at // want growonly "."
	} else if !ours {
		// The peer's ACK echoes the sent segment's timestamp.
		t := TCPKey{Seq: s.ack, TS: s.tsecr}
		if sent := flow.Timed[t]; sent != 0 {
			if _, seen := flow.Seen[s.ack]; !seen && s.ackFlag {
				flow.AddSample(uint64(s.at - sent))
			}
			flow.Seen[s.ack] = struct{}{} // want growonly "."
		}
	}
}

// sniff reads segments from the capture helper until it goes away.
func (d *MetroSniffer) sniff(conn net.Conn) {
	defer conn.Close()
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		if s, ok := parseSegment(sc.Text()); ok {
			d.handleSegment(s)
		}
	}
	if err := sc.Err(); err != nil {
		log.Printf("capture: %v", err)
	}
}
