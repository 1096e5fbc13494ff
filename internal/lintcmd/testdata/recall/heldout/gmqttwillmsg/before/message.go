// Package gmqtt holds the broker's message and session types.
package gmqtt

import "time"

// Message is an application message.
type Message struct {
	Topic   string
	Payload []byte
}

// Copy returns a copy of m.
func (m *Message) Copy() *Message {
	return &Message{Topic: m.Topic, Payload: append([]byte(nil), m.Payload...)}
}

// Session is what the broker keeps of a client across connections.
type Session struct {
	ClientID          string
	Will              *Message
	WillDelayInterval uint32
	ConnectedAt       time.Time
	ExpiryInterval    uint32
}

// IsExpired says whether a session disconnected at disconnectedAt has
// expired at now.
func (s *Session) IsExpired(disconnectedAt, now time.Time) bool {
	return now.After(disconnectedAt.Add(time.Duration(s.ExpiryInterval) * time.Second))
}
