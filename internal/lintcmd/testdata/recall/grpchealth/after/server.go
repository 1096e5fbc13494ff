// Package health reproduces, in its own words, the watcher leak fixed in
// grpc-go's health server: https://github.com/grpc/grpc-go/pull/9411
// (before/ is the code before the fix, after/ as fixed). A Watch call
// adds its stream under the service name the client sent; the stream is
// removed when the call ends, but the service's entry never is.
package health

import (
	"net"
	"sync"
)

var _ net.Addr

type ServingStatus int

type HealthCheckRequest struct{ Service string }

type WatchServer interface {
	Send(ServingStatus) error
	Done() <-chan struct{}
}

// Server is the health service, usually one per process.
type Server struct {
	mu        sync.RWMutex
	statusMap map[string]ServingStatus
	updates   map[string]map[WatchServer]chan ServingStatus
}

func NewServer() *Server {
	return &Server{
		statusMap: map[string]ServingStatus{"": 1},
		updates:   make(map[string]map[WatchServer]chan ServingStatus),
	}
}

// Watch streams the status of in.Service until the client goes away.
func (s *Server) Watch(in *HealthCheckRequest, stream WatchServer) error {
	service := in.Service
	update := make(chan ServingStatus, 1)
	s.mu.Lock()
	if _, ok := s.updates[service]; !ok {
		s.updates[service] = make(map[WatchServer]chan ServingStatus)
	}
	s.updates[service][stream] = update
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.updates[service], stream)
		if len(s.updates[service]) == 0 {
			delete(s.updates, service)
		}
		s.mu.Unlock()
	}()
	for {
		select {
		case st := <-update:
			if err := stream.Send(st); err != nil {
				return err
			}
		case <-stream.Done():
			return nil
		}
	}
}

// SetServingStatus records a service's status for its watchers.
func (s *Server) SetServingStatus(service string, st ServingStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statusMap[service] = st
	for _, ch := range s.updates[service] {
		select {
		case ch <- st:
		default:
		}
	}
}
