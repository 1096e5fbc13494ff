// Package transform holds the pipeline's transform stages.
package transform

import (
	"fmt"
	"log"

	"recall/heldout/flpmapcopy/before/pkg/api"
	"recall/heldout/flpmapcopy/before/pkg/config"
)

// Transformer changes a flow record, or drops it (false).
type Transformer interface {
	Transform(in config.GenericMap) (config.GenericMap, bool)
}

// Filter removes fields of a record, or the record, by its rules.
type Filter struct {
	Rules []api.TransformFilterRule
}

// Transform applies the rules to a copy of entry.
func (f *Filter) Transform(entry config.GenericMap) (config.GenericMap, bool) {
	outputEntry := entry.Copy()
	for _, rule := range f.Rules {
		switch rule.Type {
		case api.RemoveField:
			delete(outputEntry, rule.Input)
		case api.RemoveEntryIfExists:
			if _, ok := entry[rule.Input]; ok {
				return nil, false
			}
		case api.RemoveEntryIfDoesntExist:
			if _, ok := entry[rule.Input]; !ok {
				return nil, false
			}
		case api.RemoveEntryIfEqual:
			if v, ok := entry[rule.Input]; ok && v == rule.Value {
				return nil, false
			}
		case api.RemoveEntryIfNotEqual:
			if v, ok := entry[rule.Input]; ok && v != rule.Value {
				return nil, false
			}
		default:
			log.Panicf("unknown filter rule type %s", rule.Type)
		}
	}
	return outputEntry, true
}

// NewTransformFilter returns the filter stage params configure.
func NewTransformFilter(params config.StageParam) (Transformer, error) {
	if params.Transform == nil || params.Transform.Filter == nil {
		return nil, fmt.Errorf("stage %s: no filter rules", params.Name)
	}
	return &Filter{Rules: params.Transform.Filter.Rules}, nil
}
