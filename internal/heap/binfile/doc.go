// Package binfile reads the evidence a Go executable holds about the
// allocations in a heap profile.
//
// Heap profiles written by runtime/pprof drop the runtime frames, so map
// storage shows up as bytes allocated at a user source line. The leaf user
// frame of such a sample is a call into the runtime, and the call
// instruction names the allocator: runtime.mapassign_fast64 (map growth),
// runtime.makemap (initial sizing), runtime.newobject (not a map), ...
// [File.Callee] decodes that instruction; [File.Match] checks first that
// the binary is the one that produced the profile.
//
// # Address convention
//
// Measured with programs that set runtime.MemProfileRate = 1 and write
// pprof.Lookup("heap"), on linux/amd64 (non-PIE, PIE, -trimpath, -s -w):
// the Location.Address of every non-leaf frame, including the leaf user
// frame of a heap sample, is the return address minus 1, i.e. the last
// byte of the CALL instruction (runtime/pprof records runtime.Frame.PC of
// the return address). It is so with Go 1.23.12, 1.24.13, 1.25.14, 1.26.8
// and 1.27.4, and the tests assert it for every version they build. Other
// producers may record the return address itself, so Callee accepts a call
// ending at Address+1 or at Address (no call is one byte long, so both
// cannot be true). On arm64 the two conventions are told apart by
// alignment: Address%4 == 3 is return-1, Address%4 == 0 is the return
// address.
//
// For PIE executables Address is a run-time address: it is translated with
// the location's Mapping (Address - Start + Offset is a file offset) and the
// ELF PT_LOAD segments. A nil mapping, or one starting at zero, means the
// address is already a link-time address.
//
// On darwin runtime/pprof records the main executable as the __TEXT
// segment (which begins the file) at its slid address with Offset 0, so the
// same file-offset translation through the Mach-O segments applies. On
// windows it records the whole image at the module's load address with
// Offset 0: Address - Start is a relative virtual address (RVA), not a file
// offset, and the link-time address is ImageBase + RVA. Neither records a
// build ID that identifies the content (darwin writes none; windows writes
// the executable's path and modification time), so Match ignores it for
// Mach-O and PE binaries and checks symbolization; the windows mapping,
// the whole image, is held against SizeOfImage rather than the text.
// These conventions are read from runtime/pprof's source (proto_darwin.go,
// vminfo_darwin.go, proto_windows.go, pe.go); the tests build profiles that
// follow them, not profiles written on darwin or windows.
//
// # Callee names per Go version
//
// Names come from the Go pclntab, the names the runtime itself prints, so
// they are the same for a binary linked with -s -w and in full-stack
// profiles; the symbol table (ELF, Mach-O or COFF) is the fallback for code
// the pclntab does not cover (C code in cgo binaries). What the call sites of a test program
// named (amd64; Go 1.24.13 and 1.25.14 name the same as 1.26.8; arm64
// cross-builds of 1.26.8 give the same names):
//
//	site                    Go 1.23.12               Go 1.26.8                Go 1.27.4
//	m[i] = v (int key)      runtime.mapassign_fast64 runtime.mapassign_fast64 runtime.mapassign_fast64
//	m[s] = v (string key)   runtime.mapassign_faststr (all three)
//	make(map[int]int, 1000) runtime.makemap (all three)
//	make(map[int]int)       runtime.makemap_small (all three)
//	p := &T{a: i} (escapes) runtime.newobject        runtime.newobject        runtime.mallocgcSmallNoScanSC3
//
// Since Go 1.24 the map code lives in internal/runtime/maps, but the
// functions the compiler calls are linknamed to their old runtime names,
// so binaries of every version name runtime.mapassign_fast64 and friends,
// never internal/runtime/maps.*. Go 1.27 calls size-class-specialized
// allocators (runtime.mallocgcSmallNoScanSC<n>, runtime.mallocgcSmallScan...)
// directly for small fixed-size objects instead of runtime.newobject, so
// "not a map" must be recognised by those names too.
//
// # Cost
//
// Open maps the file and parses only the headers and the pclntab header;
// name and line lookups are binary searches over the mapped pclntab, not a
// debug/gosym table built in advance. (debug/macho and debug/pe read the
// whole symbol table at Open, which debug/elf does not.) Callee decodes one
// instruction and caches its answer per address. Match checks at most 300
// locations. See docs/bench/binfile.md for figures.
//
// # Formats
//
// Supported: executables for amd64 and arm64 built by Go 1.18 or later
// (pclntab format 1.18/1.20), with or without symbol table:
//
//   - ELF (linux and the BSDs), internally or externally linked (cgo), PIE
//     or not. The pclntab is the .gopclntab section.
//   - Mach-O (darwin), thin files only: a universal file is refused with
//     the architectures it holds, since a profile does not say which one
//     wrote it (lipo -thin extracts it). The pclntab is the __gopclntab
//     section (__TEXT in Go 1.26, __DATA_CONST in Go 1.23); the build info
//     __go_buildinfo; the entry point is read from LC_MAIN or LC_UNIXTHREAD.
//   - PE (windows), PE32+ executables, not DLLs. The pclntab is the part of
//     .rdata between the symbols runtime.pclntab and runtime.epclntab; a
//     binary linked with -s has no symbols, and the table is found by its
//     header and confirmed by the runtime's module data, which points at
//     it and gives its end. The build info is at the start of .data.
//
// Function offsets in the pclntab are relative to runtime.text, which an
// external linker moves past C code: when the entry point is not a Go
// function it is taken from the symbol table or, in a stripped binary,
// from the runtime's module data. Mach-O and PE binaries are tested as the
// Go linker makes them (CGO_ENABLED=0, cross-compiled); externally linked
// ones take the same paths but are not tested.
package binfile
