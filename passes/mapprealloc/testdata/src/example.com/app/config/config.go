// Package config declares configuration types; code that takes them is
// configuration code (see package example.com/app/rules).
package config

type Rule struct{ Equal []string }
