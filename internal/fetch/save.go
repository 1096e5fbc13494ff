package fetch

import (
	"io"

	"github.com/mapscope/mapscope/internal/base"
)

// Save writes data to the file name so that the file is either its old
// self or complete, never half written, even if the machine stops: the
// bytes go to a temporary file in the same directory (named
// .NAME.tmp-RANDOM), which is synced to disk, renamed over name, and the
// directory synced. An interrupted Save can leave the temporary file
// behind, never a short name.
func Save(name string, data []byte) error {
	return base.WriteFileAtomic(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
