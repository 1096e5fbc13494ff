package pulsar

import (
	"errors"
	"strings"
	"sync"

	"recall/heldout/pulsarclienthandlers/before/pulsar/internal"
)

// ConsumerOptions configures a consumer.
type ConsumerOptions struct {
	Topic            string
	SubscriptionName string
}

// Consumer receives the messages of a subscription.
type Consumer interface {
	Receive() (string, error)
	Close()
}

type consumer struct {
	options ConsumerOptions
	cnx     *internal.Connection
	once    sync.Once
}

func newConsumer(c *client, options ConsumerOptions) (*consumer, error) {
	if options.Topic == "" || options.SubscriptionName == "" {
		return nil, errors.New("topic and subscription name are required")
	}
	cnx, err := internal.Dial(c.url)
	if err != nil {
		return nil, err
	}
	if err := cnx.WriteCommand("SUBSCRIBE %s %s", options.Topic, options.SubscriptionName); err != nil {
		cnx.Close()
		return nil, err
	}
	return &consumer{options: options, cnx: cnx}, nil
}

func (c *consumer) Receive() (string, error) {
	line, err := c.cnx.ReadLine()
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

func (c *consumer) Close() {
	c.once.Do(func() {
		c.cnx.WriteCommand("CLOSE_CONSUMER %s", c.options.SubscriptionName)
		c.cnx.Close()
	})
}
