// Package vmaas holds the answer of the vulnerability service that
// patchmanevaluator asks which updates a system's packages have (see
// package evaluator).
package vmaas

// AvailableUpdate is one update of a package.
type AvailableUpdate struct {
	Package string `json:"package"`
	Erratum string `json:"erratum"`
}

// UpdateList is the updates of one installed package.
type UpdateList struct {
	AvailableUpdates []AvailableUpdate `json:"available_updates"`
}

// UpdatesResponse maps each installed package (by NEVRA) to its updates.
type UpdatesResponse struct {
	UpdateList map[string]UpdateList `json:"update_list"`
}
