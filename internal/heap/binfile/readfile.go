package binfile

import (
	"fmt"
	"io"
	"os"
)

// readFile reads the whole file into memory, for systems or file systems
// where mapping is not possible.
func readFile(f *os.File, size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("file too large to read (%d bytes)", size)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}
