// Package connmgr reproduces, in its own words, the outbound connection
// manager of btcsuite/btcd as it was before commit
// 1d77730e9a92eafadb9f1ef86d2522c36ca4db38 ("[connmgr] remove pending
// entry on failed connection"; before/ is the code before the change,
// after/ as changed). The manager's handler goroutine keeps the requests
// being dialled in a map by request ID, drawn from a counter. When a
// dial to an address the manager had picked itself failed, or such a
// connection dropped and was to be replaced, the manager asked for a new
// request under a new ID and left the old one in the pending map, so a
// node whose dials kept failing grew the map for as long as it ran.
package connmgr

import (
	"errors"
	"fmt"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

const maxFailedAttempts = 25

// ErrDialNil is returned by New without a Dial function.
var ErrDialNil = errors.New("connmgr: Config.Dial is nil")

// ConnState is the state of a connection request.
type ConnState uint8

const (
	ConnPending ConnState = iota
	ConnFailing
	ConnCanceled
	ConnEstablished
	ConnDisconnected
)

// ConnReq is a request to connect to an address.
type ConnReq struct {
	id         atomic.Uint64
	Addr       net.Addr
	Permanent  bool
	conn       net.Conn
	mu         sync.Mutex
	state      ConnState
	retryCount uint32
}

func (c *ConnReq) setState(s ConnState) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

// State returns the request's state.
func (c *ConnReq) State() ConnState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// ID returns the request's ID, 0 until it is registered.
func (c *ConnReq) ID() uint64 { return c.id.Load() }

func (c *ConnReq) String() string {
	return fmt.Sprintf("%v (req %d)", c.Addr, c.ID())
}

// Config configures a ConnManager.
type Config struct {
	Listeners       []net.Listener
	OnAccept        func(net.Conn)
	TargetOutbound  uint32
	RetryDuration   time.Duration
	OnConnection    func(*ConnReq, net.Conn)
	OnDisconnection func(*ConnReq)
	GetNewAddress   func() (net.Addr, error)
	Dial            func(net.Addr) (net.Conn, error)
}

type registerPending struct {
	c    *ConnReq
	done chan struct{}
}

type handleConnected struct {
	c    *ConnReq
	conn net.Conn
}

type handleDisconnected struct {
	id    uint64
	retry bool
}

type handleFailed struct {
	c   *ConnReq
	err error
}

// ConnManager keeps a number of outbound connections open and accepts
// inbound ones.
type ConnManager struct {
	reqCount       atomic.Uint64
	started        atomic.Bool
	stopped        atomic.Bool
	cfg            Config
	wg             sync.WaitGroup
	failedAttempts uint64
	requests       chan any
	quit           chan struct{}
}

// New returns a manager for cfg.
func New(cfg *Config) (*ConnManager, error) {
	if cfg.Dial == nil {
		return nil, ErrDialNil
	}
	c := *cfg
	if c.RetryDuration <= 0 {
		c.RetryDuration = 5 * time.Second
	}
	if c.TargetOutbound == 0 {
		c.TargetOutbound = 8
	}
	return &ConnManager{cfg: c, requests: make(chan any), quit: make(chan struct{})}, nil
}

// handleFailedConn retries a permanent request later, or removes a
// request for an address the manager picked and replaces it with a new
// request.
func (cm *ConnManager) handleFailedConn(c *ConnReq) {
	if cm.stopped.Load() {
		return
	}
	if c.Permanent {
		c.retryCount++
		d := min(time.Duration(c.retryCount)*cm.cfg.RetryDuration, 5*time.Minute)
		time.AfterFunc(d, func() { cm.Connect(c) })
		return
	}
	if cm.cfg.GetNewAddress == nil {
		return
	}
	cm.failedAttempts++
	id := c.ID()
	if cm.failedAttempts >= maxFailedAttempts {
		time.AfterFunc(cm.cfg.RetryDuration, func() {
			cm.Remove(id)
			cm.NewConnReq()
		})
	} else {
		go func() {
			cm.Remove(id)
			cm.NewConnReq()
		}()
	}
}

// connHandler owns the pending and established requests; every change
// to them comes through cm.requests.
func (cm *ConnManager) connHandler() {
	defer cm.wg.Done()
	pending := make(map[uint64]*ConnReq)
	conns := make(map[uint64]*ConnReq, cm.cfg.TargetOutbound)
	for {
		select {
		case req := <-cm.requests:
			switch msg := req.(type) {
			case registerPending:
				msg.c.setState(ConnPending)
				pending[msg.c.ID()] = msg.c
				close(msg.done)

			case handleConnected:
				c := msg.c
				if _, ok := pending[c.ID()]; !ok {
					if msg.conn != nil {
						msg.conn.Close()
					}
					continue
				}
				c.setState(ConnEstablished)
				c.conn = msg.conn
				conns[c.ID()] = c
				c.retryCount = 0
				cm.failedAttempts = 0
				delete(pending, c.ID())
				if cm.cfg.OnConnection != nil {
					go cm.cfg.OnConnection(c, msg.conn)
				}

			case handleDisconnected:
				c, ok := conns[msg.id]
				if !ok {
					if c, ok = pending[msg.id]; ok {
						c.setState(ConnCanceled)
						delete(pending, msg.id)
					}
					continue
				}
				delete(conns, msg.id)
				if c.conn != nil {
					c.conn.Close()
				}
				if cm.cfg.OnDisconnection != nil {
					go cm.cfg.OnDisconnection(c)
				}
				if !msg.retry {
					c.setState(ConnDisconnected)
					continue
				}
				if uint32(len(conns)) < cm.cfg.TargetOutbound || c.Permanent {
					c.setState(ConnPending)
					pending[msg.id] = c
					cm.handleFailedConn(c)
				}

			case handleFailed:
				c := msg.c
				if _, ok := pending[c.ID()]; !ok {
					continue
				}
				c.setState(ConnFailing)
				log.Printf("connmgr: failed to connect to %v: %v", c, msg.err)
				cm.handleFailedConn(c)
			}

		case <-cm.quit:
			return
		}
	}
}

func (cm *ConnManager) send(msg any) bool {
	select {
	case cm.requests <- msg:
		return true
	case <-cm.quit:
		return false
	}
}

func (cm *ConnManager) register(c *ConnReq) bool {
	c.id.Store(cm.reqCount.Add(1))
	done := make(chan struct{})
	if !cm.send(registerPending{c, done}) {
		return false
	}
	select {
	case <-done:
		return true
	case <-cm.quit:
		return false
	}
}

// NewConnReq opens a connection to a new address from GetNewAddress.
func (cm *ConnManager) NewConnReq() {
	if cm.stopped.Load() || cm.cfg.GetNewAddress == nil {
		return
	}
	c := &ConnReq{}
	if !cm.register(c) {
		return
	}
	addr, err := cm.cfg.GetNewAddress()
	if err != nil {
		cm.send(handleFailed{c, err})
		return
	}
	c.Addr = addr
	cm.Connect(c)
}

// Connect dials c's address, registering c first if it is new.
func (cm *ConnManager) Connect(c *ConnReq) {
	if cm.stopped.Load() || c.State() == ConnCanceled {
		return
	}
	if c.ID() == 0 && !cm.register(c) {
		return
	}
	conn, err := cm.cfg.Dial(c.Addr)
	if err != nil {
		cm.send(handleFailed{c, err})
		return
	}
	cm.send(handleConnected{c, conn})
}

// Disconnect closes the connection of request id and retries it.
func (cm *ConnManager) Disconnect(id uint64) {
	if !cm.stopped.Load() {
		cm.send(handleDisconnected{id, true})
	}
}

// Remove closes the connection of request id, or cancels it, for good.
func (cm *ConnManager) Remove(id uint64) {
	if !cm.stopped.Load() {
		cm.send(handleDisconnected{id, false})
	}
}

func (cm *ConnManager) listenHandler(l net.Listener) {
	defer cm.wg.Done()
	for !cm.stopped.Load() {
		conn, err := l.Accept()
		if err != nil {
			continue
		}
		go cm.cfg.OnAccept(conn)
	}
}

// Start starts the handler, the listeners and the outbound requests.
func (cm *ConnManager) Start() {
	if cm.started.Swap(true) {
		return
	}
	cm.wg.Add(1)
	go cm.connHandler()
	if cm.cfg.OnAccept != nil {
		for _, l := range cm.cfg.Listeners {
			cm.wg.Add(1)
			go cm.listenHandler(l)
		}
	}
	for i := cm.reqCount.Load(); i < uint64(cm.cfg.TargetOutbound); i++ {
		go cm.NewConnReq()
	}
}

// Stop stops the manager.
func (cm *ConnManager) Stop() {
	if cm.stopped.Swap(true) {
		return
	}
	for _, l := range cm.cfg.Listeners {
		l.Close()
	}
	close(cm.quit)
}

// Wait waits until the manager's goroutines have stopped.
func (cm *ConnManager) Wait() { cm.wg.Wait() }
