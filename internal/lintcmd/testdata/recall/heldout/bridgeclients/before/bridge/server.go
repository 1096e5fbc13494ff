// Package bridge reproduces, in its own words, the client-map leak fixed
// in TON Connect's bridge: https://github.com/ton-connect/bridge2/pull/4
// (commit 34ec0439b15d7c4e16e239ef27be230cca05d463; before/ is the code
// before the fix, after/ as fixed). Wallets and apps exchange messages
// through per-client mailboxes named by the client_id of the request. A
// cleaner drops a mailbox once nobody is subscribed to it and it has been
// idle for the TTL, but the subscription count was raised on every
// subscribe and never lowered when the event stream ended, so every
// client that ever subscribed kept its mailbox for the life of the
// process.
package bridge

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Event is one message waiting in a mailbox.
type Event struct {
	ID       uint64
	From     string
	Message  []byte
	Deadline int64
}

// Client is the mailbox of one client ID.
type Client struct {
	mu     sync.Mutex
	events []Event
	Signal chan struct{}

	LastUsed      atomic.Int64
	Subscriptions atomic.Int32
}

func (c *Client) push(e Event) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	select {
	case c.Signal <- struct{}{}:
	default:
	}
}

// since returns the events after id that have not expired.
func (c *Client) since(id uint64, now int64) []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Event
	kept := c.events[:0]
	for _, e := range c.events {
		if e.Deadline < now {
			continue
		}
		kept = append(kept, e)
		if e.ID > id {
			out = append(out, e)
		}
	}
	c.events = kept
	return out
}

type Config struct {
	MaxTTL              int // seconds
	MaxConnectionsPerIP int
	MaxClientsPerSub    int
}

type ipState struct{ active int }

// SSE serves the bridge's event streams and message pushes.
type SSE struct {
	Config

	clientMx sync.Mutex
	clients  map[string]*Client

	ipMx sync.Mutex
	ips  map[string]*ipState

	nextEvent atomic.Uint64
}

func NewSSE(cfg Config) *SSE {
	s := &SSE{Config: cfg, clients: map[string]*Client{}, ips: map[string]*ipState{}}
	go s.cleanerWorker()
	return s
}

// cleanerWorker drops the mailboxes nobody subscribes to that have been
// idle longer than the TTL.
func (s *SSE) cleanerWorker() {
	for {
		time.Sleep(5 * time.Second)
		old := time.Now().Unix() - int64(s.MaxTTL)
		s.clientMx.Lock()
		for k, c := range s.clients {
			if c.Subscriptions.Load() == 0 && c.LastUsed.Load() < old {
				delete(s.clients, k)
			}
		}
		s.clientMx.Unlock()
	}
}

// client returns the mailbox of id, making it if needed.
func (s *SSE) client(id string, subscribed bool) *Client {
	s.clientMx.Lock()
	defer s.clientMx.Unlock()
	c := s.clients[id]
	if c == nil {
		c = &Client{Signal: make(chan struct{}, 1)}
		s.clients[id] = c // want growonly "."
	}
	if subscribed {
		c.Subscriptions.Add(1)
	}
	c.LastUsed.Store(time.Now().Unix())
	return c
}

func clientIP(r *http.Request) string {
	if ip := r.Header.Get("X-Forwarded-For"); ip != "" {
		if i := strings.IndexByte(ip, ','); i > 0 {
			return strings.TrimSpace(ip[:i])
		}
		return ip
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	return host
}

// HandleSubscribe streams the events of the client IDs of the request.
func (s *SSE) HandleSubscribe(w http.ResponseWriter, r *http.Request) {
	idsStr := r.URL.Query().Get("client_id")
	if idsStr == "" {
		http.Error(w, "client_id is not passed", http.StatusBadRequest)
		return
	}
	ip := clientIP(r)
	s.ipMx.Lock()
	st := s.ips[ip]
	if st == nil {
		st = &ipState{}
		s.ips[ip] = st
	}
	if st.active+1 > s.MaxConnectionsPerIP {
		s.ipMx.Unlock()
		http.Error(w, "too many subscriptions from your network", http.StatusTooManyRequests)
		return
	}
	st.active++
	s.ipMx.Unlock()
	defer func() {
		s.ipMx.Lock()
		if st.active <= 1 {
			delete(s.ips, ip)
		} else {
			st.active--
		}
		s.ipMx.Unlock()
	}()

	lastEventID := uint64(0)
	if v := r.URL.Query().Get("last_event_id"); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			http.Error(w, "last_event_id is invalid", http.StatusBadRequest)
			return
		}
		lastEventID = id
	}
	ids := strings.Split(idsStr, ",")
	if len(ids) > s.MaxClientsPerSub {
		http.Error(w, "too many client_id passed", http.StatusBadRequest)
		return
	}
	var clients []*Client
	for _, id := range ids {
		if id == "" || len(id) > 64 {
			http.Error(w, "invalid client_id", http.StatusBadRequest)
			return
		}
		clients = append(clients, s.client(id, true))
	}

	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	wake := make(chan struct{}, 1)
	for _, c := range clients {
		go func(c *Client) {
			for {
				select {
				case <-c.Signal:
					select {
					case wake <- struct{}{}:
					default:
					}
				case <-r.Context().Done():
					return
				}
			}
		}(c)
	}
	for {
		now := time.Now().Unix()
		for _, c := range clients {
			for _, e := range c.since(lastEventID, now) {
				if _, err := fmt.Fprintf(w, "event: message\r\nid: %d\r\ndata: %s\r\n\r\n", e.ID, e.Message); err != nil {
					return
				}
				lastEventID = e.ID
			}
		}
		flusher.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-wake:
		case <-heartbeat.C:
			if _, err := fmt.Fprint(w, "event: heartbeat\r\n\r\n"); err != nil {
				return
			}
		}
	}
}

// HandleMessage pushes a message from client_id to the mailbox of to.
func (s *SSE) HandleMessage(w http.ResponseWriter, r *http.Request) {
	from := r.URL.Query().Get("client_id")
	to := r.URL.Query().Get("to")
	if from == "" || to == "" || len(to) > 64 {
		http.Error(w, "invalid client_id or to", http.StatusBadRequest)
		return
	}
	ttl, err := strconv.Atoi(r.URL.Query().Get("ttl"))
	if err != nil || ttl <= 0 || ttl > s.MaxTTL {
		http.Error(w, "invalid ttl", http.StatusBadRequest)
		return
	}
	msg := make([]byte, 0, 4096)
	buf := make([]byte, 4096)
	for len(msg) < 1<<16 {
		n, err := r.Body.Read(buf)
		msg = append(msg, buf[:n]...)
		if err != nil {
			break
		}
	}
	s.client(to, false).push(Event{
		ID:       s.nextEvent.Add(1),
		From:     from,
		Message:  msg,
		Deadline: time.Now().Unix() + int64(ttl),
	})
	w.WriteHeader(http.StatusOK)
}
