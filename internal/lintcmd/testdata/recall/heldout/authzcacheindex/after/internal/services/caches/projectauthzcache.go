// Package caches holds the per-project cache of authorization checks.
//
// The fixed form of authzcacheindex (see the before form): after
// https://github.com/descope/authzcache/pull/9 (commit 488b4b7) the indexes
// map a resource to its targets to their keys (and a target to its
// resources to their keys), a key is removed from both when the LRU evicts
// its relation, empty entries are deleted, and a purge re-makes both.
package caches

import (
	"context"
	"log"
	"strings"
	"sync"
	"time"

	"recall/heldout/authzcacheindex/after/internal/lru"
	"recall/heldout/authzcacheindex/after/pkg/descope"
)

// Sizes of the per-project caches, and how often remote changes are polled.
var (
	DirectRelationCacheSize   = 100000
	IndirectRelationCacheSize = 100000
	RemotePollingInterval     = 5 * time.Second
)

// RemoteChangesChecker reports what changed remotely since a time.
type RemoteChangesChecker interface {
	GetModified(ctx context.Context, since time.Time) (*descope.AuthzModified, error)
}

type remoteChangesTracking struct {
	lastPollTime          time.Time
	remotePollingInterval time.Duration
	remote                RemoteChangesChecker
	tickHandler           func(ctx context.Context)
}

// resourceTargetRelation is a cache key: resource:target:relation.
type resourceTargetRelation string

type (
	resource string
	target   string
)

type projectAuthzCache struct {
	schemaCache           *descope.FGASchema
	directRelationCache   *lru.Cache[resourceTargetRelation, bool]
	directResourcesIndex  map[resource]map[target][]resourceTargetRelation
	directTargetsIndex    map[target]map[resource][]resourceTargetRelation
	indirectRelationCache *lru.Cache[resourceTargetRelation, bool]
	remoteChanges         *remoteChangesTracking
	mutex                 sync.RWMutex
}

// ProjectAuthzCache caches one project's checks.
type ProjectAuthzCache interface {
	GetSchema() *descope.FGASchema
	CheckRelation(ctx context.Context, r *descope.FGARelation) (allowed bool, direct bool, ok bool)
	UpdateCacheWithSchema(ctx context.Context, schema *descope.FGASchema)
	UpdateCacheWithAddedRelations(ctx context.Context, relations []*descope.FGARelation)
	UpdateCacheWithDeletedRelations(ctx context.Context, relations []*descope.FGARelation)
	UpdateCacheWithChecks(ctx context.Context, checks []*descope.FGACheck)
	StartRemoteChangesPolling(ctx context.Context)
}

// NewProjectAuthzCache returns an empty cache for one project.
func NewProjectAuthzCache(ctx context.Context, remoteChangesChecker RemoteChangesChecker) (ProjectAuthzCache, error) {
	indirectRelationCache, err := lru.New[resourceTargetRelation, bool](IndirectRelationCacheSize, "authz-indirect-relations")
	if err != nil {
		return nil, err
	}
	pc := &projectAuthzCache{
		directResourcesIndex:  make(map[resource]map[target][]resourceTargetRelation),
		directTargetsIndex:    make(map[target]map[resource][]resourceTargetRelation),
		indirectRelationCache: indirectRelationCache,
		remoteChanges: &remoteChangesTracking{
			lastPollTime:          time.Now(),
			remote:                remoteChangesChecker,
			remotePollingInterval: RemotePollingInterval,
		},
	}
	directRelationCache, err := lru.NewWithEvict[resourceTargetRelation, bool](DirectRelationCacheSize, "authz-direct-relations", pc.removeIndexOnCacheEviction)
	if err != nil {
		return nil, err
	}
	pc.directRelationCache = directRelationCache
	pc.remoteChanges.tickHandler = pc.updateCacheWithRemotePolling
	return pc, nil
}

func (pc *projectAuthzCache) GetSchema() *descope.FGASchema {
	pc.mutex.RLock()
	defer pc.mutex.RUnlock()
	return pc.schemaCache
}

func (pc *projectAuthzCache) CheckRelation(ctx context.Context, r *descope.FGARelation) (allowed bool, direct bool, ok bool) {
	pc.mutex.Lock() // the LRU moves what it finds to the front
	defer pc.mutex.Unlock()
	if allowed, ok := pc.directRelationCache.Get(ctx, key(r)); ok {
		return allowed, true, true
	}
	if allowed, ok := pc.indirectRelationCache.Get(ctx, key(r)); ok {
		return allowed, false, true
	}
	return false, false, false
}

func (pc *projectAuthzCache) UpdateCacheWithSchema(ctx context.Context, schema *descope.FGASchema) {
	pc.mutex.Lock()
	defer pc.mutex.Unlock()
	pc.schemaCache = schema
	// A new schema changes every answer.
	pc.resetIndexes()
	pc.directRelationCache.Purge(ctx)
	pc.indirectRelationCache.Purge(ctx)
}

func (pc *projectAuthzCache) UpdateCacheWithAddedRelations(ctx context.Context, relations []*descope.FGARelation) {
	if len(relations) == 0 {
		return
	}
	pc.mutex.Lock()
	defer pc.mutex.Unlock()
	// New relations can change indirect answers.
	pc.indirectRelationCache.Purge(ctx)
	for _, r := range relations {
		pc.addDirectRelation(ctx, r, true)
	}
}

func (pc *projectAuthzCache) UpdateCacheWithDeletedRelations(ctx context.Context, relations []*descope.FGARelation) {
	if len(relations) == 0 {
		return
	}
	pc.mutex.Lock()
	defer pc.mutex.Unlock()
	pc.indirectRelationCache.Purge(ctx)
	for _, r := range relations {
		pc.removeDirectRelation(ctx, r)
	}
}

