// Package otelcol reproduces, in its own words, the factory map of the
// OpenTelemetry Collector that got a size hint in the same change as
// package batchprocessor (see there for the upstream link): the map of
// component factories by type, built from a list of known length.
package otelcol

import "fmt"

// Type names a kind of component ("otlp", "batch", ...).
type Type string

// Factory makes the components of one type.
type Factory interface {
	Type() Type
}

// aliasHolder is implemented by factories still reachable under a
// deprecated type name.
type aliasHolder interface {
	DeprecatedAlias() Type
}

// MakeFactoryMap indexes factories by type, and by deprecated alias too;
// two factories of one type are an error.
func MakeFactoryMap[T Factory](factories ...T) (map[Type]T, error) {
	fMap := make(map[Type]T, len(factories))
	for _, f := range factories {
		if _, ok := fMap[f.Type()]; ok {
			return fMap, fmt.Errorf("duplicate component factory %q", f.Type())
		}
		fMap[f.Type()] = f
		if a, ok := any(f).(aliasHolder); ok {
			if alias := a.DeprecatedAlias(); alias != "" {
				if _, exists := fMap[alias]; exists {
					return fMap, fmt.Errorf("duplicate component factory %q (alias of %q)", alias, f.Type())
				}
				fMap[alias] = f
			}
		}
	}
	return fMap, nil
}
