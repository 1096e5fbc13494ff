//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package snapshot

import "path/filepath"

func lockDir(dir string) (dirLock, error) {
	return lockPidFile(filepath.Join(dir, lockFile))
}
