// Package config declares configuration types; code that takes them is
// configuration code (see package example.com/app/rules).
package config

type Rule struct{ Equal []string }

// Record is the program's data, declared beside the configuration (a
// flow record of flowlogs-pipeline's pkg/config): neither its methods nor
// the code that takes one are configuration code.
type Record map[string]any

func (r Record) Copy() Record {
	out := Record{} // want `map out is made without a size hint but the loop below fills it len\(r\) times`
	for k, v := range r {
		out[k] = v
	}
	return out
}

// Pairs is configuration, a list of structs (centrifugo's
// internal/configtypes): its methods read configuration, once per load.
type Pair struct{ Key, Value string }

type Pairs []Pair

func (p Pairs) ToMap() map[string]string {
	m := make(map[string]string)
	for _, kv := range p {
		m[kv.Key] = kv.Value
	}
	return m
}
