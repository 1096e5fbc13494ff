// Package config holds the pipeline's record type and stage parameters.
//
// Reproduces, in our own words, the shape of netobserv/flowlogs-pipeline
// before https://github.com/netobserv/flowlogs-pipeline/pull/326 (commit
// 4e957ce9, "Improving performance of generic map clone"): GenericMap.Copy,
// run by several stages of the pipeline for every flow record, made the
// copy empty and grew it entry by entry, though it copies len(m) entries;
// the fix made it with that size.
package config

import "recall/heldout/flpmapcopy/before/pkg/api"

// GenericMap is one flow record: field name to value.
type GenericMap map[string]interface{}

// Copy returns a flat copy of m.
func (m GenericMap) Copy() GenericMap {
	result := GenericMap{} // want mapprealloc "."

	for k, v := range m {
		result[k] = v
	}

	return result
}

// StageParam configures one stage of the pipeline.
type StageParam struct {
	Name      string
	Transform *Transform
}

// Transform configures a transform stage.
type Transform struct {
	Type   string
	Filter *api.TransformFilter
}
