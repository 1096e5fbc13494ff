// Package remote stands in for the authorization service the cache sits in
// front of: it stores a project's schema and relations, and answers checks
// (a relation is allowed when it is stored, or when its target holds the
// "owner" relation to the resource, an indirect answer).
package remote

import (
	"context"
	"sync"
	"time"

	"recall/heldout/authzcacheindex/before/pkg/descope"
)

// FGA is one project's remote store.
type FGA struct {
	mu        sync.Mutex
	schema    string
	relations map[descope.FGARelation]bool
	changes   []change
	schemaAt  time.Time
}

type change struct {
	at               time.Time
	resource, target string
}

// New returns an empty project store.
func New() *FGA {
	return &FGA{relations: map[descope.FGARelation]bool{}}
}

// SaveSchema replaces the schema.
func (f *FGA) SaveSchema(_ context.Context, schema *descope.FGASchema) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.schema = schema.Schema
	f.schemaAt = time.Now()
	return nil
}

// CreateRelations stores relations.
func (f *FGA) CreateRelations(_ context.Context, relations []*descope.FGARelation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range relations {
		f.relations[*r] = true
		f.changes = append(f.changes, change{time.Now(), r.Resource, r.Target})
	}
	f.trim()
	return nil
}

// DeleteRelations drops relations.
func (f *FGA) DeleteRelations(_ context.Context, relations []*descope.FGARelation) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range relations {
		delete(f.relations, *r)
		f.changes = append(f.changes, change{time.Now(), r.Resource, r.Target})
	}
	f.trim()
	return nil
}

// trim keeps the changes of the last hour.
func (f *FGA) trim() {
	cut := time.Now().Add(-time.Hour)
	i := 0
	for i < len(f.changes) && f.changes[i].at.Before(cut) {
		i++
	}
	f.changes = append(f.changes[:0], f.changes[i:]...)
}

// Check answers each relation.
func (f *FGA) Check(_ context.Context, relations []*descope.FGARelation) ([]*descope.FGACheck, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	checks := make([]*descope.FGACheck, 0, len(relations))
	for _, r := range relations {
		if f.relations[*r] {
			checks = append(checks, &descope.FGACheck{Allowed: true, Relation: r, Info: &descope.FGACheckInfo{Direct: true}})
			continue
		}
		owner := f.relations[descope.FGARelation{Resource: r.Resource, Relation: "owner", Target: r.Target}]
		checks = append(checks, &descope.FGACheck{Allowed: owner, Relation: r, Info: &descope.FGACheckInfo{Direct: !owner}})
	}
	return checks, nil
}

// GetModified lists the resources and targets changed since since.
func (f *FGA) GetModified(_ context.Context, since time.Time) (*descope.AuthzModified, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := &descope.AuthzModified{Since: since, SchemaChanged: f.schemaAt.After(since)}
	for _, c := range f.changes {
		if c.at.After(since) {
			m.Resources = append(m.Resources, c.resource)
			m.Targets = append(m.Targets, c.target)
		}
	}
	return m, nil
}
