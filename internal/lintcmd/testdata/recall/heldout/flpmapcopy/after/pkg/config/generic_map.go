// Package config holds the pipeline's record type and stage parameters.
//
// The fixed form of flpmapcopy (see the before form): after
// https://github.com/netobserv/flowlogs-pipeline/pull/326 (commit
// 4e957ce9) Copy makes its result with the size of the map it copies.
package config

import "recall/heldout/flpmapcopy/after/pkg/api"

// GenericMap is one flow record: field name to value.
type GenericMap map[string]interface{}

// Copy returns a flat copy of m.
func (m GenericMap) Copy() GenericMap {
	result := make(GenericMap, len(m))

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
