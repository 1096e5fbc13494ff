// Package streams is library code whose handlers take the request
// contexts of web frameworks and gRPC server streams: what those bring
// is request data, as an *http.Request's is.
package streams

import (
	"context"
	"sync"

	"github.com/gin-gonic/gin"
)

type service struct {
	mu     sync.Mutex
	users  map[string]int
	topics map[string]int
	names  map[string]int
}

var svc = &service{users: map[string]int{}, topics: map[string]int{}, names: map[string]int{}}

// A gin handler: the path parameter came with the request.
func Visit(c *gin.Context) { svc.count(c.Param("user")) }

func (s *service) count(user string) {
	s.mu.Lock()
	s.users[user]++ // want `map field service.users only grows`
	s.mu.Unlock()
}

// ServerStream has the methods of a gRPC server stream.
type ServerStream interface {
	SetHeader(md map[string][]string) error
	SendMsg(m any) error
	RecvMsg(m any) error
	Context() context.Context
}

type SubscribeRequest struct{ Topic string }

// A streaming RPC's handler: its request and stream came with the call.
func Subscribe(req *SubscribeRequest, stream ServerStream) error {
	svc.subscribe(req.Topic)
	return nil
}

func (s *service) subscribe(topic string) {
	s.mu.Lock()
	s.topics[topic]++ // want `map field service.topics only grows`
	s.mu.Unlock()
}

// Near miss: a caller's key from code that serves nothing.
func Register(name string) { svc.register(name) }

func (s *service) register(name string) {
	s.mu.Lock()
	s.names[name]++
	s.mu.Unlock()
}