func (pc *projectAuthzCache) UpdateCacheWithChecks(ctx context.Context, checks []*descope.FGACheck) {
	if len(checks) == 0 {
		return
	}
	pc.mutex.Lock()
	defer pc.mutex.Unlock()
	for _, c := range checks {
		if c.Info.Direct {
			pc.addDirectRelation(ctx, c.Relation, c.Allowed)
		} else {
			pc.indirectRelationCache.Add(ctx, key(c.Relation), c.Allowed)
		}
	}
}

func (pc *projectAuthzCache) StartRemoteChangesPolling(ctx context.Context) {
	ticker := time.NewTicker(pc.remoteChanges.remotePollingInterval)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				pc.remoteChanges.tickHandler(ctx)
			}
		}
	}()
}

func (pc *projectAuthzCache) updateCacheWithRemotePolling(ctx context.Context) {
	pc.mutex.Lock()
	defer pc.mutex.Unlock()
	if pc.directRelationCache.Len(ctx) == 0 && pc.indirectRelationCache.Len(ctx) == 0 {
		// Nothing cached: only make sure a schema change is not missed.
		pc.remoteChanges.lastPollTime = time.Now()
		pc.schemaCache = nil
		return
	}
	now := time.Now()
	changes, err := pc.remoteChanges.remote.GetModified(ctx, pc.remoteChanges.lastPollTime)
	if err != nil {
		log.Printf("failed to get remote changes: %v", err)
		return
	}
	pc.remoteChanges.lastPollTime = now
	if changes.SchemaChanged {
		pc.schemaCache = nil
		pc.resetIndexes()
		pc.directRelationCache.Purge(ctx)
		pc.indirectRelationCache.Purge(ctx)
		return
	}
	if len(changes.Resources) == 0 && len(changes.Targets) == 0 {
		return
	}
	pc.indirectRelationCache.Purge(ctx)
	for _, r := range changes.Resources {
		pc.removeDirectRelationByResource(ctx, resource(r))
	}
	for _, t := range changes.Targets {
		pc.removeDirectRelationByTarget(ctx, target(t))
	}
}

func (pc *projectAuthzCache) resetIndexes() {
	pc.directResourcesIndex = make(map[resource]map[target][]resourceTargetRelation)
	pc.directTargetsIndex = make(map[target]map[resource][]resourceTargetRelation)
}

func (pc *projectAuthzCache) removeDirectRelationByResource(ctx context.Context, r resource) {
	for _, keys := range pc.directResourcesIndex[r] {
		for _, k := range keys {
			pc.directRelationCache.Remove(ctx, k)
		}
	}
	delete(pc.directResourcesIndex, r)
}

func (pc *projectAuthzCache) removeDirectRelationByTarget(ctx context.Context, t target) {
	for _, keys := range pc.directTargetsIndex[t] {
		for _, k := range keys {
			pc.directRelationCache.Remove(ctx, k)
		}
	}
	delete(pc.directTargetsIndex, t)
}

func (pc *projectAuthzCache) addDirectRelation(ctx context.Context, r *descope.FGARelation, isAllowed bool) {
	k := key(r)
	pc.directRelationCache.Add(ctx, k, isAllowed)
	res, tgt := resource(r.Resource), target(r.Target)
	if byTarget, ok := pc.directResourcesIndex[res]; ok {
		byTarget[tgt] = append(byTarget[tgt], k)
	} else {
		pc.directResourcesIndex[res] = map[target][]resourceTargetRelation{tgt: {k}}
	}
	if byResource, ok := pc.directTargetsIndex[tgt]; ok {
		byResource[res] = append(byResource[res], k)
	} else {
		pc.directTargetsIndex[tgt] = map[resource][]resourceTargetRelation{res: {k}}
	}
}

func (pc *projectAuthzCache) removeDirectRelation(ctx context.Context, r *descope.FGARelation) {
	k := key(r)
	pc.directRelationCache.Remove(ctx, k)
	pc.removeKeyFromIndexes(resource(r.Resource), target(r.Target), k)
}

// removeKeyFromIndexes drops k from both indexes, and the entries it
// leaves empty.
func (pc *projectAuthzCache) removeKeyFromIndexes(r resource, t target, k resourceTargetRelation) {
	if byTarget, ok := pc.directResourcesIndex[r]; ok {
		byTarget[t] = without(byTarget[t], k)
		if len(byTarget[t]) == 0 {
			delete(byTarget, t)
		}
		if len(byTarget) == 0 {
			delete(pc.directResourcesIndex, r)
		}
	}
	if byResource, ok := pc.directTargetsIndex[t]; ok {
		byResource[r] = without(byResource[r], k)
		if len(byResource[r]) == 0 {
			delete(byResource, r)
		}
		if len(byResource) == 0 {
			delete(pc.directTargetsIndex, t)
		}
	}
}

func without(keys []resourceTargetRelation, k resourceTargetRelation) []resourceTargetRelation {
	for i, ik := range keys {
		if ik == k {
			return append(keys[:i], keys[i+1:]...)
		}
	}
	return keys
}

// removeIndexOnCacheEviction is the LRU's eviction callback; it runs
// under the cache's lock, from Add.
func (pc *projectAuthzCache) removeIndexOnCacheEviction(k resourceTargetRelation, _ bool) {
	parts := strings.Split(string(k), ":")
	pc.removeKeyFromIndexes(resource(parts[0]), target(parts[1]), k)
}

func key(r *descope.FGARelation) resourceTargetRelation {
	return resourceTargetRelation(r.Resource + ":" + r.Target + ":" + r.Relation)
}
