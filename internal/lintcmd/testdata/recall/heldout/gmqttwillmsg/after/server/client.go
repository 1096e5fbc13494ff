package server

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	gmqtt "recall/heldout/gmqttwillmsg/after"
)

const keepAlive = 90 * time.Second

// client is one connection.
type client struct {
	server   *server
	rwc      net.Conn
	in       *bufio.Reader
	wmu      sync.Mutex
	clientID string
	// cleanWill is set by a normal DISCONNECT: the will is not sent.
	cleanWill bool
	// disconnectExpiry is the session expiry a DISCONNECT asked for.
	disconnectExpiry *uint32
}

func (c *client) write(line string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.rwc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c.rwc, "%s\n", line)
}

func (c *client) readLine() ([]string, error) {
	c.rwc.SetReadDeadline(time.Now().Add(keepAlive))
	line, err := c.in.ReadString('\n')
	if err != nil {
		return nil, err
	}
	return strings.Fields(line), nil
}

// serve reads the CONNECT line, then the client's packets, until the
// connection ends.
//
//	CONNECT id clean(0|1) expiry [willDelay willTopic willPayload]
//	SUBSCRIBE topic
//	PUBLISH topic payload
//	DISCONNECT [expiry]
func (c *client) serve() {
	defer c.rwc.Close()
	f, err := c.readLine()
	if err != nil || len(f) < 4 || f[0] != "CONNECT" {
		return
	}
	c.clientID = f[1]
	expiry, err := strconv.ParseUint(f[3], 10, 32)
	if err != nil {
		return
	}
	var will *gmqtt.Message
	var willDelay uint64
	if len(f) == 7 {
		if willDelay, err = strconv.ParseUint(f[4], 10, 32); err != nil {
			return
		}
		will = &gmqtt.Message{Topic: f[5], Payload: []byte(f[6])}
	}
	present := c.server.registerClient(c, f[2] == "1", uint32(expiry), will, uint32(willDelay))
	c.write(fmt.Sprintf("CONNACK %t", present))
	defer c.server.unregisterClient(c)
	for {
		f, err := c.readLine()
		if err != nil {
			return
		}
		switch {
		case len(f) == 2 && f[0] == "SUBSCRIBE":
			c.server.subscribe(c, f[1])
			c.write("SUBACK " + f[1])
		case len(f) == 3 && f[0] == "PUBLISH":
			c.server.mu.Lock()
			c.server.deliverLocked(c.clientID, &gmqtt.Message{Topic: f[1], Payload: []byte(f[2])})
			c.server.mu.Unlock()
		case len(f) >= 1 && f[0] == "DISCONNECT":
			c.cleanWill = true
			if len(f) == 2 {
				if e, err := strconv.ParseUint(f[1], 10, 32); err == nil {
					e32 := uint32(e)
					c.disconnectExpiry = &e32
				}
			}
			return
		case len(f) == 1 && f[0] == "PINGREQ":
			c.write("PINGRESP")
		default:
			return
		}
	}
}
