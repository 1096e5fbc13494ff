package fetch

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/mapscope/mapscope/internal/base"
)

// Save writes data to the file name so that the file is either its old
// self or complete, never half written, even if the machine stops: the
// bytes go to a temporary file in the same directory (named
// .NAME.tmp-RANDOM), which is synced to disk, renamed over name, and the
// directory synced. An interrupted Save can leave the temporary file
// behind, never a short name.
func Save(name string, data []byte) error {
	if err := writeAtomic(name, data); err != nil {
		return base.Inputf(name, "cannot write: %v", err)
	}
	return nil
}

func writeAtomic(name string, data []byte) (err error) {
	dir, file := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+file+".tmp-*")
	if err != nil {
		return unwrapPath(err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return unwrapPath(err)
	}
	// CreateTemp makes the file private; a saved profile is an ordinary
	// file like one go tool pprof or curl would write.
	if err := f.Chmod(0o644); err != nil && runtime.GOOS != "windows" {
		return unwrapPath(err)
	}
	if err := f.Sync(); err != nil {
		return unwrapPath(err)
	}
	if err := f.Close(); err != nil {
		return unwrapPath(err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		if le, ok := err.(*os.LinkError); ok {
			return le.Err
		}
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory;
// NTFS journals renames itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		// Some file systems (network ones, FUSE) cannot sync a
		// directory and say EINVAL; there is nothing better to do there.
		return unwrapPath(err)
	}
	return nil
}

// unwrapPath drops the file name from an *fs.PathError whose name is the
// temporary file, which means nothing to the user.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
