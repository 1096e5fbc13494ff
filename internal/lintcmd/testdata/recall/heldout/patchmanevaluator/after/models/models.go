// Package models holds the database rows of patchmanevaluator (see
// package evaluator).
package models

// SystemPlatform is one registered system of an account.
type SystemPlatform struct {
	ID          int64
	RhAccountID int
	InventoryID string
	Stale       bool
}

// Advisory is one known advisory (erratum).
type Advisory struct {
	ID   int64
	Name string
}

// SystemAdvisories says that a system is affected by an advisory.
type SystemAdvisories struct {
	RhAccountID int
	SystemID    int64
	AdvisoryID  int64
	Advisory    Advisory
}

// AdvisoryAccountData is the change of one account's count of systems
// affected by an advisory.
type AdvisoryAccountData struct {
	AdvisoryID      int64
	RhAccountID     int
	SystemsAffected int
}

// Package is one known package build.
type Package struct {
	ID     int64
	NameID int64
	Name   string
	EVRA   string
}
