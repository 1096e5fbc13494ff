package snapshot

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

// The crash tests run writers in child processes: the test binary again,
// with childEnv saying what to do (as os/exec's tests do), so that a
// SIGKILL stops a real writer between any two instructions.
const (
	childEnv    = "MAPSCOPE_SNAPSHOT_CHILD"
	childDirEnv = "MAPSCOPE_SNAPSHOT_DIR"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		child(mode, os.Getenv(childDirEnv))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a writer. It reports on stdout, one line each: "ready N" once
// the store is open (N is the next number), "begin N" before adding
// snapshot N and "done N" once Add returned.
//
//	loop           adds snapshots until killed
//	crash-STEP     adds two snapshots, then kills itself in the third Add
//	               at STEP (written: the temporary file is synced;
//	               renamed: the file has its name, the index no line)
//	hold           keeps the store open until killed
func child(mode, dir string) {
	padding() // made before "ready", so that kills do not land in it
	st, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	fmt.Println("ready", st.Next())
	if mode == "hold" {
		select {}
	}
	step, crash := strings.CutPrefix(mode, "crash-")
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for i := 0; ; i++ {
		seq := st.Next()
		if crash && i == 2 {
			crashHook = func(s string) {
				if s == step {
					p, _ := os.FindProcess(os.Getpid())
					p.Kill()
					select {}
				}
			}
		}
		// Snapshots of 4 to 64 KB, so that kills land in writes of
		// different lengths.
		data := testProfile(Heap, seq, 4<<10+r.IntN(60<<10))
		fmt.Println("begin", seq)
		if _, err := st.Add(Snapshot{Kind: Heap, Target: "http://127.0.0.1:8080/debug/pprof/heap", Data: data}); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Println("done", seq)
	}
}

// A childRun is a child process and what it reported.
type childRun struct {
	cmd   *exec.Cmd
	lines chan line
	rep   report
	begin time.Time // when the last "begin" arrived
	adds  []time.Duration
}

// A line is a line of a child's output and when it arrived.
type line struct {
	text string
	at   time.Time
}

// report is what a child said it did.
type report struct {
	ready        int // the next number when it started; 0 if it never said
	begun, done  []int
	errorMessage string
}

func startChild(t *testing.T, mode, dir string) *childRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &childRun{cmd: cmd, lines: make(chan line, 1<<16)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- line{sc.Text(), time.Now()}
		}
		close(c.lines)
	}()
	return c
}

// record notes one line of the child's output, and how long each Add
// took as seen from here.
func (c *childRun) record(l line) {
	word, arg, _ := strings.Cut(l.text, " ")
	n, _ := strconv.Atoi(arg)
	switch word {
	case "ready":
		c.rep.ready = n
	case "begin":
		c.rep.begun = append(c.rep.begun, n)
		c.begin = l.at
	case "done":
		c.rep.done = append(c.rep.done, n)
		c.adds = append(c.adds, l.at.Sub(c.begin))
	case "error":
		c.rep.errorMessage = l.text
	}
}

// waitFor reads the child's output up to the first line starting with
// prefix, failing on an "error" line or the end of output.
func (c *childRun) waitFor(t *testing.T, prefix string) string {
	t.Helper()
	for l := range c.lines {
		c.record(l)
		if strings.HasPrefix(l.text, "error") {
			t.Fatalf("child: %s", l.text)
		}
		if strings.HasPrefix(l.text, prefix) {
			return l.text
		}
	}
	t.Fatalf("child ended before saying %q", prefix)
	return ""
}

// kill kills the child with SIGKILL, unless it is dead already, and
// returns everything it reported.
func (c *childRun) kill(t *testing.T) report {
	t.Helper()
	c.cmd.Process.Kill()
	return c.end(t)
}

// end waits for the child to end and returns everything it reported.
func (c *childRun) end(t *testing.T) report {
	t.Helper()
	// Read to the end before Wait, which closes the pipe.
	for l := range c.lines {
		c.record(l)
	}
	c.cmd.Wait()
	return c.rep
}

