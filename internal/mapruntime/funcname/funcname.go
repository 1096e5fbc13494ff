// Package funcname reads the function names that profiles and binaries
// record, such as "example.com/svc/store.(*Store[go.shape.string]).Put.func1".
//
// The Go linker spells a function as its package's import path, a dot, and
// the name within the package; a dot in the last element of the import
// path is escaped as %2e ("gopkg.in/yaml%2ev3.Unmarshal"), and type
// arguments of generic functions appear in brackets, which may hold
// further import paths.
package funcname

import "strings"

// Split splits a function name into its package import path, unescaped,
// and the rest ("(*Store).Put.func1"). ok is false for names without a
// package, such as a bare address.
func Split(fn string) (pkg, rest string, ok bool) {
	if fn == "" {
		return "", "", false
	}
	// The package path ends at the first dot after its last slash; slashes
	// and dots inside a receiver or type arguments do not count.
	head := fn
	if i := strings.IndexAny(head, "(["); i >= 0 {
		head = head[:i]
	}
	slash := strings.LastIndexByte(head, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return "", "", false
	}
	end := slash + 1 + dot
	pkg, rest = Unescape(fn[:end]), fn[end+1:]
	if pkg == "" || rest == "" {
		return "", "", false
	}
	return pkg, rest, true
}

// Package returns the import path of fn's package, or fn itself when it
// has none.
func Package(fn string) string {
	pkg, _, ok := Split(fn)
	if !ok {
		return fn
	}
	return pkg
}

// Unescape undoes the linker's escaping of dots in a package path.
func Unescape(pkg string) string {
	if !strings.Contains(pkg, "%") {
		return pkg
	}
	return strings.ReplaceAll(pkg, "%2e", ".")
}

// IsMain reports whether pkg is the package of a command.
func IsMain(pkg string) bool {
	return pkg == "main" || pkg == "command-line-arguments"
}

// IsStandard reports whether an import path belongs to the standard
// library (or the runtime): its first element has no dot. Package main is
// not standard, whatever its path.
func IsStandard(pkg string) bool {
	if IsMain(pkg) {
		return false
	}
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".")
}

// InModule reports whether pkg is module mod or one of its packages.
func InModule(pkg, mod string) bool {
	return pkg == mod || strings.HasPrefix(pkg, mod+"/")
}

// Short drops the package path but for its last element:
// "example.com/svc/store.(*Store).Put" becomes "store.(*Store).Put".
func Short(fn string) string {
	head := fn
	if i := strings.IndexAny(head, "(["); i >= 0 {
		head = head[:i]
	}
	if i := strings.LastIndexByte(head, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	if pkg, rest, ok := Split(fn); ok {
		return pkg + "." + rest
	}
	return fn
}

// Generic elides the type arguments of a generic function name the way
// the runtime prints names (runtime.funcNameForPrint: from the first '['
// to the last ']'): "pkg.(*LRU[go.shape.string,go.shape.[]uint8]).Add"
// becomes "pkg.(*LRU[...]).Add". Profiles of Go 1.21-1.23 keep the
// shapes that later ones and the binary's printed names elide, so names
// are compared in this form.
func Generic(fn string) string {
	i := strings.IndexByte(fn, '[')
	if i < 0 {
		return fn
	}
	j := strings.LastIndexByte(fn, ']')
	if j <= i {
		return fn
	}
	return fn[:i] + "[...]" + fn[j+1:]
}
