// Package srv reproduces, in its own words, the APNs request map leak fixed
// in uniqush-push: https://github.com/uniqush/uniqush-push/issues/25
// (commit 6349f4eab599767476395723d87acc6eb2e97d35; before/ is the code
// before the fix, after/ as fixed). The push worker keeps each sent
// notification under its message ID until APNs answers, but APNs answers
// only on errors, so every notification that went through stayed in the
// worker's map until the connection broke.
package srv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

const maxWaitTime = 5 * time.Second

// PushRequest is one notification for one device, with the channel its
// result is sent on.
type PushRequest struct {
	Token   []byte
	Payload []byte
	Result  chan error
}

type apnsResult struct {
	msgID  uint32
	status uint8
	err    error
}

// APNS pushes notifications to one provider over one connection.
type APNS struct {
	addr string
	reqs chan *PushRequest
}

func NewAPNS(addr string) *APNS {
	s := &APNS{addr: addr, reqs: make(chan *PushRequest)}
	go s.pushWorker()
	return s
}

// Push queues a notification and returns the channel its result comes on.
func (s *APNS) Push(token, payload []byte) chan error {
	req := &PushRequest{Token: token, Payload: payload, Result: make(chan error, 1)}
	s.reqs <- req
	return req.Result
}

func (s *APNS) pushWorker() {
	var conn net.Conn
	results := make(chan *apnsResult)
	reqIDMap := make(map[uint32]*PushRequest)
	var lastID uint32
	for {
		select {
		case req := <-s.reqs:
			if conn == nil {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					req.Result <- err
					close(req.Result)
					continue
				}
				conn = c
				go collectResults(conn, results)
			}
			lastID++
			mid := lastID
			if err := send(conn, mid, req); err != nil {
				req.Result <- err
				close(req.Result)
				continue
			}
			// wait for APNs to answer
			reqIDMap[mid] = req

			// APNs says nothing on success: if no answer came in time,
			// take the notification as sent so that it leaves the map.
			go func() {
				time.Sleep(maxWaitTime - time.Second)
				results <- &apnsResult{msgID: mid, status: 0}
			}()

		case res := <-results:
			if res.err == io.EOF {
				// connection closed by APNs: fail everything in flight
				conn.Close()
				conn = nil
				for _, req := range reqIDMap {
					req.Result <- errors.New("connection closed by remote server")
					close(req.Result)
				}
				reqIDMap = make(map[uint32]*PushRequest)
				continue
			}
			req, ok := reqIDMap[res.msgID]
			if !ok {
				continue
			}
			delete(reqIDMap, res.msgID)
			if res.err != nil {
				req.Result <- res.err
				close(req.Result)
				continue
			}
			go deliver(req, statusError(res.status))
		}
	}
}

func deliver(req *PushRequest, err error) {
	select {
	case req.Result <- err:
	case <-time.After(maxWaitTime + time.Second):
	}
	close(req.Result)
}

func statusError(status uint8) error {
	switch status {
	case 0:
		return nil
	case 8:
		return errors.New("invalid token")
	default:
		return fmt.Errorf("apns error %d", status)
	}
}

func send(conn net.Conn, mid uint32, req *PushRequest) error {
	var hdr [9]byte
	hdr[0] = 1
	binary.BigEndian.PutUint32(hdr[1:5], mid)
	binary.BigEndian.PutUint32(hdr[5:9], uint32(time.Now().Add(time.Hour).Unix()))
	if _, err := conn.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := conn.Write(req.Token); err != nil {
		return err
	}
	_, err := conn.Write(req.Payload)
	return err
}

// collectResults reads the error responses APNs sends back.
func collectResults(conn net.Conn, results chan<- *apnsResult) {
	var buf [6]byte
	for {
		if _, err := io.ReadFull(conn, buf[:]); err != nil {
			results <- &apnsResult{err: err}
			return
		}
		results <- &apnsResult{status: buf[1], msgID: binary.BigEndian.Uint32(buf[2:])}
	}
}
