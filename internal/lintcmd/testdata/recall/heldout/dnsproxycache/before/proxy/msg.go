package proxy

import "strings"

// Record types and classes the proxy knows by name.
const (
	TypeA     uint16 = 1
	TypeCNAME uint16 = 5
	TypeAAAA  uint16 = 28
	TypeOPT   uint16 = 41
	ClassINET uint16 = 1

	RcodeSuccess       = 0
	RcodeServerFailure = 2
	RcodeNameError     = 3
)

// Question is what a message asks.
type Question struct {
	Name   string `json:"name"`
	Qtype  uint16 `json:"qtype"`
	Qclass uint16 `json:"qclass"`
}

// RR is one resource record.
type RR struct {
	Name  string `json:"name"`
	Type  uint16 `json:"type"`
	Class uint16 `json:"class"`
	TTL   uint32 `json:"ttl"`
	Data  string `json:"data"`
}

// Msg is a DNS message. On the wire it is a JSON datagram here, where
// upstream uses miekg/dns and the DNS wire format.
type Msg struct {
	ID                 uint16     `json:"id"`
	Response           bool       `json:"qr"`
	Truncated          bool       `json:"tc"`
	RecursionAvailable bool       `json:"ra"`
	Rcode              int        `json:"rcode"`
	Question           []Question `json:"question"`
	Answer             []RR       `json:"answer"`
	Ns                 []RR       `json:"ns"`
	Extra              []RR       `json:"extra"`
}

// SetReply makes m the reply to request.
func (m *Msg) SetReply(request *Msg) {
	m.ID = request.ID
	m.Response = true
	m.Question = append([]Question(nil), request.Question...)
}

func canonicalName(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, ".")) + "."
}
