package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
)

// A dirLock keeps other writers out of a store's directory until unlock.
type dirLock interface {
	unlock() error
}

// errLocked reports a directory held by another live process.
type errLocked struct{ pid int }

func (e *errLocked) Error() string {
	who := "another mapscope watch"
	if e.pid > 0 {
		who += fmt.Sprintf(" (pid %d)", e.pid)
	}
	return "in use by " + who + "; stop it or use another directory"
}

// readPid returns the process ID recorded in a lock file, or 0.
func readPid(data []byte) int {
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data)))
	if err != nil || pid < 1 {
		return 0
	}
	return pid
}

// pidLock is the lock where the system has no flock: a file that holds
// the owner's process ID, created whole (written under a temporary name,
// then hard-linked into place, which fails if the lock exists). A lock
// whose process has died is stale and taken over. Two processes taking
// over the same stale lock at the same moment can both succeed; flock,
// used where it exists, has no such window.
type pidLock struct{ name string }

func lockPidFile(name string) (dirLock, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), tempPrefix+"lock-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = fmt.Fprintf(tmp, "%d\n", os.Getpid())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		err := os.Link(tmp.Name(), name)
		if err == nil {
			return &pidLock{name}, nil
		}
		if errors.Is(err, os.ErrNotExist) {
			// Our temporary file is gone: the owner's Open removed it
			// while cleaning up after a crash.
			return nil, &errLocked{}
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		data, rerr := os.ReadFile(name)
		if errors.Is(rerr, os.ErrNotExist) && attempt < 3 {
			continue // released meanwhile
		}
		pid := readPid(data)
		if pid == os.Getpid() || processAlive(pid) || attempt >= 3 {
			return nil, &errLocked{pid}
		}
		// The owner died without unlocking.
		if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
}

func (l *pidLock) unlock() error { return os.Remove(l.name) }

// processAlive reports whether a process with the ID pid exists.
func processAlive(pid int) bool {
	if pid < 1 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false // Windows finds only live processes
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
