// Package sync reproduces, in its own words, the per-server map left out
// of a clean-up in go-ethereum's beacon light client:
// https://github.com/ethereum/go-ethereum/pull/33483 (commit
// d9aaab13d37af39556e0e2be930baf9f10374a93; before/ is the code before the
// fix, after/ as fixed). When a server unregisters, three per-server maps
// forget it and the fourth kept its entry.
package sync

type Server interface{ Name() string }

type Event struct {
	Server     Server
	Registered bool
	Head       uint64
}

type HeadSync struct {
	serverHeads           map[Server]uint64
	unvalidatedOptimistic map[Server]uint64
	unvalidatedFinality   map[Server]uint64
	reqFinalityEpoch      map[Server]uint64
}

func NewHeadSync() *HeadSync {
	return &HeadSync{
		serverHeads:           make(map[Server]uint64),
		unvalidatedOptimistic: make(map[Server]uint64),
		unvalidatedFinality:   make(map[Server]uint64),
		reqFinalityEpoch:      make(map[Server]uint64),
	}
}

// Process handles the events of the request framework, in a loop that
// runs as long as the client.
func (s *HeadSync) Process(events []Event) {
	for _, event := range events {
		if event.Registered {
			s.serverHeads[event.Server] = event.Head
			s.unvalidatedOptimistic[event.Server] = event.Head
			s.unvalidatedFinality[event.Server] = event.Head
			continue
		}
		delete(s.serverHeads, event.Server)
		delete(s.unvalidatedOptimistic, event.Server)
		delete(s.unvalidatedFinality, event.Server)
		delete(s.reqFinalityEpoch, event.Server)
	}
}

// RequestFinality asks server for the finality update of epoch.
func (s *HeadSync) RequestFinality(server Server, epoch uint64) {
	if s.reqFinalityEpoch[server] >= epoch {
		return
	}
	s.reqFinalityEpoch[server] = epoch
}
