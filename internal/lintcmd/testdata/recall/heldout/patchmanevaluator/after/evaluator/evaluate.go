// Package evaluator reproduces, in its own words, part of the evaluator
// of RedHatInsights/patchman-engine as it was before commit
// 362bd61316bbc55a1d80b15798d84d32ebc9d25a ("make map allocation
// consistent in the app", PR #1169; before/ is the code before the change,
// after/ as changed). The evaluator takes one event per system upload or
// re-evaluation, asks the vulnerability service for the system's updates
// and stores the advisories and packages that apply. On every evaluation
// it built several maps empty and grew them while filling them from a
// slice or map whose length was known: the stored advisories by name, the
// reported advisories, the changes to the account's advisory counts, the
// package positions by ID and the packages by NEVRA. The change gave them
// that length as a size hint.
package evaluator

import (
	"context"
	"errors"

	"recall/heldout/patchmanevaluator/after/models"
	"recall/heldout/patchmanevaluator/after/vmaas"
)

// Store is the evaluator's database.
type Store interface {
	System(ctx context.Context, accountID int, inventoryID string) (*models.SystemPlatform, error)
	SystemAdvisories(ctx context.Context, accountID int, systemID int64) ([]models.SystemAdvisories, error)
	AdvisoryIDs(ctx context.Context, names []string) (map[string]int64, error)
	ReplaceSystemAdvisories(ctx context.Context, system *models.SystemPlatform, deleteIDs, addIDs []int64) error
	UpdateAccountCounts(ctx context.Context, changes []models.AdvisoryAccountData) error
	StoredPackages(ctx context.Context, system *models.SystemPlatform, packageIDs []int64) ([]models.Package, error)
}

// VMaaS answers which updates a system's packages have.
type VMaaS interface {
	Updates(ctx context.Context, system *models.SystemPlatform) (*vmaas.UpdatesResponse, error)
}

// Event asks for the evaluation of one system.
type Event struct {
	AccountID   int    `json:"account_id"`
	InventoryID string `json:"inventory_id"`
}

// Result is what one evaluation changed.
type Result struct {
	Added, Removed int
	Packages       int
}

// Evaluator evaluates systems.
type Evaluator struct {
	Store Store
	VMaaS VMaaS
	Cache *PackageCache
}

// Evaluate evaluates the system of ev.
func (e *Evaluator) Evaluate(ctx context.Context, ev Event) (*Result, error) {
	system, err := e.Store.System(ctx, ev.AccountID, ev.InventoryID)
	if err != nil {
		return nil, err
	}
	if system == nil {
		return nil, errors.New("unknown system")
	}
	updates, err := e.VMaaS.Updates(ctx, system)
	if err != nil {
		return nil, err
	}
	added, removed, err := e.evaluateAdvisories(ctx, system, updates)
	if err != nil {
		return nil, err
	}
	packages, err := e.loadPackages(ctx, system, updates)
	if err != nil {
		return nil, err
	}
	return &Result{Added: added, Removed: removed, Packages: len(packages)}, nil
}
