// Command kubelet runs the managers of k8scpumanager.
package main

import (
	"net"

	_ "recall/k8scpumanager/after"
	_ "recall/k8scpumanager/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	l.Close()
}
