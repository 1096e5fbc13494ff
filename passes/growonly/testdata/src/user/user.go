// Package user deletes from the maps of lib, which lib cannot see.
package user

import "lib"

func Unregister(name string) {
	delete(lib.Registry, name)
	delete(lib.Default.Items, name)
}
