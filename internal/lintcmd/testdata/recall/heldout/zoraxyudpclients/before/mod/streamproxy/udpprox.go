package streamproxy

import (
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// udpClientServerConn is one client's session: its address and the
// socket dialled to the target for it.
type udpClientServerConn struct {
	ClientAddr *net.UDPAddr
	ServerConn *net.UDPConn
}

func createNewUDPConn(srvAddr, cliAddr *net.UDPAddr) *udpClientServerConn {
	srv, err := net.DialUDP("udp", nil, srvAddr)
	if err != nil {
		return nil
	}
	return &udpClientServerConn{ClientAddr: cliAddr, ServerConn: srv}
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
// until the session's socket is closed.
func (c *ProxyRelayInstance) RunUDPConnectionRelay(conn *udpClientServerConn, listener *net.UDPConn) {
	var buf [1500]byte
	for {
		n, err := conn.ServerConn.Read(buf[:])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		listener.WriteToUDP(buf[:n], conn.ClientAddr)
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
			conn = createNewUDPConn(target, cliaddr)
			if conn == nil {
				continue
			}
			c.udpClientMap.Store(saddr, conn) // want growonly "."
			c.LogMsg("[UDP] Created new connection for client "+saddr, nil)
			go c.RunUDPConnectionRelay(conn, listener)
		}
		conn.ServerConn.Write(buf[:n])
	}
}
