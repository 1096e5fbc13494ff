package main

import "runtime/debug"

// version reports the module version mapscope was built from, as recorded
// by the go command ("(devel)" for a build from a checkout).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(unknown)"
	}
	return info.Main.Version
}
