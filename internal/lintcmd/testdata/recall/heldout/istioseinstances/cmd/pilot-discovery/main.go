// Command pilot-discovery runs the service entry registry of
// istioseinstances: it reads pod events, one JSON object per line, from
// connections on PILOT_EVENTS_ADDR (in place of the Kubernetes watch
// upstream's controller runs), and serves a service entry's endpoints on
// PILOT_HTTP_ADDR at /debug/endpoints?namespace=&name=. The registry
// starts with one service entry, default/web, selecting app=web.
// PILOT_FIXED=1 runs the after/ form.
package main

import (
	"bufio"
	"encoding/json"
	"log"
	"net"
	"net/http"
	"os"

	aftermodel "recall/heldout/istioseinstances/after/model"
	afterse "recall/heldout/istioseinstances/after/serviceentry"
	beforemodel "recall/heldout/istioseinstances/before/model"
	beforese "recall/heldout/istioseinstances/before/serviceentry"
)

type podEvent struct {
	Event     string            `json:"event"`
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Address   string            `json:"address"`
	Labels    map[string]string `json:"labels"`
}

func main() {
	fixed := os.Getenv("PILOT_FIXED") == "1"
	noop := func([]*beforemodel.ServiceInstance) {}
	before := beforese.NewServiceEntryStore(noop)
	after := afterse.NewServiceEntryStore(func([]*aftermodel.ServiceInstance) {})
	before.ServiceEntryHandler(&beforemodel.ServiceEntry{Name: "web", Namespace: "default", Hosts: []string{"web.example"}, Port: 80, Selector: map[string]string{"app": "web"}}, beforemodel.EventAdd)
	after.ServiceEntryHandler(&aftermodel.ServiceEntry{Name: "web", Namespace: "default", Hosts: []string{"web.example"}, Port: 80, Selector: map[string]string{"app": "web"}}, aftermodel.EventAdd)

	ln, err := net.Listen("tcp", os.Getenv("PILOT_EVENTS_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				log.Fatal(err)
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					var ev podEvent
					if json.Unmarshal(sc.Bytes(), &ev) != nil {
						return
					}
					if fixed {
						e := aftermodel.EventUpdate
						if ev.Event == "delete" {
							e = aftermodel.EventDelete
						}
						after.WorkloadInstanceHandler(&aftermodel.WorkloadInstance{Name: ev.Name, Namespace: ev.Namespace,
							Endpoint: &aftermodel.Endpoint{Address: ev.Address, Labels: ev.Labels}}, e)
						continue
					}
					e := beforemodel.EventUpdate
					if ev.Event == "delete" {
						e = beforemodel.EventDelete
					}
					before.WorkloadInstanceHandler(&beforemodel.WorkloadInstance{Name: ev.Name, Namespace: ev.Namespace,
						Endpoint: &beforemodel.Endpoint{Address: ev.Address, Labels: ev.Labels}}, e)
				}
			}()
		}
	}()

	http.HandleFunc("/debug/endpoints", func(w http.ResponseWriter, r *http.Request) {
		ns, name := r.URL.Query().Get("namespace"), r.URL.Query().Get("name")
		if fixed {
			json.NewEncoder(w).Encode(after.Endpoints(aftermodel.NamespacedName{Namespace: ns, Name: name}))
			return
		}
		json.NewEncoder(w).Encode(before.Endpoints(beforemodel.NamespacedName{Namespace: ns, Name: name}))
	})
	log.Fatal(http.ListenAndServe(os.Getenv("PILOT_HTTP_ADDR"), nil))
}
