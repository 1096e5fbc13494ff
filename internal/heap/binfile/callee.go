package binfile

import (
	"strings"

	"github.com/google/pprof/profile"
	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"
)

// Callee returns the name of the function directly called by the call
// instruction that precedes the return address of loc.
//
// loc.Address is translated to a link-time address through loc.Mapping
// (see linkAddr: the load segments for ELF and Mach-O, which covers PIE and
// ASLR, the image base for PE). The address
// may be the return address itself or one less: runtime/pprof writes
// return address - 1 (see the package documentation); other producers write
// the return address. A call ending at address+1 is preferred, then one
// ending at address; both cannot exist, since no call instruction is one
// byte long.
//
// ok is false when no direct call ends there: an indirect call (a closure,
// an interface method), an address outside the text, or a location whose
// address is not a return address at all.
//
// loc should belong to the main executable's mapping, the one Match checked;
// a location whose mapping has another build ID, or on darwin and windows
// is a shared library (.dylib, .dll), gets ok == false.
//
// Results are cached per address, so calling Callee for every location of
// a large profile decodes each call site once.
func (f *File) Callee(loc *profile.Location) (name string, ok bool) {
	if f == nil || loc == nil {
		return "", false
	}
	if m := loc.Mapping; m != nil && m.BuildID != "" && f.buildID != "" && m.BuildID != f.buildID {
		// A location in another file (a shared library) or of another build.
		return "", false
	}
	if m := loc.Mapping; m != nil && f.format != "ELF" && isLibrary(m.File) {
		// darwin and windows profiles have no build IDs to tell a system
		// library's mapping from the executable's; its name does.
		return "", false
	}
	addr, ok := f.linkAddr(loc.Address, loc.Mapping)
	if !ok {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.data == nil {
		return "", false
	}
	if c, hit := f.callees[addr]; hit {
		return c.name, c.ok
	}
	name, ok = f.calleeAt(addr)
	if f.callees == nil {
		f.callees = make(map[uint64]callee)
	}
	f.callees[addr] = callee{name, ok}
	return name, ok
}

// isLibrary reports whether a mapping's file is a shared library of darwin
// or windows, which File (an executable) never is.
func isLibrary(file string) bool {
	lower := strings.ToLower(file)
	return strings.HasSuffix(lower, ".dll") || strings.HasSuffix(lower, ".dylib") || file == "/usr/lib/dyld"
}

// CalleeAt is Callee for a link-time address (as the symbol table and
// `go tool objdump` show it), with no mapping to apply.
func (f *File) CalleeAt(addr uint64) (name string, ok bool) {
	return f.Callee(&profile.Location{Address: addr})
}

// linkAddr translates a profile address to the address the binary was
// linked at. A nil or empty mapping means the address is already one.
//
// For ELF and Mach-O, Address - Start + Offset is a file offset, which the
// load segments turn into an address: runtime/pprof on linux records each
// mapping of the executable with its file offset, and on darwin the
// __TEXT segment (which starts the file) at its slid address with Offset
// 0. On windows it records the module's load address with Offset 0: the
// distance from it is a relative virtual address (RVA), not a file offset,
// since sections lie at other offsets in the file than in memory, and the
// link-time address is ImageBase + RVA.
func (f *File) linkAddr(addr uint64, m *profile.Mapping) (uint64, bool) {
	if m == nil || m.Start == 0 && m.Limit == 0 && m.Offset == 0 {
		return addr, true
	}
	if addr < m.Start || m.Limit > m.Start && addr >= m.Limit {
		return 0, false
	}
	if m.Start == 0 && m.Offset == 0 {
		// A mapping that starts at zero is one a converter invented to
		// carry addresses that are already link-time addresses.
		return addr, true
	}
	if f.format == "PE" {
		rva := addr - m.Start + m.Offset
		if rva >= f.imageSize {
			return 0, false
		}
		return f.imageBase + rva, true
	}
	return f.offsetToAddr(addr - m.Start + m.Offset)
}

func (f *File) calleeAt(addr uint64) (name string, ok bool) {
	defer withFaults()()
	defer func() {
		if r := recover(); r != nil {
			name, ok = "", false
		}
	}()
	switch f.arch {
	case "amd64":
		if addr == ^uint64(0) {
			return "", false
		}
		for _, ret := range [2]uint64{addr + 1, addr} {
			if target, ok := f.amd64DirectCall(ret); ok {
				if name, ok := f.funcNameAtEntry(target); ok {
					return name, true
				}
			}
		}
	case "arm64":
		// Instructions are 4 bytes and 4-aligned, so the convention shows
		// in the address: runtime/pprof's return address - 1 ends in 3.
		ret := addr
		switch addr % 4 {
		case 3:
			ret = addr + 1
		case 0:
		default:
			return "", false
		}
		if target, ok := f.arm64DirectCall(ret); ok {
			return f.funcNameAtEntry(target)
		}
	}
	return "", false
}

// amd64DirectCall decodes the 5-byte CALL rel32 ending at ret. Only direct
// calls name their callee; requiring that the target is a function entry
// (checked by the caller) rules out bytes that merely look like E8 rel32,
// e.g. the tail of an indirect call, whose "target" would be arbitrary.
func (f *File) amd64DirectCall(ret uint64) (uint64, bool) {
	const callLen = 5
	if ret < f.textLo+callLen || ret > f.textHi {
		return 0, false
	}
	code, ok := f.bytesAt(ret-callLen, callLen)
	if !ok || code[0] != 0xe8 {
		return 0, false
	}
	inst, err := x86asm.Decode(code, 64)
	if err != nil || inst.Op != x86asm.CALL || inst.Len != callLen {
		return 0, false
	}
	rel, ok := inst.Args[0].(x86asm.Rel)
	if !ok {
		return 0, false
	}
	return ret + uint64(int64(rel)), true
}

// arm64DirectCall decodes the BL instruction ending at ret.
func (f *File) arm64DirectCall(ret uint64) (uint64, bool) {
	if ret < f.textLo+4 || ret > f.textHi {
		return 0, false
	}
	code, ok := f.bytesAt(ret-4, 4)
	if !ok {
		return 0, false
	}
	inst, err := arm64asm.Decode(code)
	if err != nil || inst.Op != arm64asm.BL {
		return 0, false
	}
	rel, ok := inst.Args[0].(arm64asm.PCRel)
	if !ok {
		return 0, false
	}
	return ret - 4 + uint64(int64(rel)), true
}

// funcNameAtEntry names the function starting exactly at addr. The pclntab
// comes first: its names are the ones the runtime prints (and so the ones
// in full-stack profiles), they are present in binaries linked with -s, and
// looking one up costs a binary search over data already mapped. The
// symbol table (ELF, Mach-O or COFF) covers what the pclntab does not: C
// code in cgo binaries.
//
// Names are cached per target: a profile's call sites call few distinct
// functions (mapassign, newobject, ...), so this saves a string per site.
func (f *File) funcNameAtEntry(addr uint64) (string, bool) {
	if name, ok := f.targets[addr]; ok {
		return name, name != ""
	}
	name, ok := f.lookupEntryName(addr)
	if f.targets == nil {
		f.targets = make(map[uint64]string)
	}
	f.targets[addr] = name
	return name, ok
}

func (f *File) lookupEntryName(addr uint64) (string, bool) {
	if fn, ok := f.pcln.funcAtEntry(addr); ok {
		if name, ok := f.pcln.funcName(fn); ok && name != "" {
			return name, true
		}
	}
	name, ok := f.symbols().nameAt(addr)
	return name, ok && name != ""
}
