// Package kubeconfig holds the clusters Headlamp knows, each as a Context,
// and makes API clients for them.
package kubeconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Context is one cluster of the configuration. ClusterID is
// "<source>+<name>", as Headlamp builds it.
type Context struct {
	Name      string
	ClusterID string
	Server    string
}

// Clientset talks to one cluster's API server as one user.
type Clientset struct {
	server string
	token  string
	http   *http.Client
}

// ClientSetWithToken returns a client for the cluster that authenticates
// with the bearer token of the user.
func (c *Context) ClientSetWithToken(token string) (*Clientset, error) {
	if c.Server == "" {
		return nil, errors.New("kubeconfig: context has no server")
	}
	return &Clientset{
		server: c.Server,
		token:  token,
		http:   &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 10 * time.Second},
	}, nil
}

// AccessReview asks the API server whether the user may do verb on
// resource.
func (cs *Clientset) AccessReview(resource, verb string) (bool, error) {
	body, err := json.Marshal(map[string]string{"resource": resource, "verb": verb})
	if err != nil {
		return false, err
	}
	req, err := http.NewRequest(http.MethodPost, cs.server+"/apis/authorization/selfsubjectaccessreviews", bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+cs.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := cs.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("access review: %s", resp.Status)
	}
	var out struct {
		Allowed bool `json:"allowed"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return false, err
	}
	return out.Allowed, nil
}

// Store holds the contexts by name.
type Store struct {
	mu       sync.RWMutex
	contexts map[string]*Context
}

// NewStore returns a store of the given contexts.
func NewStore(contexts ...*Context) *Store {
	s := &Store{contexts: make(map[string]*Context, len(contexts))}
	for _, c := range contexts {
		s.contexts[c.Name] = c
	}
	return s
}

// GetContext returns the context of that name.
func (s *Store) GetContext(name string) (*Context, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.contexts[name]
	if !ok {
		return nil, fmt.Errorf("kubeconfig: no context %q", name)
	}
	return c, nil
}
