// Package raft reproduces, in its own words, the read-index leak fixed in
// etcd: https://github.com/etcd-io/etcd/pull/7574 (issue #7571, commit
// f18ae033a7e7b69fb351afb4d2a6a24b7bbd4aa1; before/ is the code before
// the fix, after/ as fixed). Entries are added under the request's first
// entry data and were deleted under its context, which is never set.
package raft

import "net"

var _ net.Addr // a networked consensus library

type Entry struct{ Data []byte }

type Message struct {
	Context []byte
	Entries []Entry
	Index   uint64
}

type readIndexStatus struct {
	req   Message
	index uint64
	acks  map[uint64]bool
}

type readOnly struct {
	pending map[string]*readIndexStatus
	queue   []string
}

func newReadOnly() *readOnly {
	return &readOnly{pending: make(map[string]*readIndexStatus)}
}

func (ro *readOnly) addRequest(index uint64, m Message) {
	ctx := string(m.Entries[0].Data)
	if _, ok := ro.pending[ctx]; ok {
		return
	}
	ro.pending[ctx] = &readIndexStatus{req: m, index: index, acks: map[uint64]bool{}}
	ro.queue = append(ro.queue, ctx)
}

func (ro *readOnly) advance(m Message) []*readIndexStatus {
	ctx := string(m.Context)
	var done []*readIndexStatus
	i := 0
	for _, okctx := range ro.queue {
		i++
		rs := ro.pending[okctx]
		done = append(done, rs)
		if okctx == ctx {
			break
		}
	}
	ro.queue = ro.queue[i:]
	for _, rs := range done {
		delete(ro.pending, string(rs.req.Context)) // want growonly "deletes a key read from Message.Context, but every insertion keys by Message.Entries\[0\].Data"
	}
	return done
}
