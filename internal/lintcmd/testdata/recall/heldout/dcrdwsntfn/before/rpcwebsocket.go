package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"strings"
	"sync"
)

// wsClient is one connected notification client. Its quit channel is
// the key it is known by in the notification manager's maps.
type wsClient struct {
	conn net.Conn
	addr string
	quit chan struct{}
	send chan string

	closeOnce sync.Once
}

func newWsClient(conn net.Conn) *wsClient {
	return &wsClient{
		conn: conn,
		addr: conn.RemoteAddr().String(),
		quit: make(chan struct{}),
		send: make(chan string, 64),
	}
}

// Disconnect closes the connection and the quit channel.
func (c *wsClient) Disconnect() {
	c.closeOnce.Do(func() {
		close(c.quit)
		c.conn.Close()
	})
}

// queue hands a notification to the client's writer, dropping it if the
// client is gone or too slow.
func (c *wsClient) queue(msg string) {
	select {
	case c.send <- msg:
	case <-c.quit:
	default:
	}
}

func (c *wsClient) outHandler() {
	w := bufio.NewWriter(c.conn)
	for {
		select {
		case msg := <-c.send:
			w.WriteString(msg + "\n")
			if err := w.Flush(); err != nil {
				c.Disconnect()
				return
			}
		case <-c.quit:
			return
		}
	}
}

// Notifications and control requests, as they travel to the handler.
type (
	notificationBlockConnected      struct{ height int64 }
	notificationWinningTickets      struct{ height int64 }
	notificationStakeDifficulty     struct{ difficulty int64 }
	notificationRegisterClient      wsClient
	notificationUnregisterClient    wsClient
	notificationRegisterBlocks      wsClient
	notificationUnregisterBlocks    wsClient
	notificationRegisterWinning     wsClient
	notificationUnregisterWinning   wsClient
	notificationRegisterStakeDiff   wsClient
	notificationUnregisterStakeDiff wsClient
)

// wsNotificationManager fans chain events out to the clients that asked
// for them. All its state is local to notificationHandler.
type wsNotificationManager struct {
	queueNotification chan any
	numClients        chan int
	quit              chan struct{}
	wg                sync.WaitGroup
}

func newWsNotificationManager() *wsNotificationManager {
	return &wsNotificationManager{
		queueNotification: make(chan any, 256),
		numClients:        make(chan int),
		quit:              make(chan struct{}),
	}
}

// Start runs the handler goroutine.
func (m *wsNotificationManager) Start() {
	m.wg.Add(1)
	go m.notificationHandler()
}

func (m *wsNotificationManager) notificationHandler() {
	defer m.wg.Done()
	clients := make(map[chan struct{}]*wsClient)
	blockNotifications := make(map[chan struct{}]*wsClient)
	winningTicketNotifications := make(map[chan struct{}]*wsClient)
	stakeDifficultyNotifications := make(map[chan struct{}]*wsClient)

	for {
		select {
		case n := <-m.queueNotification:
			switch n := n.(type) {
			case *notificationBlockConnected:
				for _, c := range blockNotifications {
					c.queue(fmt.Sprintf("blockconnected %d", n.height))
				}
			case *notificationWinningTickets:
				for _, c := range winningTicketNotifications {
					c.queue(fmt.Sprintf("winningtickets %d", n.height))
				}
			case *notificationStakeDifficulty:
				for _, c := range stakeDifficultyNotifications {
					c.queue(fmt.Sprintf("stakedifficulty %d", n.difficulty))
				}

			case *notificationRegisterBlocks:
				wsc := (*wsClient)(n)
				blockNotifications[wsc.quit] = wsc
			case *notificationUnregisterBlocks:
				delete(blockNotifications, (*wsClient)(n).quit)

			case *notificationRegisterWinning:
				wsc := (*wsClient)(n)
				winningTicketNotifications[wsc.quit] = wsc // want growonly "."
			case *notificationUnregisterWinning:
				delete(winningTicketNotifications, (*wsClient)(n).quit)

			case *notificationRegisterStakeDiff:
				wsc := (*wsClient)(n)
				stakeDifficultyNotifications[wsc.quit] = wsc // want growonly "."
			case *notificationUnregisterStakeDiff:
				delete(stakeDifficultyNotifications, (*wsClient)(n).quit)

			case *notificationRegisterClient:
				wsc := (*wsClient)(n)
				clients[wsc.quit] = wsc
			case *notificationUnregisterClient:
				wsc := (*wsClient)(n)
				// Forget the client and what it asked for.
				delete(blockNotifications, wsc.quit)
				delete(clients, wsc.quit)
			}

		case m.numClients <- len(clients):

		case <-m.quit:
			for _, c := range clients {
				c.Disconnect()
			}
			return
		}
	}
}

// NumClients returns how many clients are connected.
func (m *wsNotificationManager) NumClients() int {
	select {
	case n := <-m.numClients:
		return n
	case <-m.quit:
		return 0
	}
}

func (m *wsNotificationManager) AddClient(c *wsClient) {
	m.queueNotification <- (*notificationRegisterClient)(c)
}

func (m *wsNotificationManager) RemoveClient(c *wsClient) {
	m.queueNotification <- (*notificationUnregisterClient)(c)
}

// handleCommand runs one line a client sent.
func (m *wsNotificationManager) handleCommand(c *wsClient, line string) {
	switch strings.TrimSpace(line) {
	case "notifyblocks":
		m.queueNotification <- (*notificationRegisterBlocks)(c)
	case "stopnotifyblocks":
		m.queueNotification <- (*notificationUnregisterBlocks)(c)
	case "notifywinningtickets":
		m.queueNotification <- (*notificationRegisterWinning)(c)
	case "stopnotifywinningtickets":
		m.queueNotification <- (*notificationUnregisterWinning)(c)
	case "notifystakedifficulty":
		m.queueNotification <- (*notificationRegisterStakeDiff)(c)
	case "stopnotifystakedifficulty":
		m.queueNotification <- (*notificationUnregisterStakeDiff)(c)
	case "getconnectioncount":
		c.queue(fmt.Sprint(m.NumClients()))
	default:
		c.queue("unknown command")
	}
}

// serveClient registers a connection, reads its commands until it goes
// away, then removes it.
func (m *wsNotificationManager) serveClient(conn net.Conn) {
	c := newWsClient(conn)
	m.AddClient(c)
	go c.outHandler()
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		m.handleCommand(c, sc.Text())
	}
	c.Disconnect()
	m.RemoveClient(c)
	log.Printf("client %s disconnected", c.addr)
}
