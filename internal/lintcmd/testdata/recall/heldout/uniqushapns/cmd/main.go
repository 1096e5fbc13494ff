// Command uniqush-push serves push requests over HTTP and sends them with
// the APNs workers of uniqushapns.
package main

import (
	"net/http"

	aftersrv "recall/heldout/uniqushapns/after/srv"
	beforesrv "recall/heldout/uniqushapns/before/srv"
)

func main() {
	b := beforesrv.NewAPNS("gateway.push.apple.com:2195")
	a := aftersrv.NewAPNS("gateway.push.apple.com:2195")
	push := func(send func(token, payload []byte) chan error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			err := <-send([]byte(r.FormValue("token")), []byte(r.FormValue("msg")))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}
	}
	http.HandleFunc("/before/push", push(b.Push))
	http.HandleFunc("/after/push", push(a.Push))
	http.ListenAndServe(":0", nil)
}
