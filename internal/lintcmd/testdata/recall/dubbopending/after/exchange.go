// Package remoting reproduces, in its own words, the pending-response leak
// fixed in dubbo-go: https://github.com/apache/dubbo-go/pull/3440 (commit
// 4879a3c4111cd30f60116baa9607aafc6daabf42; before/ is the code before
// the fix, after/ as fixed). A request registers its pending response
// before it is sent; only a response removes it, so a send that fails
// leaves it behind.
package remoting

import (
	"errors"
	"net"
	"sync"
	"time"
)

type SequenceType int64

type PendingResponse struct {
	seq  int64
	Done chan struct{}
}

var pendingResponses sync.Map

func AddPendingResponse(pr *PendingResponse) {
	pendingResponses.Store(SequenceType(pr.seq), pr)
}

func removePendingResponse(seq SequenceType) *PendingResponse {
	v, ok := pendingResponses.LoadAndDelete(seq)
	if !ok {
		return nil
	}
	return v.(*PendingResponse)
}

type Response struct{ ID int64 }

// Handle completes the request a response answers.
func (r *Response) Handle() {
	if pr := removePendingResponse(SequenceType(r.ID)); pr != nil {
		close(pr.Done)
	}
}

type Client interface {
	Request(id int64, timeout time.Duration) error
}

type ExchangeClient struct {
	conn   net.Conn
	client Client
	nextID int64
}

func (c *ExchangeClient) Request(timeout time.Duration) error {
	c.nextID++
	rsp := &PendingResponse{seq: c.nextID, Done: make(chan struct{})}
	AddPendingResponse(rsp)
	if err := c.client.Request(rsp.seq, timeout); err != nil {
		removePendingResponse(SequenceType(rsp.seq))
		return err
	}
	select {
	case <-rsp.Done:
		return nil
	case <-time.After(timeout):
		removePendingResponse(SequenceType(rsp.seq))
		return errors.New("timeout")
	}
}
