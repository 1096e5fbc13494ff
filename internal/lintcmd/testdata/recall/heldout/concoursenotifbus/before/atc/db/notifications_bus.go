// Package db is the ATC's database layer: builds, their events, and the
// bus that carries the database's notifications to the goroutines waiting
// for them.
//
// Reproduces, in our own words, the shape of concourse/concourse before
// https://github.com/concourse/concourse/pull/7120 (commit 173bc4550, "fix
// memory leak in notification bus", issue #7022): the notifications bus
// kept, per channel, the set of listeners' notify channels; unregistering
// the last listener of a channel emptied its set but left the channel's
// entry, and channels are made per build (build_events_<id>,
// build_abort_<id>), so every build ever watched left one behind. The fix
// deletes the channel once its set is empty. PostgreSQL's LISTEN/NOTIFY is
// replaced by a Listener in the process (local.go).
package db

import "sync"

// Listener subscribes to the database's notification channels.
type Listener interface {
	Close() error
	Listen(channel string) error
	Unlisten(channel string) error
	NotificationChannel() <-chan *Notification
}

// Notification is one notification; nil on the channel means the
// connection to the database was re-established.
type Notification struct {
	Channel string
}

// Executor runs statements.
type Executor interface {
	Exec(statement string) error
}

// NotificationsBus hands notifications to the listeners of each channel.
type NotificationsBus interface {
	Notify(channel string) error
	Listen(channel string) (chan bool, error)
	Unlisten(channel string, notify chan bool) error
	Close() error
}

type notificationsBus struct {
	sync.Mutex

	listener Listener
	executor Executor

	notifications *notificationsMap
}

// NewNotificationsBus returns a bus over listener and starts delivering.
func NewNotificationsBus(listener Listener, executor Executor) NotificationsBus {
	bus := &notificationsBus{
		listener:      listener,
		executor:      executor,
		notifications: newNotificationsMap(),
	}
	go bus.wait()
	return bus
}

func (bus *notificationsBus) Close() error {
	return bus.listener.Close()
}

func (bus *notificationsBus) Notify(channel string) error {
	return bus.executor.Exec("NOTIFY " + channel)
}

func (bus *notificationsBus) Listen(channel string) (chan bool, error) {
	bus.Lock()
	defer bus.Unlock()
	if bus.notifications.empty(channel) {
		if err := bus.listener.Listen(channel); err != nil {
			return nil, err
		}
	}
	notify := make(chan bool, 1)
	bus.notifications.register(channel, notify)
	return notify, nil
}

func (bus *notificationsBus) Unlisten(channel string, notify chan bool) error {
	bus.Lock()
	defer bus.Unlock()
	bus.notifications.unregister(channel, notify)
	if bus.notifications.empty(channel) {
		return bus.listener.Unlisten(channel)
	}
	return nil
}

func (bus *notificationsBus) wait() {
	for notification := range bus.listener.NotificationChannel() {
		if notification != nil {
			bus.handleNotification(notification)
		} else {
			bus.handleReconnect()
		}
	}
}

// handleNotification tells the channel's listeners, without blocking.
func (bus *notificationsBus) handleNotification(notification *Notification) {
	bus.notifications.eachForChannel(notification.Channel, func(sink chan bool) {
		select {
		case sink <- true:
		default:
			// One is already queued.
		}
	})
}

// handleReconnect tells every listener that notifications may have been
// missed.
func (bus *notificationsBus) handleReconnect() {
	bus.notifications.each(func(sink chan bool) {
		select {
		case sink <- false:
		default:
		}
	})
}

func newNotificationsMap() *notificationsMap {
	return &notificationsMap{notifications: map[string]map[chan bool]struct{}{}}
}

type notificationsMap struct {
	sync.RWMutex

	notifications map[string]map[chan bool]struct{}
}

func (m *notificationsMap) empty(channel string) bool {
	m.RLock()
	defer m.RUnlock()
	return len(m.notifications[channel]) == 0
}

func (m *notificationsMap) register(channel string, notify chan bool) {
	m.Lock()
	defer m.Unlock()
	sinks, found := m.notifications[channel]
	if !found {
		sinks = map[chan bool]struct{}{}
		m.notifications[channel] = sinks // want growonly "."
	}
	sinks[notify] = struct{}{}
}

func (m *notificationsMap) unregister(channel string, notify chan bool) {
	m.Lock()
	defer m.Unlock()
	delete(m.notifications[channel], notify)
}

func (m *notificationsMap) each(f func(chan bool)) {
	m.RLock()
	defer m.RUnlock()
	for _, sinks := range m.notifications {
		for sink := range sinks {
			f(sink)
		}
	}
}

func (m *notificationsMap) eachForChannel(channel string, f func(chan bool)) {
	m.RLock()
	defer m.RUnlock()
	for sink := range m.notifications[channel] {
		f(sink)
	}
}
