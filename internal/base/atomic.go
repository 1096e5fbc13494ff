package base

import (
	"io"

	"github.com/mapscope/mapscope/internal/atomicfile"
)

// WriteFileAtomic writes an output file of a command through write, all or
// nothing (atomicfile): a failure, or a crash, never leaves half a file
// behind under the name. Errors are *InputError naming the file.
func WriteFileAtomic(name string, write func(io.Writer) error) error {
	if err := atomicfile.Write(name, "", write, nil); err != nil {
		return Inputf(name, "cannot write: %v", err)
	}
	return nil
}
