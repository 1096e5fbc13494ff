// Command worker proxies client connections for the sessions of
// boundaryconninfo, asking a controller to authorize each one.
package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/rpc"
	"strings"
	"time"

	aftersession "recall/heldout/boundaryconninfo/after/session"
	beforesession "recall/heldout/boundaryconninfo/before/session"
)

// controller calls the controller's API over net/rpc.
type controller struct{ c *rpc.Client }

type authorizeReply struct {
	ConnID string
	Status int
	Left   int32
}

func (c controller) authorize(ctx context.Context, sessionID, workerID string) (authorizeReply, error) {
	var r authorizeReply
	err := c.c.Call("Sessions.AuthorizeConnection", [2]string{sessionID, workerID}, &r)
	return r, err
}

func (c controller) closeConns(ctx context.Context, ids []string) (map[string]int, error) {
	var r map[string]int
	err := c.c.Call("Sessions.CloseConnections", ids, &r)
	return r, err
}

type beforeController struct{ controller }

func (c beforeController) AuthorizeConnection(ctx context.Context, sessionID, workerID string) (string, beforesession.ConnStatus, int32, error) {
	r, err := c.authorize(ctx, sessionID, workerID)
	return r.ConnID, beforesession.ConnStatus(r.Status), r.Left, err
}

func (c beforeController) CloseConnections(ctx context.Context, ids []string) (map[string]beforesession.ConnStatus, error) {
	r, err := c.closeConns(ctx, ids)
	out := make(map[string]beforesession.ConnStatus, len(r))
	for k, v := range r {
		out[k] = beforesession.ConnStatus(v)
	}
	return out, err
}

type afterController struct{ controller }

func (c afterController) AuthorizeConnection(ctx context.Context, sessionID, workerID string) (string, aftersession.ConnStatus, int32, error) {
	r, err := c.authorize(ctx, sessionID, workerID)
	return r.ConnID, aftersession.ConnStatus(r.Status), r.Left, err
}

func (c afterController) CloseConnections(ctx context.Context, ids []string) (map[string]aftersession.ConnStatus, error) {
	r, err := c.closeConns(ctx, ids)
	out := make(map[string]aftersession.ConnStatus, len(r))
	for k, v := range r {
		out[k] = aftersession.ConnStatus(v)
	}
	return out, err
}

const workerID = "w_1"

// proxy copies between the client and the target until either side ends
// or ctx is cancelled.
func proxy(ctx context.Context, client net.Conn, target string) {
	upstream, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer upstream.Close()
	go func() {
		<-ctx.Done()
		client.Close()
		upstream.Close()
	}()
	go io.Copy(upstream, client)
	io.Copy(client, upstream)
}

func serve(ln net.Listener, handle func(ctx context.Context, conn net.Conn, sessionID string)) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				return
			}
			handle(context.Background(), conn, strings.TrimSpace(line))
		}()
	}
}

func main() {
	rc, err := rpc.Dial("tcp", "controller:9201")
	if err != nil {
		return
	}
	bc := beforeController{controller{rc}}
	ac := afterController{controller{rc}}
	bm := beforesession.NewManager(bc)
	am := aftersession.NewManager(ac)
	go func() {
		for now := range time.Tick(time.Minute) {
			bm.RemoveExpired(now)
			am.RemoveExpired(now)
		}
	}()

	bl, err := net.Listen("tcp", ":9202")
	if err != nil {
		return
	}
	al, err := net.Listen("tcp", ":9203")
	if err != nil {
		return
	}
	go serve(bl, func(ctx context.Context, conn net.Conn, sessionID string) {
		s := bm.LoadOrCreate(sessionID, time.Now().Add(8*time.Hour))
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		connID, _, err := s.RequestAuthorizeConnection(ctx, workerID, cancel)
		if err != nil {
			return
		}
		proxy(ctx, conn, "target:22")
		beforesession.CloseConnections(context.Background(), bc, bm, map[string]string{connID: sessionID})
	})
	serve(al, func(ctx context.Context, conn net.Conn, sessionID string) {
		s := am.LoadOrCreate(sessionID, time.Now().Add(8*time.Hour))
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		connID, _, err := s.RequestAuthorizeConnection(ctx, workerID, cancel)
		if err != nil {
			return
		}
		proxy(ctx, conn, "target:22")
		aftersession.CloseConnections(context.Background(), ac, am, map[string]string{connID: sessionID})
	})
}
