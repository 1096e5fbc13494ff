// Package descope holds the fine-grained authorization types the cache
// shares with the remote service (a stand-in for the Descope Go SDK's).
package descope

import "time"

// FGARelation says that Target has Relation to Resource.
type FGARelation struct {
	Resource string `json:"resource"`
	Relation string `json:"relation"`
	Target   string `json:"target"`
}

// FGACheckInfo tells how a check was answered.
type FGACheckInfo struct {
	// Direct is true when the relation itself is stored, false when it
	// follows from the schema and other relations.
	Direct bool `json:"direct"`
}

// FGACheck is the answer for one relation.
type FGACheck struct {
	Allowed  bool          `json:"allowed"`
	Relation *FGARelation  `json:"relation"`
	Info     *FGACheckInfo `json:"info"`
}

// FGASchema is a project's authorization schema.
type FGASchema struct {
	Schema string `json:"schema"`
}

// AuthzModified lists what changed remotely since a time.
type AuthzModified struct {
	Resources     []string
	Targets       []string
	SchemaChanged bool
	Since         time.Time
}
