// Package api describes the stages' configuration.
package api

// TransformFilterOperationName names what a filter rule does.
type TransformFilterOperationName string

// The filter rules.
const (
	RemoveField              TransformFilterOperationName = "remove_field"
	RemoveEntryIfExists      TransformFilterOperationName = "remove_entry_if_exists"
	RemoveEntryIfDoesntExist TransformFilterOperationName = "remove_entry_if_doesnt_exist"
	RemoveEntryIfEqual       TransformFilterOperationName = "remove_entry_if_equal"
	RemoveEntryIfNotEqual    TransformFilterOperationName = "remove_entry_if_not_equal"
)

// TransformFilter is the configuration of a filter stage.
type TransformFilter struct {
	Rules []TransformFilterRule `json:"rules"`
}

// TransformFilterRule is one rule of a filter stage.
type TransformFilterRule struct {
	Input string                       `json:"input"`
	Type  TransformFilterOperationName `json:"type"`
	Value interface{}                  `json:"value"`
}
