// Command filed runs the throttle plugins of filedthrottle on events read
// from the network.
package main

import (
	"bufio"
	"net"
	"time"

	after "recall/heldout/filedthrottle/after"
	before "recall/heldout/filedthrottle/before"
)

func main() {
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		return
	}
	cfg := func() (*after.Config, *before.Config) {
		return &after.Config{ThrottleField: "pod", Limit: 100, Interval: time.Second, LimitersExpiration: time.Hour},
			&before.Config{ThrottleField: "pod", Limit: 100, Interval: time.Second}
	}
	ac, bc := cfg()
	var a after.Plugin
	var b before.Plugin
	a.Start(ac, "k8s")
	b.Start(bc, "k8s")
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			s := bufio.NewScanner(c)
			for s.Scan() {
				ev := &after.Event{Fields: map[string]string{"pod": s.Text()}, Time: time.Now()}
				a.Do(ev)
				b.Do(&before.Event{Fields: ev.Fields, Time: ev.Time})
			}
		}(c)
	}
}
