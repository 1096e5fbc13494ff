// Package mapruntime is the one home of what mapscope knows about the Go
// runtime's maps, shared by the command (the root module) and the runtime
// libraries (mapstats, mapwatch, maptest):
//
//   - [funcname]: how function names in profiles and binaries are spelled
//     (package paths, %2e escapes, generic shapes);
//   - [mapkind]: which runtime and library functions mean map storage, of
//     which kind, and which allocate something else;
//   - [sizeclass]: the allocator's size classes;
//   - [mapop]: which map operation a CPU sample or a stack is in;
//   - mapsite: raw runtime.MemProfile records classified as map storage;
//   - testenv: the rule every module's tests follow for outside tools.
//
// It is a module of its own, with no dependencies and the oldest Go the
// libraries support, because mapstats (Go 1.24) must not depend on the
// root module (Go 1.26), and the root module must not keep a second copy.
// It lives under internal/, so only mapscope's own modules can import it:
// it is not an API, and changes with what the runtime does.
package mapruntime
