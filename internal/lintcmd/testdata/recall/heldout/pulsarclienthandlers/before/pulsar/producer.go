package pulsar

import (
	"errors"
	"sync"

	"recall/heldout/pulsarclienthandlers/before/pulsar/internal"
)

// ProducerOptions configures a producer.
type ProducerOptions struct {
	Topic string
}

// Producer publishes messages on a topic.
type Producer interface {
	Send(payload []byte) error
	Close()
}

type producer struct {
	topic string
	cnx   *internal.Connection
	once  sync.Once
}

func newProducer(c *client, options *ProducerOptions) (*producer, error) {
	if options.Topic == "" {
		return nil, errors.New("topic is required")
	}
	cnx, err := internal.Dial(c.url)
	if err != nil {
		return nil, err
	}
	if err := cnx.WriteCommand("PRODUCER %s", options.Topic); err != nil {
		cnx.Close()
		return nil, err
	}
	return &producer{topic: options.Topic, cnx: cnx}, nil
}

func (p *producer) Send(payload []byte) error {
	return p.cnx.WriteCommand("SEND %s %q", p.topic, payload)
}

func (p *producer) Close() {
	p.once.Do(func() {
		p.cnx.WriteCommand("CLOSE_PRODUCER %s", p.topic)
		p.cnx.Close()
	})
}
