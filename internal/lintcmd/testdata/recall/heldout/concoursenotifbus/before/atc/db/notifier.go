package db

import "time"

// Notifier wakes its holder whenever its condition may have become true.
type Notifier interface {
	Notify() <-chan struct{}
	Close() error
}

func newConditionNotifier(bus NotificationsBus, channel string, cond func() (bool, error)) (Notifier, error) {
	notified, err := bus.Listen(channel)
	if err != nil {
		return nil, err
	}
	notifier := &conditionNotifier{
		cond:     cond,
		bus:      bus,
		channel:  channel,
		notified: notified,
		notify:   make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
	go notifier.watch()
	return notifier, nil
}

type conditionNotifier struct {
	cond     func() (bool, error)
	bus      NotificationsBus
	channel  string
	notified chan bool
	notify   chan struct{}
	stop     chan struct{}
}

func (n *conditionNotifier) Notify() <-chan struct{} { return n.notify }

func (n *conditionNotifier) Close() error {
	close(n.stop)
	return n.bus.Unlisten(n.channel, n.notified)
}

func (n *conditionNotifier) watch() {
	for {
		ok, err := n.cond()
		if err != nil {
			select {
			case <-time.After(5 * time.Second):
				continue
			case <-n.stop:
				return
			}
		}
		if ok {
			select {
			case n.notify <- struct{}{}:
			default:
			}
		}
		select {
		case <-n.notified:
		case <-n.stop:
			return
		}
	}
}
