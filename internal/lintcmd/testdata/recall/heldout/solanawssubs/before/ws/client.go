// Package ws reproduces, in its own words, the subscription leak of
// solana-go's websocket RPC client fixed in
// https://github.com/solana-foundation/solana-go/pull/228 (commit
// 05e94f2a7f3d34b09edaf1b324fd1457853ef0bf; before/ is the code before the
// fix, after/ as fixed). subscribe registers the new subscription under
// the request's random ID before it writes the request; when the write
// failed it returned the error and left the subscription in the map, with
// no handle for the caller to close it, so every failed subscribe kept a
// subscription (and its channels) for the life of the client. The fix
// deletes the entry on that return.
package ws

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"sync"
	"time"
)

const writeWait = 10 * time.Second

type request struct {
	Version string        `json:"jsonrpc"`
	ID      uint64        `json:"id"`
	Method  string        `json:"method"`
	Params  []interface{} `json:"params,omitempty"`
}

func newRequest(params []interface{}, method string) *request {
	return &request{Version: "2.0", ID: uint64(rand.Int63()), Method: method, Params: params}
}

type message struct {
	ID     *uint64 `json:"id"`
	Result *uint64 `json:"result"`
	Params *struct {
		Subscription uint64          `json:"subscription"`
		Result       json.RawMessage `json:"result"`
	} `json:"params"`
}

// Subscription delivers the notifications of one subscribe call.
type Subscription struct {
	req               *request
	subID             uint64
	unsubscribeMethod string
	stream            chan json.RawMessage
	err               chan error
	closeFunc         func(error)
}

func (s *Subscription) Recv(ctx context.Context) (json.RawMessage, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case m := <-s.stream:
		return m, nil
	case err := <-s.err:
		return nil, err
	}
}

func (s *Subscription) Unsubscribe() { s.closeFunc(fmt.Errorf("unsubscribe")) }

// Client is a connection to a node's websocket RPC endpoint.
type Client struct {
	conn                    net.Conn
	w                       *bufio.Writer
	lock                    sync.RWMutex
	subscriptionByRequestID map[uint64]*Subscription
	subscriptionByWSSubID   map[uint64]*Subscription
	cancel                  context.CancelFunc
}

// Connect dials the endpoint and starts reading notifications.
func Connect(ctx context.Context, addr string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("new ws client: dial: %w", err)
	}
	c := &Client{
		conn:                    conn,
		w:                       bufio.NewWriter(conn),
		subscriptionByRequestID: map[uint64]*Subscription{},
		subscriptionByWSSubID:   map[uint64]*Subscription{},
	}
	var connCtx context.Context
	connCtx, c.cancel = context.WithCancel(context.Background())
	go c.receiveMessages(connCtx)
	return c, nil
}

func (c *Client) Close() {
	c.lock.Lock()
	defer c.lock.Unlock()
	c.cancel()
	c.conn.Close()
}

func (c *Client) receiveMessages(ctx context.Context) {
	sc := bufio.NewScanner(c.conn)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		c.handleMessage(sc.Bytes())
	}
	c.closeAllSubscriptions(fmt.Errorf("connection closed: %v", sc.Err()))
}

func (c *Client) handleMessage(data []byte) {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return
	}
	if m.ID != nil && m.Result != nil {
		c.handleNewSubscriptionMessage(*m.ID, *m.Result)
		return
	}
	if m.Params != nil {
		c.handleSubscriptionMessage(m.Params.Subscription, m.Params.Result)
	}
}

func (c *Client) handleNewSubscriptionMessage(requestID, subID uint64) {
	c.lock.Lock()
	defer c.lock.Unlock()
	sub, ok := c.subscriptionByRequestID[requestID]
	if !ok {
		return
	}
	sub.subID = subID
	c.subscriptionByWSSubID[subID] = sub
}

func (c *Client) handleSubscriptionMessage(subID uint64, result json.RawMessage) {
	c.lock.RLock()
	sub, ok := c.subscriptionByWSSubID[subID]
	c.lock.RUnlock()
	if !ok {
		return
	}
	if len(sub.stream) >= cap(sub.stream) {
		c.closeSubscription(sub.req.ID, fmt.Errorf("reached channel max capacity %d", len(sub.stream)))
		return
	}
	sub.stream <- result
}

func (c *Client) closeAllSubscriptions(err error) {
	c.lock.Lock()
	defer c.lock.Unlock()
	for _, sub := range c.subscriptionByRequestID {
		sub.err <- err
	}
	c.subscriptionByRequestID = map[uint64]*Subscription{}
	c.subscriptionByWSSubID = map[uint64]*Subscription{}
}

func (c *Client) closeSubscription(reqID uint64, err error) {
	c.lock.Lock()
	defer c.lock.Unlock()
	sub, ok := c.subscriptionByRequestID[reqID]
	if !ok {
		return
	}
	sub.err <- err
	c.write(newRequest([]interface{}{sub.subID}, sub.unsubscribeMethod))
	delete(c.subscriptionByRequestID, sub.req.ID)
	delete(c.subscriptionByWSSubID, sub.subID)
}

// write sends one request; the caller holds c.lock.
func (c *Client) write(req *request) error {
	data, err := json.Marshal(req)
	if err != nil {
		return err
	}
	c.conn.SetWriteDeadline(time.Now().Add(writeWait))
	if _, err := c.w.Write(append(data, '\n')); err != nil {
		return err
	}
	return c.w.Flush()
}

func (c *Client) subscribe(params []interface{}, method, unsubscribeMethod string) (*Subscription, error) {
	c.lock.Lock()
	defer c.lock.Unlock()

	req := newRequest(params, method)
	sub := &Subscription{
		req:               req,
		unsubscribeMethod: unsubscribeMethod,
		stream:            make(chan json.RawMessage, 200),
		err:               make(chan error, 1),
	}
	sub.closeFunc = func(err error) { c.closeSubscription(req.ID, err) }

	c.subscriptionByRequestID[req.ID] = sub // want growonly "."

	if err := c.write(req); err != nil {
		return nil, fmt.Errorf("unable to write request: %w", err)
	}
	return sub, nil
}

// AccountSubscribe subscribes to changes of an account.
func (c *Client) AccountSubscribe(account string) (*Subscription, error) {
	return c.subscribe([]interface{}{account}, "accountSubscribe", "accountUnsubscribe")
}

// SlotSubscribe subscribes to slot updates.
func (c *Client) SlotSubscribe() (*Subscription, error) {
	return c.subscribe(nil, "slotSubscribe", "slotUnsubscribe")
}
