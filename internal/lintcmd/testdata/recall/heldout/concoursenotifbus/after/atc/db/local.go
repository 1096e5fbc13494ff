package db

import (
	"errors"
	"strings"
	"sync"
)

// LocalListener delivers the NOTIFY statements its executor runs to its
// own listened channels, in the process, in place of PostgreSQL.
type LocalListener struct {
	mu     sync.Mutex
	listen map[string]bool
	ch     chan *Notification
	closed bool
}

// NewLocalListener returns a listener and the executor that feeds it.
func NewLocalListener() (*LocalListener, Executor) {
	l := &LocalListener{listen: map[string]bool{}, ch: make(chan *Notification, 100)}
	return l, localExecutor{l}
}

func (l *LocalListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.ch)
	}
	return nil
}

func (l *LocalListener) Listen(channel string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.listen[channel] = true
	return nil
}

func (l *LocalListener) Unlisten(channel string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.listen, channel)
	return nil
}

func (l *LocalListener) NotificationChannel() <-chan *Notification { return l.ch }

type localExecutor struct{ l *LocalListener }

func (e localExecutor) Exec(statement string) error {
	channel, ok := strings.CutPrefix(statement, "NOTIFY ")
	if !ok {
		return errors.New("only NOTIFY is supported")
	}
	e.l.mu.Lock()
	defer e.l.mu.Unlock()
	if e.l.closed || !e.l.listen[channel] {
		return nil
	}
	select {
	case e.l.ch <- &Notification{Channel: channel}:
	default:
		// The bus is behind; a listener will catch up on its next wake.
	}
	return nil
}
