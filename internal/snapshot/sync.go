package snapshot

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

const isWindows = runtime.GOOS == "windows"

// syncDir makes the renames and creations in dir durable. Windows cannot
// sync a directory (NTFS journals renames itself), and some network and
// FUSE file systems answer EINVAL, with nothing better to do there.
func syncDir(dir string) error {
	if isWindows {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return unwrapPath(err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return unwrapPath(err)
	}
	return nil
}