// TestKilledWriter kills a writer with SIGKILL at random moments, twenty
// times, and checks after each kill that the store lost nothing Add
// returned for, lost at most the snapshot being added, reads back every
// snapshot it lists byte for byte, keeps no temporary files once opened,
// and lets the next writer go on numbering.
func TestKilledWriter(t *testing.T) {
	const kills = 20
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MAPSCOPE_SNAPSHOT_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("MAPSCOPE_SNAPSHOT_SEED=%d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	dir := t.TempDir()

	var committed, inFlight, lost, adopted, finished, earlyKills int
	addTime := 10 * time.Millisecond // the median Add as last seen
	checked := 0                     // entries parsed so far
	for i := range kills {
		c := startChild(t, "loop", dir)
		// Most kills land while the child adds a snapshot: after the
		// first or second "begin", within about as long as an Add has
		// taken so far. Some land while it starts and opens the store.
		if i%5 == 4 {
			time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond)
		} else {
			c.waitFor(t, "ready")
			for range 1 + r.IntN(2) {
				c.waitFor(t, "begin")
			}
			time.Sleep(time.Duration(r.Int64N(int64(addTime) * 3 / 2)))
		}
		rep := c.kill(t)
		if rep.errorMessage != "" {
			t.Fatalf("kill %d: child failed: %s", i, rep.errorMessage)
		}
		if len(c.adds) > 0 {
			slices.Sort(c.adds)
			addTime = c.adds[len(c.adds)/2]
		}
		if rep.ready == 0 {
			earlyKills++
		}

		st, err := Open(dir)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		if tf := tempFiles(t, dir); len(tf) != 0 {
			t.Errorf("kill %d: temporary files after Open: %q", i, tf)
		}
		if s := st.Skipped(); len(s) != 0 {
			t.Errorf("kill %d: skipped %q", i, s)
		}
		entries := st.List()
		got := seqs(entries)
		want := make([]int, len(entries))
		for j := range want {
			want[j] = j + 1
		}
		if !slices.Equal(got, want) {
			t.Fatalf("kill %d: sequence numbers %v, want 1 to %d without gaps", i, got, len(entries))
		}
		if rep.ready != 0 && rep.ready != checked+1 {
			t.Errorf("kill %d: child resumed at %d after %d snapshots", i, rep.ready, checked)
		}
		for j, seq := range rep.begun {
			if seq != checked+1+j {
				t.Errorf("kill %d: child added %v after %d snapshots", i, rep.begun, checked)
				break
			}
		}
		for _, seq := range rep.done {
			if !slices.Contains(got, seq) {
				t.Errorf("kill %d: snapshot %d was committed but is gone", i, seq)
			}
		}
		committed += len(rep.done)
		if len(rep.begun) > len(rep.done) {
			last := rep.begun[len(rep.begun)-1]
			inFlight++
			if len(rep.begun) > len(rep.done)+1 || slices.Contains(rep.done, last) {
				t.Errorf("kill %d: begun %v, done %v", i, rep.begun, rep.done)
			}
			switch i := slices.Index(got, last); {
			case i < 0:
				lost++
			case entries[i].Adopted:
				adopted++
			default:
				finished++ // died after the append, before saying "done"
			}
		}
		// Every snapshot reads back as written: Open checked the hashes;
		// Read checks again, and the new ones must parse.
		for _, e := range entries[checked:] {
			data, err := e.Read()
			if err != nil {
				t.Fatalf("kill %d: %v", i, err)
			}
			if _, err := heapprof.Parse(data); err != nil {
				t.Fatalf("kill %d: %s: %v", i, e.File, err)
			}
		}
		checked = len(entries)
		if st.Next() != len(entries)+1 {
			t.Errorf("kill %d: next %d with %d entries", i, st.Next(), len(entries))
		}
		st.Close()
	}

	// A last writer resumes the numbering.
	c := startChild(t, "loop", dir)
	ready := c.waitFor(t, "ready")
	done := c.waitFor(t, "done")
	c.kill(t)
	st := mustOpen(t, dir)
	if ready != fmt.Sprintf("ready %d", checked+1) || done != fmt.Sprintf("done %d", checked+1) {
		t.Errorf("last writer said %q and %q after %d snapshots", ready, done, checked)
	}
	t.Logf("%d kills (%d before the store was open): %d snapshots committed, all kept; %d kills during an Add, whose snapshot was lost %d times, adopted on reopening %d times, indexed %d times; %d snapshots in the store",
		kills, earlyKills, committed, inFlight, lost, adopted, finished, len(st.List()))
}

// TestCrashPoints kills a writer at the two points where an Add leaves
// something to repair.
func TestCrashPoints(t *testing.T) {
	for _, tc := range []struct {
		step    string
		entries int
		repair  string
	}{
		{"written", 2, "removed .tmp-heap-000003.pb.gz-"},
		{"renamed", 3, "adopted heap-000003.pb.gz, written but not indexed when the last run stopped"},
	} {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			c := startChild(t, "crash-"+tc.step, dir)
			// It kills itself; a child that missed its step is stopped.
			timer := time.AfterFunc(20*time.Second, func() { c.cmd.Process.Kill() })
			defer timer.Stop()
			rep := c.end(t)
			if !slices.Equal(rep.done, []int{1, 2}) || !slices.Equal(rep.begun, []int{1, 2, 3}) {
				t.Fatalf("child reported begun %v, done %v", rep.begun, rep.done)
			}
			if tc.step == "written" && len(tempFiles(t, dir)) != 1 {
				t.Errorf("no temporary file left by the crash: %v", tempFiles(t, dir))
			}
			st := mustOpen(t, dir)
			if len(st.List()) != tc.entries || len(tempFiles(t, dir)) != 0 || st.Next() != tc.entries+1 {
				t.Errorf("after the crash: %d entries, next %d, temporary files %q", len(st.List()), st.Next(), tempFiles(t, dir))
			}
			if repairs := strings.Join(st.Repairs(), "\n"); !strings.Contains(repairs, tc.repair) {
				t.Errorf("repairs %q, want %q", repairs, tc.repair)
			}
		})
	}
}

// TestLockedByProcess checks the lock between processes: refused while a
// writer lives, free once it is killed.
func TestLockedByProcess(t *testing.T) {
	dir := t.TempDir()
	c := startChild(t, "hold", dir)
	c.waitFor(t, "ready")
	_, err := Open(dir)
	if want := fmt.Sprintf("in use by another mapscope watch (pid %d)", c.cmd.Process.Pid); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Open while held: %v, want %q", err, want)
	}
	c.kill(t)
	st, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after the holder died: %v", err)
	}
	st.Close()
}
