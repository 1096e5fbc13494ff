// Command kubelet runs the populators of k8sprocessedpods.
package main

import (
	"net"

	_ "recall/k8sprocessedpods/after"
	_ "recall/k8sprocessedpods/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	l.Close()
}
