package rules

import "example.com/app/config"

// newRule takes a type of a config package: not reported.
func newRule(r config.Rule) map[string]bool {
	m := make(map[string]bool)
	for _, l := range r.Equal {
		m[l] = true
	}
	return m
}

type Rule struct{ Equal []string }

// Near miss: the same type, declared outside a config package.
func compile(r Rule) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(r.Equal\) times`
	for _, l := range r.Equal {
		m[l] = true
	}
	return m
}

// A record of a config package is data: the fields it is filtered by
// are no configuration.
func keep(r config.Record, names []string) map[string]any {
	m := make(map[string]any) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		m[n] = r[n]
	}
	return m
}
