// Package dns reproduces, in its own words, the pooled compression maps
// that miekg/dns added in https://github.com/miekg/dns/pull/1006 and
// reverted in https://github.com/miekg/dns/pull/1017 (commit
// 93f749db1267ed95610376610080691b7309afd3; before/ is the pooled
// version, after/ as reverted). A message with thousands of names grows a
// pooled map that every later Pack then carries.
package dns

import (
	"net"
	"strings"
)

var _ net.Addr

type Msg struct{ Names []string }

func (m *Msg) pack(buf []byte, compression map[string]uint16) []byte {
	for _, n := range m.Names {
		if off, ok := compression[strings.ToLower(n)]; ok {
			buf = append(buf, byte(off>>8), byte(off))
			continue
		}
		compression[strings.ToLower(n)] = uint16(len(buf))
		buf = append(buf, n...)
	}
	return buf
}

// Pack packs the message with name compression.
func (m *Msg) Pack() []byte {
	compression := make(map[string]uint16)
	out := m.pack(nil, compression)
	return out
}
