// Package paho is an MQTT v5 client. Here a packet is one JSON object per
// line on the connection, with the fields the rpc extension uses.
package paho

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
)

// PublishProperties are the MQTT v5 properties of a PUBLISH.
type PublishProperties struct {
	CorrelationData []byte `json:"correlation_data,omitempty"`
	ResponseTopic   string `json:"response_topic,omitempty"`
}

// Publish is a PUBLISH packet.
type Publish struct {
	Topic      string             `json:"topic"`
	QoS        byte               `json:"qos"`
	Retain     bool               `json:"retain"`
	Payload    []byte             `json:"payload"`
	Properties *PublishProperties `json:"properties,omitempty"`
}

// SubscribeOptions is one topic filter of a SUBSCRIBE.
type SubscribeOptions struct {
	Topic string `json:"topic"`
	QoS   byte   `json:"qos"`
}

// Subscribe is a SUBSCRIBE packet.
type Subscribe struct {
	Subscriptions []SubscribeOptions `json:"subscriptions"`
}

// PublishReceived is handed to the callbacks for each incoming PUBLISH.
type PublishReceived struct {
	Packet *Publish
	Client *Client
}

type packet struct {
	Kind      string     `json:"kind"`
	Publish   *Publish   `json:"publish,omitempty"`
	Subscribe *Subscribe `json:"subscribe,omitempty"`
}

// Client is a connected MQTT client.
type Client struct {
	clientID string
	conn     net.Conn

	wmu sync.Mutex
	enc *json.Encoder

	cbMu      sync.Mutex
	callbacks []func(PublishReceived) (bool, error)
}

// Connect dials the broker and starts reading.
func Connect(ctx context.Context, addr, clientID string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &Client{clientID: clientID, conn: conn, enc: json.NewEncoder(conn)}
	if err := c.enc.Encode(map[string]string{"kind": "connect", "client_id": clientID}); err != nil {
		conn.Close()
		return nil, err
	}
	go c.readLoop()
	return c, nil
}

// ClientID returns the client identifier.
func (c *Client) ClientID() string { return c.clientID }

// AddOnPublishReceived adds a callback for incoming PUBLISH packets; a
// callback returns true when it handled the packet.
func (c *Client) AddOnPublishReceived(f func(PublishReceived) (bool, error)) {
	c.cbMu.Lock()
	defer c.cbMu.Unlock()
	c.callbacks = append(c.callbacks, f)
}

// Publish sends a PUBLISH.
func (c *Client) Publish(ctx context.Context, p *Publish) (struct{}, error) {
	if err := ctx.Err(); err != nil {
		return struct{}{}, err
	}
	return struct{}{}, c.send(packet{Kind: "publish", Publish: p})
}

// Subscribe sends a SUBSCRIBE.
func (c *Client) Subscribe(ctx context.Context, s *Subscribe) (struct{}, error) {
	if err := ctx.Err(); err != nil {
		return struct{}{}, err
	}
	return struct{}{}, c.send(packet{Kind: "subscribe", Subscribe: s})
}

// Disconnect closes the connection.
func (c *Client) Disconnect() error { return c.conn.Close() }

func (c *Client) send(p packet) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.enc.Encode(p)
}

func (c *Client) readLoop() {
	sc := bufio.NewScanner(c.conn)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var p packet
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil || p.Kind != "publish" || p.Publish == nil {
			continue
		}
		c.cbMu.Lock()
		cbs := append([]func(PublishReceived) (bool, error)(nil), c.callbacks...)
		c.cbMu.Unlock()
		for _, cb := range cbs {
			if handled, _ := cb(PublishReceived{Packet: p.Publish, Client: c}); handled {
				break
			}
		}
	}
}

// ErrClosed is returned once the client is disconnected.
var ErrClosed = errors.New("paho: client closed")
