// Package pulsar reproduces, in its own words, the handler bookkeeping
// of the Apache Pulsar Go client as it was before commit
// 4d788d9935edbd5ac0aa3c87344e5e4208b9ed6e ("[Issue #153] Fix handler
// memory leak", apache/pulsar-client-go PR #154:
// https://github.com/apache/pulsar-client-go/pull/154; before/ is the code
// before the change, after/ as changed). The client records every
// producer and consumer it creates, so that closing the client closes
// them. Closing a producer or consumer did not remove it, so an
// application creating short-lived producers on one long-lived client
// kept every one of them, with its connection state, until the client
// closed. The fix removes each from the client's set when it closes.
package pulsar

import (
	"errors"

	"recall/heldout/pulsarclienthandlers/before/pulsar/internal"
)

// ClientOptions configures a client.
type ClientOptions struct {
	URL string // host:port of the broker
}

// Client creates producers and consumers on one broker.
type Client interface {
	CreateProducer(ProducerOptions) (Producer, error)
	Subscribe(ConsumerOptions) (Consumer, error)
	Close()
}

type client struct {
	url      string
	handlers internal.ClientHandlers
}

// NewClient returns a client of the broker at options.URL.
func NewClient(options ClientOptions) (Client, error) {
	if options.URL == "" {
		return nil, errors.New("URL is required for client")
	}
	return &client{url: options.URL, handlers: internal.NewClientHandlers()}, nil
}

func (c *client) CreateProducer(options ProducerOptions) (Producer, error) {
	producer, err := newProducer(c, &options)
	if err != nil {
		return nil, err
	}
	c.handlers.Add(producer)
	return producer, nil
}

func (c *client) Subscribe(options ConsumerOptions) (Consumer, error) {
	consumer, err := newConsumer(c, options)
	if err != nil {
		return nil, err
	}
	c.handlers.Add(consumer)
	return consumer, nil
}

func (c *client) Close() {
	c.handlers.Close()
}
