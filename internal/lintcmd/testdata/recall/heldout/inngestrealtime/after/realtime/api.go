package realtime

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
)

// API serves realtime subscriptions over server-sent events and over a
// websocket (here a hijacked connection speaking JSON lines).
type API struct {
	Broadcaster *Broadcaster
}

func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/realtime/sse", a.GetSSE)
	mux.HandleFunc("/v1/realtime/connect", a.GetWebsocketUpgrade)
	mux.HandleFunc("/v1/realtime/publish", a.PostPublish)
	return mux
}

func topicsOf(r *http.Request) []string {
	var topics []string
	for _, t := range strings.Split(r.URL.Query().Get("topics"), ",") {
		if t != "" {
			topics = append(topics, t)
		}
	}
	return topics
}

type sseSub struct {
	id string
	mu sync.Mutex
	w  http.ResponseWriter
	f  http.Flusher
}

func (s *sseSub) ID() string       { return s.id }
func (s *sseSub) Protocol() string { return "sse" }
func (s *sseSub) WriteMessage(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := json.Marshal(m)
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", b); err != nil {
		return err
	}
	s.f.Flush()
	return nil
}
func (s *sseSub) SendKeepalive() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := fmt.Fprint(s.w, ": keepalive\n\n")
	s.f.Flush()
	return err
}
func (s *sseSub) Close() error { return nil }

func (a *API) GetSSE(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	sub := &sseSub{id: NewSubscriptionID(), w: w, f: f}
	if err := a.Broadcaster.Subscribe(ctx, sub, topicsOf(r)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	<-ctx.Done()
	if err := a.Broadcaster.CloseSubscription(context.Background(), sub.ID()); err != nil {
		log.Printf("error closing SSE subscription %s: %v", sub.ID(), err)
	}
}

type wsSub struct {
	id   string
	mu   sync.Mutex
	conn net.Conn
	rw   *bufio.ReadWriter
}

func (s *wsSub) ID() string       { return s.id }
func (s *wsSub) Protocol() string { return "ws" }
func (s *wsSub) WriteMessage(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := json.NewEncoder(s.rw).Encode(m); err != nil {
		return err
	}
	return s.rw.Flush()
}
func (s *wsSub) SendKeepalive() error { return s.WriteMessage(Message{Topic: "keepalive"}) }
func (s *wsSub) Close() error         { return s.conn.Close() }

type wsRequest struct {
	Kind   string   `json:"kind"` // subscribe, unsubscribe
	Topics []string `json:"topics"`
}

// Poll reads the client's requests until the connection ends.
func (s *wsSub) Poll(ctx context.Context, b *Broadcaster) error {
	dec := json.NewDecoder(s.rw)
	for {
		var req wsRequest
		if err := dec.Decode(&req); err != nil {
			return err
		}
		switch req.Kind {
		case "subscribe":
			if err := b.Subscribe(ctx, s, req.Topics); err != nil {
				return err
			}
		case "unsubscribe":
			if err := b.Unsubscribe(ctx, s.id, req.Topics); err != nil {
				return err
			}
		}
	}
}

func (a *API) GetWebsocketUpgrade(w http.ResponseWriter, r *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "upgrade unsupported", http.StatusBadRequest)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		log.Printf("error upgrading ws connection: %v", err)
		return
	}
	sub := &wsSub{id: NewSubscriptionID(), conn: conn, rw: rw}
	if err := a.Broadcaster.Subscribe(context.Background(), sub, topicsOf(r)); err != nil {
		log.Printf("error creating websocket subscription: %v", err)
		conn.Close()
		return
	}
	if err := sub.Poll(context.Background(), a.Broadcaster); err != nil {
		log.Printf("websocket poll returned error for %s: %v", sub.ID(), err)
	}
	if err := a.Broadcaster.CloseSubscription(context.Background(), sub.ID()); err != nil {
		log.Printf("error closing websocket subscription %s: %v", sub.ID(), err)
	}
	conn.Close()
}

func (a *API) PostPublish(w http.ResponseWriter, r *http.Request) {
	var m Message
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.Broadcaster.Publish(r.Context(), m)
	w.WriteHeader(http.StatusAccepted)
}
