//go:build unix

package binfile

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the whole file read-only. Mapping instead of reading keeps
// Open cheap and peak memory low: only the pages of the text, pclntab and
// symbol table that a query touches are ever read from disk.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("file too large to map (%d bytes)", size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		// Some file systems cannot be mapped; reading is slower but works.
		return readFile(f, size)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
