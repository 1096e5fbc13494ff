// Package atomicfile writes files so that a reader, or the next run after
// a crash, sees either the old file or the whole new one: the data goes to
// a temporary file in the same directory, is synced, renamed over the name
// and the directory synced. heap -o, trend -html, -save and watch's
// snapshot store all write through it.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// Write writes name through write. tempPattern names the temporary file
// as os.CreateTemp does ("" for "."+base+".tmp-*", hidden from listings);
// beforeRename, when not nil, runs after the data is synced and before
// the rename (tests use it to crash there). Errors are those of the
// operating system without the temporary file's name, which means nothing
// to a user: callers name the file.
func Write(name, tempPattern string, write func(io.Writer) error, beforeRename func()) (err error) {
	dir := filepath.Dir(name)
	if tempPattern == "" {
		tempPattern = "." + filepath.Base(name) + ".tmp-*"
	}
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return Unwrap(err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return Unwrap(err)
	}
	// CreateTemp makes the file private; what is written here is an
	// ordinary output, read like one curl or go tool pprof would write.
	if err := f.Chmod(0o644); err != nil && runtime.GOOS != "windows" {
		return Unwrap(err)
	}
	if err := f.Sync(); err != nil {
		return Unwrap(err)
	}
	if err := f.Close(); err != nil {
		return Unwrap(err)
	}
	if beforeRename != nil {
		beforeRename()
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return Unwrap(err)
	}
	return SyncDir(dir)
}

// SyncDir makes the renames and creations in dir durable. Windows cannot
// sync a directory (NTFS journals renames itself), and some network and
// FUSE file systems answer EINVAL, with nothing better to do there.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return Unwrap(err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return Unwrap(err)
	}
	return nil
}

// Unwrap drops the *fs.PathError or *os.LinkError around err, for callers
// that name the file themselves.
func Unwrap(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
