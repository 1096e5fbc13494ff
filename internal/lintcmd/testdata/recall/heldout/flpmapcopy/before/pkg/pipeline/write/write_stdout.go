// Package write holds the pipeline's writers.
package write

import (
	"encoding/json"
	"io"
	"log"

	"recall/heldout/flpmapcopy/before/pkg/config"
)

// Stdout writes each record as a JSON line.
type Stdout struct {
	W io.Writer
}

// Write writes rec.
func (s *Stdout) Write(rec config.GenericMap) {
	if err := json.NewEncoder(s.W).Encode(rec); err != nil {
		log.Printf("write: %v", err)
	}
}
