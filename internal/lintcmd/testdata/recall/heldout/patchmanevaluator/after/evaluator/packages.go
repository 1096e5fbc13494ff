package evaluator

import (
	"context"
	"fmt"
	"log"
	"strings"
	"sync"

	"recall/heldout/patchmanevaluator/after/models"
	"recall/heldout/patchmanevaluator/after/vmaas"
)

// PackageCache holds the known packages by NEVRA, loaded at start.
type PackageCache struct {
	mu      sync.RWMutex
	byNevra map[string]models.Package
}

func NewPackageCache(pkgs []models.Package) *PackageCache {
	c := &PackageCache{byNevra: make(map[string]models.Package, len(pkgs))}
	for _, p := range pkgs {
		c.byNevra[p.Name+"-"+p.EVRA] = p
	}
	return c
}

func (c *PackageCache) GetByNevra(nevra string) (models.Package, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.byNevra[nevra]
	return p, ok
}

type namedPackage struct {
	models.Package
	WasStored bool
}

func (e *Evaluator) loadPackages(ctx context.Context, system *models.SystemPlatform,
	updates *vmaas.UpdatesResponse) (map[string]namedPackage, error) {
	packages, err := e.loadSystemNEVRAs(ctx, system, updates)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %w", err)
	}
	return packages2NevraMap(packages), nil
}

// loadSystemNEVRAs finds the known packages among the system's and marks
// those already stored for it.
func (e *Evaluator) loadSystemNEVRAs(ctx context.Context, system *models.SystemPlatform,
	updates *vmaas.UpdatesResponse) ([]namedPackage, error) {
	n := len(updates.UpdateList)
	packageIDs := make([]int64, 0, n)
	packages := make([]namedPackage, 0, n)
	id2index := make(map[int64]int, n)
	for nevra := range updates.UpdateList {
		if p, ok := e.Cache.GetByNevra(nevra); ok {
			packageIDs = append(packageIDs, p.ID)
			id2index[p.ID] = len(packages)
			packages = append(packages, namedPackage{Package: p})
		}
	}
	stored, err := e.Store.StoredPackages(ctx, system, packageIDs)
	if err != nil {
		return nil, err
	}
	for _, p := range stored {
		if i, ok := id2index[p.ID]; ok {
			packages[i].WasStored = true
		}
	}
	return packages, nil
}

// packages2NevraMap indexes packages by their NEVRA with the epoch.
func packages2NevraMap(packages []namedPackage) map[string]namedPackage {
	byNevra := make(map[string]namedPackage, len(packages))
	for _, p := range packages {
		nevra, err := withEpoch(p.Name, p.EVRA)
		if err != nil {
			log.Printf("package %d: cannot parse evra %q", p.ID, p.EVRA)
			continue
		}
		byNevra[nevra] = p
	}
	return byNevra
}

// withEpoch writes name-evra with an explicit epoch ("0:" when none).
func withEpoch(name, evra string) (string, error) {
	if evra == "" {
		return "", fmt.Errorf("empty evra")
	}
	if strings.Contains(evra, ":") {
		return name + "-" + evra, nil
	}
	return name + "-0:" + evra, nil
}
