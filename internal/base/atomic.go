package base

import (
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file through write into a temporary file in
// the same directory and renames it over name only when everything was
// written: a failure, or a crash, never leaves half a file behind under
// the name. Errors are *InputError naming the file.
func WriteFileAtomic(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return Inputf(name, "cannot write: %v", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	// CreateTemp makes the file private; an output is read like any other.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return Inputf(name, "cannot write: %v", err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return Inputf(name, "writing: %v", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Inputf(name, "writing: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return Inputf(name, "writing: %v", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return Inputf(name, "cannot write: %v", err)
	}
	return nil
}
