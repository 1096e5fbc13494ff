// Package logrus reproduces, in its own words, the pooled entries fixed in
// logrus: https://github.com/sirupsen/logrus/pull/796 (issue #795, commit
// 179037fcd41cd279507e65aeebb32b0af35958fc; before/ is the code before the
// fix, after/ as fixed). Hooks add fields to an entry's Data map, and the
// entry went back to the pool with them.
package logrus

import (
	"io"
	"sync"
)

type Fields map[string]any

type Entry struct {
	Logger  *Logger
	Data    Fields
	Message string
}

type Hook interface{ Fire(*Entry) error }

type Logger struct {
	Out       io.Writer
	Hooks     []Hook
	entryPool sync.Pool
}

func NewEntry(l *Logger) *Entry {
	return &Entry{Logger: l, Data: make(Fields, 6)}
}

func (logger *Logger) newEntry() *Entry {
	if e, ok := logger.entryPool.Get().(*Entry); ok {
		return e
	}
	return NewEntry(logger)
}

func (logger *Logger) releaseEntry(entry *Entry) {
	logger.entryPool.Put(entry) // want poolmap "pooled \*Entry keeps the entries of its map field Data"
}

// Info logs a message, letting every hook decorate the entry.
func (logger *Logger) Info(msg string) {
	e := logger.newEntry()
	e.Message = msg
	for _, h := range logger.Hooks {
		_ = h.Fire(e)
	}
	_, _ = io.WriteString(logger.Out, e.Message+"\n")
	logger.releaseEntry(e)
}

// WithField returns a new entry with one more field.
func (e *Entry) WithField(k string, v any) *Entry {
	data := make(Fields, len(e.Data)+1)
	for dk, dv := range e.Data {
		data[dk] = dv
	}
	data[k] = v
	return &Entry{Logger: e.Logger, Data: data}
}
