//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package snapshot

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// flockLock holds an flock(2) lock on the lock file. The kernel drops it
// when the process dies however it dies, so a lock is never stale. The
// file stays, holding the pid of the last owner for messages.
type flockLock struct{ f *os.File }

func lockDir(dir string) (dirLock, error) {
	name := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, syscall.EWOULDBLOCK):
		data, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		return nil, &errLocked{readPid(data)}
	case errors.Is(err, syscall.ENOLCK) || errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS):
		// A file system without flock (some FUSE and network ones).
		f.Close()
		return lockPidFile(name + ".pid")
	default:
		f.Close()
		return nil, err
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &flockLock{f}, nil
}

func (l *flockLock) unlock() error { return l.f.Close() }
