// Package server reproduces, in its own words, the queue-group
// notification leak fixed in nats-server:
// https://github.com/nats-io/nats-server/pull/2517 (commit
// 8575b334a2d8c14d48dedd8ad068df375d4323d2; before/ is the code before
// the fix, after/ as fixed). Removal notifications are
// kept under "subject queue" and deleted under the bare subject.
package server

import "sync"

type notifyMaps struct {
	insert map[string][]chan<- bool
	remove map[string][]chan<- bool
}

// Sublist lives as long as its account.
type Sublist struct {
	sync.RWMutex
	count  int
	notify *notifyMaps
}

func keyFromSubjectAndQueue(subject, queue string) string {
	return subject + " " + queue
}

func (s *Sublist) addNotify(m map[string][]chan<- bool, key string, ch chan<- bool) {
	m[key] = append(m[key], ch)
}

// RegisterQueueNotification asks for a notification on ch when the queue
// group's last member goes away.
func (s *Sublist) RegisterQueueNotification(subject, queue string, ch chan<- bool) {
	s.Lock()
	defer s.Unlock()
	if s.notify == nil {
		s.notify = &notifyMaps{insert: map[string][]chan<- bool{}, remove: map[string][]chan<- bool{}}
	}
	key := keyFromSubjectAndQueue(subject, queue)
	s.addNotify(s.notify.remove, key, ch)
}

// chkForRemoveNotification moves the waiters of a removed queue group
// over to the insert notifications.
func (s *Sublist) chkForRemoveNotification(subject, queue string) {
	key := keyFromSubjectAndQueue(subject, queue)
	if chs := s.notify.remove[key]; len(chs) > 0 {
		for _, ch := range chs {
			select {
			case ch <- false:
			default:
			}
		}
		s.notify.insert[key] = append(s.notify.insert[key], chs...)
		delete(s.notify.remove, key)
	}
}

// Remove drops a queue subscription.
func (s *Sublist) Remove(subject, queue string) {
	s.Lock()
	defer s.Unlock()
	s.count--
	if s.notify != nil {
		s.chkForRemoveNotification(subject, queue)
	}
}
