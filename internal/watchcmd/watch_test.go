package watchcmd

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mapscope/mapscope/examples"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
	"github.com/mapscope/mapscope/internal/snapshot"
	"github.com/mapscope/mapscope/internal/trendcmd"
)

// syncBuffer collects progress output written while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// buildCatalog builds the demo's example service from its embedded source.
func buildCatalog(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(examples.Catalog, "catalog", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := examples.Catalog.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/catalog\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return heaptest.Program{Dir: dir, Pkg: "."}.Build(t, "", "", nil)
}

// freePort returns a port on 127.0.0.1 nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startService runs the example service on port and waits until it
// answers.
func startService(t *testing.T, exe string, port int) *exec.Cmd {
	t.Helper()
	c := exec.Command(exe, "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-load", "800", "-products", "20000")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return c
		}
	}
	t.Fatal("the service did not start")
	return nil
}

// The service is killed mid-watch and started again on the same port:
// watch says it cannot reach it, backs off, goes on, and splits the
// series where the program restarted.
func TestWatchServiceRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a service twice")
	}
	exe := buildCatalog(t)
	port := freePort(t)
	svc := startService(t, exe, port)
	var out syncBuffer
	w := &Watch{
		Target: fmt.Sprintf("http://127.0.0.1:%d", port), Dir: t.TempDir(),
		Interval: 300 * time.Millisecond, Duration: 9 * time.Second, Timeout: 2 * time.Second,
		GC: true, Out: &out,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(3 * time.Second)
		svc.Process.Kill()
		svc.Wait()
		time.Sleep(1500 * time.Millisecond)
		startService(t, exe, port)
	}()
	rep, err := w.Run(context.Background())
	<-done
	if err != nil {
		t.Fatalf("watch: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "refused") || !strings.Contains(out.String(), "trying again in") {
		t.Errorf("progress does not say the service went away and watch retried:\n%s", out.String())
	}
	if len(rep.Segments) < 2 {
		t.Fatalf("%d segments, want the restart to split the series; progress:\n%s", len(rep.Segments), out.String())
	}
	if c := rep.Segments[len(rep.Segments)-1].Cause; !strings.Contains(c, "restart") {
		t.Errorf("last segment's cause %q does not name a restart", c)
	}
}

// A service that answers garbage, a truncated profile, an HTML page or
// nothing in time: each is reported, none is kept as a snapshot, and the
// good answers around them are.
func TestWatchBadAnswers(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(heaptest.OutDir(), "go1.26-default", "heap.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 5 {
		case 1:
			served.Add(1)
			w.Write(good)
		case 2:
			w.Write([]byte("this is not a profile"))
		case 3:
			w.Write(good[:len(good)/2])
		case 4:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>sign in</body></html>"))
		case 0:
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	defer srv.Close()
	var out syncBuffer
	dir := t.TempDir()
	w := &Watch{
		Target: srv.URL, Dir: dir, Interval: 50 * time.Millisecond, Duration: 6 * time.Second,
		Timeout: 300 * time.Millisecond, GC: true, Out: &out,
	}
	rep, err := w.Run(context.Background())
	if err != nil {
		t.Fatalf("watch: %v\n%s", err, out.String())
	}
	for _, want := range []string{"not with a heap profile", "truncated", "HTML", "no answer within"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress does not report %q:\n%s", want, out.String())
		}
	}
	st, err := snapshot.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries := st.List()
	if len(entries) == 0 || int64(len(entries)) > served.Load() {
		t.Errorf("%d snapshots kept, %d good answers served", len(entries), served.Load())
	}
	for _, e := range entries {
		data, err := e.Read()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := heapprof.Parse(data); err != nil {
			t.Errorf("%s was kept but is not a heap profile: %v", e.File, err)
		}
	}
	if rep.Snapshots != len(entries) {
		t.Errorf("report over %d snapshots, %d kept", rep.Snapshots, len(entries))
	}
}

