package proxy

import (
	"encoding/binary"
	"log"
	"math"
	"strings"
	"sync"
	"time"
)

type item struct {
	m    *Msg
	when time.Time
}

// cache keeps upstream answers by question until their TTL passes.
type cache struct {
	items map[string]item

	sync.RWMutex
}

// Get returns the cached answer to request, adjusted to the time left; an
// expired answer is dropped.
func (c *cache) Get(request *Msg) (*Msg, bool) {
	if request == nil {
		return nil, false
	}
	ok, key := key(request)
	if !ok {
		return nil, false
	}
	c.RLock()
	cached, ok := c.items[key]
	c.RUnlock()
	if !ok {
		return nil, false
	}
	ttl := findLowestTTL(cached.m)
	if ttl == 0 || time.Since(cached.when) >= time.Duration(ttl)*time.Second {
		c.Lock()
		delete(c.items, key)
		c.Unlock()
		return nil, false
	}
	return cached.fromItem(request), true
}

// Set caches an upstream answer.
func (c *cache) Set(m *Msg) {
	if m == nil || !isRequestCacheable(m) || !isResponseCacheable(m) {
		return
	}
	ok, key := key(m)
	if !ok {
		return
	}
	i := item{m: m, when: time.Now()}
	c.Lock()
	if c.items == nil {
		c.items = map[string]item{}
	}
	c.items[key] = i // want growonly "."
	c.Unlock()
}

func isRequestCacheable(m *Msg) bool {
	if m.Truncated || len(m.Question) != 1 {
		return false
	}
	switch m.Rcode {
	case RcodeSuccess, RcodeNameError:
		return true
	}
	return false
}

func isResponseCacheable(m *Msg) bool {
	return findLowestTTL(m) != 0
}

func findLowestTTL(m *Msg) uint32 {
	ttl := uint32(math.MaxUint32)
	for _, section := range [][]RR{m.Answer, m.Ns, m.Extra} {
		for _, r := range section {
			if r.Type != TypeOPT && r.TTL < ttl {
				ttl = r.TTL
			}
		}
	}
	if ttl == math.MaxUint32 {
		return 0
	}
	return ttl
}

// key is the question's type and class, little endian, then its name in
// lower case.
func key(m *Msg) (bool, string) {
	if len(m.Question) != 1 {
		log.Printf("message with %d questions", len(m.Question))
		return false, ""
	}
	var b strings.Builder
	var buf [2]byte
	binary.LittleEndian.PutUint16(buf[:], m.Question[0].Qtype)
	b.Write(buf[:])
	binary.LittleEndian.PutUint16(buf[:], m.Question[0].Qclass)
	b.Write(buf[:])
	b.WriteString(canonicalName(m.Question[0].Name))
	return true, b.String()
}

func (i *item) fromItem(request *Msg) *Msg {
	response := &Msg{}
	response.SetReply(request)
	response.RecursionAvailable = i.m.RecursionAvailable
	response.Rcode = i.m.Rcode
	left := math.Round(float64(findLowestTTL(i.m)) - time.Since(i.when).Seconds())
	var ttl uint32
	if left > 0 {
		ttl = uint32(left)
	}
	for _, section := range []struct {
		from []RR
		to   *[]RR
	}{{i.m.Answer, &response.Answer}, {i.m.Ns, &response.Ns}, {i.m.Extra, &response.Extra}} {
		for _, r := range section.from {
			if r.Type == TypeOPT {
				continue // hop by hop
			}
			r.TTL = ttl
			*section.to = append(*section.to, r)
		}
	}
	return response
}
