// Package server is the MQTT broker.
//
// Reproduces, in our own words, the shape of DrmagicE/gmqtt before
// https://github.com/DrmagicE/gmqtt/issues/50 was fixed (commit 0b8e3af,
// "fix: memory leak with server.willMessage"): when a client whose session
// outlives its connection went away with a will message and a will delay,
// the server stored the will in its willMessage map, by client ID, and
// started a timer to publish it; nothing ever deleted the entry, neither
// when the will was published nor when the client came back in time, nor
// when the session ended. The fix signals the waiting goroutine on
// reconnection (resumed: discard, taken over: publish) and deletes the
// entry when it is done. The MQTT packets are lines here.
package server

import (
	"bufio"
	"log"
	"net"
	"sync"
	"time"

	gmqtt "recall/heldout/gmqttwillmsg/before"
)

type willMsg struct {
	msg    *gmqtt.Message
	cancel chan struct{}
}

// server is one broker.
type server struct {
	mu sync.Mutex
	// clients are the connected clients, by client ID.
	clients map[string]*client
	// offlineClients are the disconnected clients whose session is kept,
	// with its expiry.
	offlineClients map[string]time.Time
	willMessage    map[string]*willMsg
	sessions       map[string]*gmqtt.Session
	queues         map[string][]*gmqtt.Message
	subscriptions  map[string]map[string]bool // topic, client ID
	listener       net.Listener
}

// Server is a broker listening on one TCP listener.
type Server interface {
	Run() error
}

// New returns a broker serving l.
func New(l net.Listener) Server {
	return &server{
		clients:        make(map[string]*client),
		offlineClients: make(map[string]time.Time),
		willMessage:    make(map[string]*willMsg),
		sessions:       make(map[string]*gmqtt.Session),
		queues:         make(map[string][]*gmqtt.Message),
		subscriptions:  make(map[string]map[string]bool),
		listener:       l,
	}
}

// Run accepts connections and serves each, and expires sessions, until
// the listener fails.
func (srv *server) Run() error {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for range t.C {
			srv.sessionExpireCheck()
		}
	}()
	for {
		rwc, err := srv.listener.Accept()
		if err != nil {
			return err
		}
		c := &client{server: srv, rwc: rwc, in: bufio.NewReader(rwc)}
		go c.serve()
	}
}

// registerClient takes a connected client's CONNECT.
func (srv *server) registerClient(c *client, cleanStart bool, expiry uint32, will *gmqtt.Message, willDelay uint32) (sessionPresent bool) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	now := time.Now()
	id := c.clientID
	if old := srv.clients[id]; old != nil {
		old.rwc.Close()
	}
	if old := srv.sessions[id]; old != nil {
		disconnectedAt, offline := srv.offlineClients[id]
		if !cleanStart && (!offline || !old.IsExpired(disconnectedAt, now)) {
			sessionPresent = true
		} else {
			srv.sessionTerminatedLocked(id)
		}
	}
	delete(srv.offlineClients, id)
	srv.sessions[id] = &gmqtt.Session{
		ClientID:          id,
		Will:              will,
		WillDelayInterval: willDelay,
		ConnectedAt:       now,
		ExpiryInterval:    expiry,
	}
	srv.clients[id] = c
	for _, msg := range srv.queues[id] {
		c.write("MSG " + msg.Topic + " " + string(msg.Payload))
	}
	delete(srv.queues, id)
	return sessionPresent
}

// unregisterClient runs when a client's connection ends.
func (srv *server) unregisterClient(c *client) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.clients[c.clientID] != c {
		return
	}
	id := c.clientID
	sess := srv.sessions[id]
	if sess == nil {
		delete(srv.clients, id)
		return
	}
	if c.disconnectExpiry != nil {
		sess.ExpiryInterval = *c.disconnectExpiry
	}
	storeSession := sess.ExpiryInterval != 0
	if !c.cleanWill && sess.Will != nil {
		willDelay := min(sess.WillDelayInterval, sess.ExpiryInterval)
		msg := sess.Will.Copy()
		if willDelay != 0 && storeSession {
			wm := &willMsg{msg: msg, cancel: make(chan struct{})}
			srv.willMessage[id] = wm // want growonly "."
			t := time.NewTimer(time.Duration(willDelay) * time.Second)
			go func(clientID string) {
				select {
				case <-wm.cancel:
					t.Stop()
				case <-t.C:
					srv.mu.Lock()
					srv.deliverLocked(clientID, msg)
					srv.mu.Unlock()
				}
			}(id)
		} else {
			srv.deliverLocked(id, msg)
		}
	}
	if storeSession {
		srv.offlineClients[id] = time.Now()
		delete(srv.clients, id)
		log.Printf("%s logged out, session kept for %ds", id, sess.ExpiryInterval)
		return
	}
	log.Printf("%s logged out, session cleaned", id)
	srv.sessionTerminatedLocked(id)
}

// sessionTerminatedLocked forgets everything kept for a client.
func (srv *server) sessionTerminatedLocked(clientID string) {
	delete(srv.clients, clientID)
	delete(srv.offlineClients, clientID)
	delete(srv.sessions, clientID)
	delete(srv.queues, clientID)
	for topic, subs := range srv.subscriptions {
		delete(subs, clientID)
		if len(subs) == 0 {
			delete(srv.subscriptions, topic)
		}
	}
}

func (srv *server) sessionExpireCheck() {
	now := time.Now()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for id, disconnectedAt := range srv.offlineClients {
		if sess := srv.sessions[id]; sess == nil || sess.IsExpired(disconnectedAt, now) {
			log.Printf("session of %s expired", id)
			srv.sessionTerminatedLocked(id)
		}
	}
}

func (srv *server) subscribe(c *client, topic string) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	subs := srv.subscriptions[topic]
	if subs == nil {
		subs = make(map[string]bool)
		srv.subscriptions[topic] = subs
	}
	subs[c.clientID] = true
}

// deliverLocked sends msg, published by clientID, to the subscribers of
// its topic, queueing it for those whose session is kept offline.
func (srv *server) deliverLocked(from string, msg *gmqtt.Message) {
	for id := range srv.subscriptions[msg.Topic] {
		if c := srv.clients[id]; c != nil {
			c.write("MSG " + msg.Topic + " " + string(msg.Payload))
		} else if _, ok := srv.offlineClients[id]; ok && len(srv.queues[id]) < 1000 {
			srv.queues[id] = append(srv.queues[id], msg)
		}
	}
}