// A watch killed with SIGKILL loses at most the snapshot in flight: what
// it kept reads back whole, and a new watch on the directory goes on with
// the series.
func TestWatchKilledAndResumed(t *testing.T) {
	if os.Getenv("MAPSCOPE_WATCH_CHILD") != "" {
		watchChild()
		return
	}
	if testing.Short() {
		t.Skip("kills a watch process")
	}
	good, err := os.ReadFile(filepath.Join(heaptest.OutDir(), "go1.26-default", "heap.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(good) }))
	defer srv.Close()
	dir := t.TempDir()
	total := 0
	for round := 0; round < 5; round++ {
		child := exec.Command(os.Args[0], "-test.run=^TestWatchKilledAndResumed$")
		child.Env = append(os.Environ(), "MAPSCOPE_WATCH_CHILD="+dir+" "+srv.URL)
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		// The kill is meant to land while the watch writes snapshots:
		// wait for its store to exist first (a loaded machine can take
		// longer than the sleep below just to start the child).
		waitForFile(t, filepath.Join(dir, "index.jsonl"), 60*time.Second)
		time.Sleep(time.Duration(400+150*round) * time.Millisecond)
		child.Process.Signal(syscall.SIGKILL)
		child.Wait()

		st, err := snapshot.OpenReadOnly(dir)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		entries := st.List()
		if skipped := st.Skipped(); len(skipped) > 0 {
			t.Errorf("round %d: a killed watch left damaged snapshots: %v", round, skipped)
		}
		st.Close()
		for i, e := range entries {
			if e.Seq != i+1 {
				t.Errorf("round %d: snapshot %d has number %d: the series has a hole", round, i+1, e.Seq)
			}
			data, err := e.Read()
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if _, err := heapprof.Parse(data); err != nil {
				t.Errorf("round %d: %s is not a whole profile: %v", round, e.File, err)
			}
		}
		if len(entries) < total {
			t.Fatalf("round %d: %d snapshots, fewer than the %d kept before", round, len(entries), total)
		}
		total = len(entries)
	}
	if total == 0 {
		t.Fatal("no snapshot kept in five rounds")
	}
	// A new watch goes on with the series.
	var out syncBuffer
	w := &Watch{Target: srv.URL, Dir: dir, Interval: 50 * time.Millisecond, Duration: 500 * time.Millisecond, Timeout: time.Second, Out: &out}
	rep, err := w.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A kill that landed after a profile was written and before it was
	// indexed leaves a snapshot the read-only store does not list; the
	// new watch adopts it and says so, one line each.
	kept := total + strings.Count(out.String(), "written but not indexed when the last run stopped")
	if !strings.Contains(out.String(), fmt.Sprintf("going on with the %d snapshots", kept)) || rep.Snapshots <= kept {
		t.Errorf("the new watch took %d snapshots in all after %d (%d listed, the rest adopted); progress:\n%s", rep.Snapshots, kept, total, out.String())
	}
}

// waitForFile waits until name exists, failing the test after limit.
func waitForFile(t *testing.T, name string, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(name); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within %v", name, limit)
		}
	}
}

// watchChild is the watch the test kills: it takes snapshots as fast as
// it can until killed.
func watchChild() {
	dir, url, _ := strings.Cut(os.Getenv("MAPSCOPE_WATCH_CHILD"), " ")
	w := &Watch{Target: url, Dir: dir, Interval: 10 * time.Millisecond, Timeout: time.Second, Out: &bytes.Buffer{}}
	if _, err := w.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// trendcmd reads what watch wrote, as users are told it can.
func TestTrendReadsWatchDirectory(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(heaptest.OutDir(), "go1.26-default", "heap.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(good) }))
	defer srv.Close()
	dir := t.TempDir()
	w := &Watch{Target: srv.URL, Dir: dir, Interval: 20 * time.Millisecond, Duration: 400 * time.Millisecond, Timeout: time.Second, Out: &bytes.Buffer{}}
	rep, err := w.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st, err := snapshot.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	in, err := trendcmd.Read(context.Background(), st.List(), w.Evidence, nil)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if in.Series.Len() != rep.Snapshots {
		t.Errorf("trend read %d snapshots, watch reported %d", in.Series.Len(), rep.Snapshots)
	}
}
