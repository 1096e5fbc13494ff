package streamproxy

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// defaultUDPTimeout ends a session idle this long when the rule sets no
// timeout.
const defaultUDPTimeout = 60 * time.Second

// udpClientServerConn is one client's session: its address, the socket
// dialled to the target for it, and how long it may stay idle.
type udpClientServerConn struct {
	ClientAddr *net.UDPAddr
	ServerConn *net.UDPConn
	timeout    time.Duration
}

func (c *ProxyRelayInstance) udpIdleTimeout() time.Duration {
	if c.Timeout > 0 {
		return time.Duration(c.Timeout) * time.Second
	}
	return defaultUDPTimeout
}

func createNewUDPConn(srvAddr, cliAddr *net.UDPAddr, timeout time.Duration) *udpClientServerConn {
	srv, err := net.DialUDP("udp", nil, srvAddr)
	if err != nil {
		return nil
	}
	return &udpClientServerConn{ClientAddr: cliAddr, ServerConn: srv, timeout: timeout}
}

func initUDPConnections(listenAddr, targetAddr string) (*net.UDPConn, *net.UDPAddr, error) {
	la, err := net.ResolveUDPAddr("udp", listenAddr)
	if err != nil {
		return nil, nil, err
	}
	ta, err := net.ResolveUDPAddr("udp", targetAddr)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.ListenUDP("udp", la)
	if err != nil {
		return nil, nil, err
	}
	return ln, ta, nil
}

// RunUDPConnectionRelay copies the target's answers back to one client
// until the session's socket is closed, fails or stays idle past its
// timeout; then it closes the socket and drops the session.
func (c *ProxyRelayInstance) RunUDPConnectionRelay(conn *udpClientServerConn, listener *net.UDPConn) {
	saddr := conn.ClientAddr.String()
	defer func() {
		conn.ServerConn.Close()
		// A newer session of the same address must stay.
		c.udpClientMap.CompareAndDelete(saddr, conn)
	}()
	var buf [1500]byte
	for {
		if conn.timeout > 0 {
			conn.ServerConn.SetReadDeadline(time.Now().Add(conn.timeout))
		}
		n, err := conn.ServerConn.Read(buf[:])
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				c.LogMsg("[UDP] Idle session for client "+saddr+" expired", nil)
			}
			return
		}
		if _, err := listener.WriteToUDP(buf[:n], conn.ClientAddr); errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// CloseAllUDPConnections closes every session's socket, ending their
// relays.
func (c *ProxyRelayInstance) CloseAllUDPConnections() {
	c.udpClientMap.Range(func(_, v any) bool {
		v.(*udpClientServerConn).ServerConn.Close()
		return true
	})
}

// ForwardUDP forwards the datagrams of each client to the target through
// a socket of its own, until stopChan fires.
func (c *ProxyRelayInstance) ForwardUDP(listenAddr, targetAddr string, stopChan chan bool) error {
	if strings.HasPrefix(listenAddr, ":") {
		listenAddr = "0.0.0.0" + listenAddr
	}
	listener, target, err := initUDPConnections(listenAddr, targetAddr)
	if err != nil {
		return err
	}
	go func() {
		for {
			select {
			case <-stopChan:
				c.CloseAllUDPConnections()
				listener.Close()
				return
			default:
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()

	var buf [1500]byte
	for {
		n, cliaddr, err := listener.ReadFromUDP(buf[:])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			continue
		}
		atomic.AddInt64(&c.transferred, int64(n))
		saddr := cliaddr.String()
		var conn *udpClientServerConn
		if raw, found := c.udpClientMap.Load(saddr); found {
			conn = raw.(*udpClientServerConn)
		} else {
			conn = createNewUDPConn(target, cliaddr, c.udpIdleTimeout())
			if conn == nil {
				continue
			}
			c.udpClientMap.Store(saddr, conn)
			c.LogMsg("[UDP] Created new connection for client "+saddr, nil)
			go c.RunUDPConnectionRelay(conn, listener)
		}
		if conn.timeout > 0 {
			conn.ServerConn.SetReadDeadline(time.Now().Add(conn.timeout))
		}
		conn.ServerConn.Write(buf[:n])
	}
}
