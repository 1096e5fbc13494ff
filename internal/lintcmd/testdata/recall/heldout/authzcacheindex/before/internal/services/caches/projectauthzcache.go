// Package caches holds the per-project cache of authorization checks.
//
// Reproduces, in our own words, the shape of descope/authzcache before
// https://github.com/descope/authzcache/pull/9 (commit 488b4b7, "fix:
// delete direct indexes on directCache expiry to prevent memory leak"): the
// direct relations checked are kept in an LRU cache, and two indexes, by
// resource and by target, list the cache keys of each so that a remote
// change to a resource or target can drop its relations. Every direct
// relation added appended its key to both indexes; when the LRU evicted a
// relation to make room, or a schema change purged the cache, the indexes
// kept the resource, the target and the key, so they grew with every
// distinct resource and target ever checked. The fix deletes a relation's
// index entries from the LRU's eviction callback, and re-makes the indexes
// when the cache is purged.
package caches

import (
	"context"
	"log"
	"sync"
	"time"

	"recall/heldout/authzcacheindex/before/internal/lru"
	"recall/heldout/authzcacheindex/before/pkg/descope"
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

type projectAuthzCache struct {
	schemaCache           *descope.FGASchema
	directRelationCache   *lru.Cache[resourceTargetRelation, bool]
	directResourcesIndex  map[string][]resourceTargetRelation
	directTargetsIndex    map[string][]resourceTargetRelation
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
	directRelationCache, err := lru.New[resourceTargetRelation, bool](DirectRelationCacheSize, "authz-direct-relations")
	if err != nil {
		return nil, err
	}
	indirectRelationCache, err := lru.New[resourceTargetRelation, bool](IndirectRelationCacheSize, "authz-indirect-relations")
	if err != nil {
		return nil, err
	}
	pc := &projectAuthzCache{
		directRelationCache:   directRelationCache,
		directResourcesIndex:  make(map[string][]resourceTargetRelation),
		directTargetsIndex:    make(map[string][]resourceTargetRelation),
		indirectRelationCache: indirectRelationCache,
		remoteChanges: &remoteChangesTracking{
			lastPollTime:          time.Now(),
			remote:                remoteChangesChecker,
			remotePollingInterval: RemotePollingInterval,
		},
	}
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
	pc.indirectRelationCache.Purge(ctx)
	pc.directRelationCache.Purge(ctx)
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
		pc.directRelationCache.Purge(ctx)
		pc.indirectRelationCache.Purge(ctx)
		return
	}
	if len(changes.Resources) == 0 && len(changes.Targets) == 0 {
		return
	}
	pc.indirectRelationCache.Purge(ctx)
	for _, r := range changes.Resources {
		pc.removeDirectRelationByResource(ctx, r)
	}
	for _, t := range changes.Targets {
		pc.removeDirectRelationByTarget(ctx, t)
	}
}

func (pc *projectAuthzCache) removeDirectRelationByResource(ctx context.Context, r string) {
	for _, k := range pc.directResourcesIndex[r] {
		pc.directRelationCache.Remove(ctx, k)
	}
	delete(pc.directResourcesIndex, r)
}

func (pc *projectAuthzCache) removeDirectRelationByTarget(ctx context.Context, t string) {
	for _, k := range pc.directTargetsIndex[t] {
		pc.directRelationCache.Remove(ctx, k)
	}
	delete(pc.directTargetsIndex, t)
}

func (pc *projectAuthzCache) addDirectRelation(ctx context.Context, r *descope.FGARelation, isAllowed bool) {
	k := key(r)
	pc.directRelationCache.Add(ctx, k, isAllowed)
	pc.directResourcesIndex[r.Resource] = append(pc.directResourcesIndex[r.Resource], k) // want growonly "."
	pc.directTargetsIndex[r.Target] = append(pc.directTargetsIndex[r.Target], k)         // want growonly "."
}

func (pc *projectAuthzCache) removeDirectRelation(ctx context.Context, r *descope.FGARelation) {
	k := key(r)
	pc.directRelationCache.Remove(ctx, k)
	for i, ik := range pc.directResourcesIndex[r.Resource] {
		if ik == k {
			pc.directResourcesIndex[r.Resource] = append(pc.directResourcesIndex[r.Resource][:i], pc.directResourcesIndex[r.Resource][i+1:]...)
			break
		}
	}
	for i, ik := range pc.directTargetsIndex[r.Target] {
		if ik == k {
			pc.directTargetsIndex[r.Target] = append(pc.directTargetsIndex[r.Target][:i], pc.directTargetsIndex[r.Target][i+1:]...)
			break
		}
	}
}

func key(r *descope.FGARelation) resourceTargetRelation {
	return resourceTargetRelation(r.Resource + ":" + r.Target + ":" + r.Relation)
}
