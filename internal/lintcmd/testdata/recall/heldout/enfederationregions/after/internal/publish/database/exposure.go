// Package database stores published exposures. Upstream keeps them in
// PostgreSQL; here they are in memory, ordered by creation time.
package database

import (
	"context"
	"strconv"
	"sync"
	"time"

	"recall/heldout/enfederationregions/after/internal/publish/model"
)

// IterateExposuresCriteria selects exposures.
type IterateExposuresCriteria struct {
	IncludeRegions      []string
	ExcludeRegions      []string
	SinceTimestamp      time.Time
	UntilTimestamp      time.Time
	LastCursor          string
	OnlyLocalProvenance bool
}

// PublishDB holds exposures.
type PublishDB struct {
	mu        sync.RWMutex
	exposures []*model.Exposure
}

// New returns an empty store.
func New() *PublishDB { return &PublishDB{} }

// Insert adds exposures.
func (db *PublishDB) Insert(exps ...*model.Exposure) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.exposures = append(db.exposures, exps...)
}

// IterateExposures calls f for each exposure created in the criteria's
// window, from the cursor on; it returns the cursor to resume from if the
// context ends first.
func (db *PublishDB) IterateExposures(ctx context.Context, c IterateExposuresCriteria, f func(*model.Exposure) error) (string, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	start := 0
	if c.LastCursor != "" {
		if n, err := strconv.Atoi(c.LastCursor); err == nil {
			start = n
		}
	}
	for i := start; i < len(db.exposures); i++ {
		if err := ctx.Err(); err != nil {
			return strconv.Itoa(i), err
		}
		e := db.exposures[i]
		if e.CreatedAt.Before(c.SinceTimestamp) || !e.CreatedAt.Before(c.UntilTimestamp) {
			continue
		}
		if c.OnlyLocalProvenance && !e.LocalProvenance {
			continue
		}
		if err := f(e); err != nil {
			return strconv.Itoa(i), err
		}
	}
	return "", nil
}
