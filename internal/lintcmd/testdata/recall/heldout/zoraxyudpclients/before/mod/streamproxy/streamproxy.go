// Package streamproxy reproduces, in its own words, the UDP side of
// Zoraxy's stream proxy (src/mod/streamproxy) as it was before commit
// 2b8ee8a404b0ce94908193712a0a8fa8ea57f662 ("Fixd #1207",
// tobychui/zoraxy, fixing issue #1207:
// https://github.com/tobychui/zoraxy/issues/1207; before/ is the code
// before the change, after/ as changed). A UDP rule keeps, per client
// address (ip:port), a socket dialled to the target and a goroutine
// relaying the target's answers. Nothing removed an entry: the relay
// goroutine ran until the socket was closed, which happened only when the
// whole rule was stopped, and the rule's Timeout was ignored for UDP. A
// client sending from a fresh source port each time (DNS) left a socket,
// a goroutine and a map entry per query. The fix sets an idle deadline on
// each socket and lets the relay goroutine delete its own entry when it
// ends.
package streamproxy

import (
	"errors"
	"log"
	"sync"
)

// ProxyRelayInstance is one forwarding rule.
type ProxyRelayInstance struct {
	UUID             string
	Name             string
	Running          bool
	ListeningAddress string
	ProxyTargetAddr  string
	UseUDP           bool
	EnableLogging    bool
	Timeout          int // seconds

	udpStopChan  chan bool
	udpClientMap sync.Map // client address -> *udpClientServerConn
	transferred  int64
	parent       *Manager `json:"-"`
}

// Manager holds the configured rules.
type Manager struct {
	mu      sync.Mutex
	Configs []*ProxyRelayInstance
}

// NewManager returns a manager without rules.
func NewManager() *Manager { return &Manager{} }

// AddRule adds a UDP forwarding rule from listen to target.
func (m *Manager) AddRule(name, listen, target string, timeout int) *ProxyRelayInstance {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &ProxyRelayInstance{
		UUID:             name,
		Name:             name,
		ListeningAddress: listen,
		ProxyTargetAddr:  target,
		UseUDP:           true,
		Timeout:          timeout,
		parent:           m,
	}
	m.Configs = append(m.Configs, c)
	return c
}

// Start runs the rule's UDP forwarder in the background.
func (c *ProxyRelayInstance) Start() error {
	if c.Running {
		return errors.New("proxy already running")
	}
	if !c.UseUDP {
		return errors.New("nothing to start")
	}
	c.udpStopChan = make(chan bool)
	c.Running = true
	go func() {
		if err := c.ForwardUDP(c.ListeningAddress, c.ProxyTargetAddr, c.udpStopChan); err != nil {
			c.LogMsg("[UDP] forwarder ended", err)
		}
	}()
	return nil
}

// Stop stops the rule's forwarder.
func (c *ProxyRelayInstance) Stop() {
	if !c.Running {
		return
	}
	c.udpStopChan <- true
	c.Running = false
}

// LogMsg logs msg when the rule has logging on.
func (c *ProxyRelayInstance) LogMsg(msg string, err error) {
	if !c.EnableLogging {
		return
	}
	if err != nil {
		log.Printf("[%s] %s: %v", c.Name, msg, err)
		return
	}
	log.Printf("[%s] %s", c.Name, msg)
}
