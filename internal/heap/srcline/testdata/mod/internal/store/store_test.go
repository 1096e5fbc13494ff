package store

import "testing"

func TestPut(t *testing.T) {
	s := New()
	s.sessions["a"] = &Session{} // want: mapassign "s.sessions" "map[string]*Session"; alloc "&Session{}" "*Session"
}
