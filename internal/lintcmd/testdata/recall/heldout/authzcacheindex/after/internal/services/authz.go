// Package services is the authorization cache service: per project, a
// cache in front of the remote authorization service.
package services

import (
	"context"
	"log"
	"sync"

	"recall/heldout/authzcacheindex/after/internal/services/caches"
	"recall/heldout/authzcacheindex/after/internal/services/remote"
	"recall/heldout/authzcacheindex/after/pkg/descope"
)

// AuthzCache serves the authorization calls of every project.
type AuthzCache interface {
	CreateFGASchema(ctx context.Context, projectID, dsl string) error
	CreateFGARelations(ctx context.Context, projectID string, relations []*descope.FGARelation) error
	DeleteFGARelations(ctx context.Context, projectID string, relations []*descope.FGARelation) error
	Check(ctx context.Context, projectID string, relations []*descope.FGARelation) ([]*descope.FGACheck, error)
}

type project struct {
	cache  caches.ProjectAuthzCache
	remote *remote.FGA
}

type authzCache struct {
	base     context.Context
	projects sync.Map // project ID -> project
	mu       sync.Mutex
}

// New returns the service; ctx bounds the projects' polling.
func New(ctx context.Context) AuthzCache {
	return &authzCache{base: ctx}
}

func (a *authzCache) CreateFGASchema(ctx context.Context, projectID, dsl string) error {
	p, err := a.project(projectID)
	if err != nil {
		return err
	}
	schema := &descope.FGASchema{Schema: dsl}
	if err := p.remote.SaveSchema(ctx, schema); err != nil {
		return err
	}
	p.cache.UpdateCacheWithSchema(ctx, schema)
	return nil
}

func (a *authzCache) CreateFGARelations(ctx context.Context, projectID string, relations []*descope.FGARelation) error {
	if len(relations) == 0 {
		return nil
	}
	p, err := a.project(projectID)
	if err != nil {
		return err
	}
	if err := p.remote.CreateRelations(ctx, relations); err != nil {
		return err
	}
	p.cache.UpdateCacheWithAddedRelations(ctx, relations)
	return nil
}

func (a *authzCache) DeleteFGARelations(ctx context.Context, projectID string, relations []*descope.FGARelation) error {
	if len(relations) == 0 {
		return nil
	}
	p, err := a.project(projectID)
	if err != nil {
		return err
	}
	if err := p.remote.DeleteRelations(ctx, relations); err != nil {
		return err
	}
	p.cache.UpdateCacheWithDeletedRelations(ctx, relations)
	return nil
}

// Check answers from the cache what it can, asks the remote service the
// rest and caches its answers.
func (a *authzCache) Check(ctx context.Context, projectID string, relations []*descope.FGARelation) ([]*descope.FGACheck, error) {
	p, err := a.project(projectID)
	if err != nil {
		return nil, err
	}
	cached := make(map[int]*descope.FGACheck, len(relations))
	var toCheck []*descope.FGARelation
	for i, r := range relations {
		if allowed, direct, ok := p.cache.CheckRelation(ctx, r); ok {
			cached[i] = &descope.FGACheck{Allowed: allowed, Relation: r, Info: &descope.FGACheckInfo{Direct: direct}}
		} else {
			toCheck = append(toCheck, r)
		}
	}
	var fetched []*descope.FGACheck
	if len(toCheck) > 0 {
		if fetched, err = p.remote.Check(ctx, toCheck); err != nil {
			return nil, err
		}
		p.cache.UpdateCacheWithChecks(ctx, fetched)
	}
	result := make([]*descope.FGACheck, 0, len(relations))
	j := 0
	for i := range relations {
		if c, ok := cached[i]; ok {
			result = append(result, c)
		} else {
			result = append(result, fetched[j])
			j++
		}
	}
	return result, nil
}

func (a *authzCache) project(projectID string) (project, error) {
	if p, ok := a.projects.Load(projectID); ok {
		return p.(project), nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.projects.Load(projectID); ok {
		return p.(project), nil
	}
	log.Printf("creating the cache of project %s", projectID)
	fga := remote.New()
	cache, err := caches.NewProjectAuthzCache(a.base, fga)
	if err != nil {
		return project{}, err
	}
	cache.StartRemoteChangesPolling(a.base)
	p := project{cache: cache, remote: fga}
	a.projects.Store(projectID, p)
	return p, nil
}
