// Package dbus reproduces, in its own words, the job tracking of
// go-systemd's dbus package as it was before commit
// 5cab33b1032900f279e76492fa7e5a0a74fe919d ("fix(dbus): avoid jobListener
// jobs leakage", coreos/go-systemd, fixing issue #31:
// https://github.com/coreos/go-systemd/issues/31; before/ is the code
// before the change, after/ as changed). StartUnit and its siblings ask
// systemd for a job and wait for its JobRemoved signal; the connection
// keeps a channel per job object path, which systemd assigns to each new
// job. The signal handler sent the result on the job's channel but left
// the entry in the map, so a long-lived connection kept one entry per job
// it ever ran. The fix deletes the entry once its result is delivered.
package dbus

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"sync"
)

// ObjectPath names an object on the bus, such as a job.
type ObjectPath string

// Signal is a signal the bus broadcasts.
type Signal struct {
	Name string   `json:"name"`
	Path string   `json:"path"`
	Body []string `json:"body"`
}

// message is one line of the bus protocol: a call, its reply or a
// signal.
type message struct {
	Serial uint32   `json:"serial,omitempty"`
	Method string   `json:"method,omitempty"`
	Args   []string `json:"args,omitempty"`
	Reply  string   `json:"reply,omitempty"`
	Error  string   `json:"error,omitempty"`
	Signal *Signal  `json:"signal,omitempty"`
}

// Conn is a connection to systemd's bus endpoint.
type Conn struct {
	nc  net.Conn
	enc *json.Encoder

	callMu  sync.Mutex
	serial  uint32
	replies chan message
	signals chan Signal

	jobListener struct {
		jobs map[ObjectPath]chan string
		sync.Mutex
	}
}

// New connects to the bus at addr (a unix socket path) and starts
// dispatching its signals.
func New(addr string) (*Conn, error) {
	nc, err := net.Dial("unix", addr)
	if err != nil {
		return nil, err
	}
	c := &Conn{
		nc:      nc,
		enc:     json.NewEncoder(nc),
		replies: make(chan message),
		signals: make(chan Signal, 100),
	}
	c.initJobs()
	go c.readLoop()
	go c.dispatch()
	return c, nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

func (c *Conn) readLoop() {
	defer close(c.replies)
	defer close(c.signals)
	sc := bufio.NewScanner(c.nc)
	for sc.Scan() {
		var m message
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		if m.Signal != nil {
			c.signals <- *m.Signal
			continue
		}
		c.replies <- m
	}
}

// call invokes method on systemd's manager object and returns its reply.
func (c *Conn) call(method string, args ...string) (string, error) {
	c.callMu.Lock()
	defer c.callMu.Unlock()
	c.serial++
	if err := c.enc.Encode(message{Serial: c.serial, Method: method, Args: args}); err != nil {
		return "", err
	}
	m, ok := <-c.replies
	if !ok {
		return "", errors.New("dbus: connection closed")
	}
	if m.Error != "" {
		return "", errors.New(m.Error)
	}
	return m.Reply, nil
}

func (c *Conn) dispatch() {
	for s := range c.signals {
		switch s.Name {
		case "org.freedesktop.systemd1.Manager.JobRemoved":
			c.jobComplete(s)
		}
	}
}
