// Command wfe serves certificate requests and forwards them over the RPC
// clients of boulderpending.
package main

import (
	"io"
	"net"
	"net/http"

	afterrpc "recall/heldout/boulderpending/after/rpc"
	beforerpc "recall/heldout/boulderpending/before/rpc"
)

func main() {
	bconn, err := net.Dial("tcp", "broker:5672")
	if err != nil {
		return
	}
	aconn, err := net.Dial("tcp", "broker:5672")
	if err != nil {
		return
	}
	b := beforerpc.NewClient(bconn)
	a := afterrpc.NewClient(aconn)
	serve := func(call func(string, []byte) ([]byte, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			reply, err := call("NewRegistration", body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			w.Write(reply)
		}
	}
	http.HandleFunc("/before/new-reg", serve(b.DispatchSync))
	http.HandleFunc("/after/new-reg", serve(a.DispatchSync))
	http.ListenAndServe(":0", nil)
}
