package fetch

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// pprofServer is a program that serves net/http/pprof at the address in
// its first argument and prints the address it listens at.
const pprofServer = `package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
)

var keep = map[int][]byte{}

func main() {
	l, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := range 1000 {
		keep[i] = make([]byte, 1024)
	}
	fmt.Println(l.Addr())
	http.Serve(l, nil)
}
`

// startServer runs exe listening at addr and returns the address it
// listens at.
func startServer(t *testing.T, exe, addr string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(exe, addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Wait()
		t.Fatalf("%s did not start: %v\n%s", exe, err, stderr.String())
	}
	return cmd, strings.TrimSpace(line)
}

// TestProcess fetches profiles from a separate program serving
// net/http/pprof, sees it refuse connections once killed, and fetches
// again once it is back.
func TestProcess(t *testing.T) {
	exe := heaptest.WriteProgram(t, "module pprofserver\n\ngo 1.22\n", "", pprofServer).Build(t, "", "", nil)
	cmd, addr := startServer(t, exe, "127.0.0.1:0")
	url := "http://" + addr
	ctx := t.Context()
	heapOpt := Options{DefaultPath: "/debug/pprof/heap", GC: true, Timeout: 10 * time.Second}

	data, src, err := Open(ctx, url, heapOpt)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != url+"/debug/pprof/heap" {
		t.Errorf("Source.Name = %q", src.Name)
	}
	if _, err := heapprof.Parse(data); err != nil {
		t.Fatalf("heap profile from %s: %v", src.Name, err)
	}

	// A CPU profile over a second: the timeout grows by the duration, and
	// telling a CPU profile from a heap profile is the parser's job.
	cpuOpt := Options{DefaultPath: "/debug/pprof/profile", Seconds: 1, Timeout: 2 * time.Second}
	data, _, err = Open(ctx, url, cpuOpt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := heapprof.Parse(data); err == nil || !strings.Contains(err.Error(), "a CPU profile") {
		t.Errorf("heapprof.Parse of a CPU profile: %v", err)
	}

	cmd.Process.Kill()
	cmd.Wait()
	_, _, err = Open(ctx, url, heapOpt)
	wantInputError(t, err, url+"/debug/pprof/heap", "connection refused (is the program running")

	_, addr2 := startServer(t, exe, addr)
	if addr2 != addr {
		t.Fatalf("restarted at %s, not %s", addr2, addr)
	}
	data, _, err = Open(ctx, url, heapOpt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := heapprof.Parse(data); err != nil {
		t.Fatal(err)
	}
}
