package binfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/pprof/profile"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
)

// maxMatchChecks bounds the symbolization check of Match: enough locations
// to make an accidental match of a different build hopeless, few enough
// that Match costs well under a millisecond.
const maxMatchChecks = 300

// Match returns nil when f is the executable whose run produced p, and an
// error saying why not otherwise.
//
// When the profile's main mapping and an ELF binary both carry a GNU build
// ID (Go 1.24+ links one by default) they must be equal. Mach-O and PE
// binaries have none, and their profiles carry none that says anything
// about the content (runtime/pprof writes "" on darwin, and the
// executable's path and modification time on windows), so the profile's
// build ID is not compared with them. Otherwise the
// profile's executable mapping must fit in the binary's text segment, and
// the binary must symbolize the profile's main-executable locations exactly as the
// profile does: for every checked location (at most maxMatchChecks, spread
// over the profile) the function containing the address must be the
// outermost function of the location, and the file and line of the address
// must be those of its innermost line. A build of modified source, with
// other flags (-trimpath) or another toolchain moves or renames code and is
// refused.
func (f *File) Match(p *profile.Profile) (err error) {
	if f == nil || f.data == nil {
		return errors.New("binfile: Match on a closed file")
	}
	if p == nil {
		return fmt.Errorf("binfile: %s: no profile to match", f.path)
	}
	defer withFaults()()
	defer guard(&err)

	m := mainMapping(p)
	if m != nil && m.BuildID != "" && f.format == "ELF" {
		switch {
		case f.buildID == m.BuildID:
			return nil
		case f.buildID != "":
			return fmt.Errorf("binfile: %s is not the binary that produced the profile: its build ID is %s, the profile's executable (%s) has %s",
				f.path, f.buildID, m.File, m.BuildID)
		default:
			return fmt.Errorf("binfile: %s is not the binary that produced the profile: it has no build ID, the profile's executable (%s) has %s",
				f.path, m.File, m.BuildID)
		}
	}

	if why := f.mappingFits(m); why != "" {
		return fmt.Errorf("binfile: %s is not the binary that produced the profile: %s", f.path, why)
	}

	var locs []*profile.Location
	for _, loc := range p.Location {
		if loc == nil || loc.Address == 0 || len(loc.Line) == 0 || (m != nil && loc.Mapping != m) {
			continue
		}
		if loc.Line[0].Function == nil || loc.Line[len(loc.Line)-1].Function == nil {
			continue
		}
		locs = append(locs, loc)
	}
	if len(locs) == 0 {
		return fmt.Errorf("binfile: cannot check that %s produced the profile: the profile has no build ID and no symbolized locations in its main executable", f.path)
	}
	step := 1
	if len(locs) > maxMatchChecks {
		step = len(locs) / maxMatchChecks
	}
	checked, bad := 0, 0
	var first string
	for i := 0; i < len(locs) && checked < maxMatchChecks; i += step {
		checked++
		if why := f.symbolizesAs(locs[i]); why != "" {
			if bad == 0 {
				first = why
			}
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("binfile: %s is not the binary that produced the profile: %d of %d checked locations symbolize differently, e.g. %s",
			f.path, bad, checked, first)
	}
	return nil
}

// mappingFits checks that the profile's executable mapping is no larger than
// the binary's executable segment: a build with more code is refused even if
// no sampled location moved. A smaller mapping is fine, since the kernel may
// split one segment into several mappings. On windows the mapping is the
// whole image, so it is held against the image's size.
func (f *File) mappingFits(m *profile.Mapping) string {
	if m == nil || m.Limit <= m.Start {
		return ""
	}
	if f.format == "PE" {
		if m.Limit-m.Start > f.imageSize {
			return fmt.Sprintf("the profile's executable mapping (%s) is %d bytes, more than the binary's image (%d bytes)", m.File, m.Limit-m.Start, f.imageSize)
		}
		return ""
	}
	for _, s := range f.loads {
		if !s.exec || s.align == 0 || s.align&(s.align-1) != 0 {
			continue
		}
		lo := s.off &^ (s.align - 1)
		if m.Offset != lo {
			continue
		}
		size := (s.off+s.memsz+s.align-1)&^(s.align-1) - lo
		if m.Limit-m.Start > size {
			return fmt.Sprintf("the profile's executable mapping (%s) is %d bytes, more than the binary's text segment (%d bytes)", m.File, m.Limit-m.Start, size)
		}
		return ""
	}
	return ""
}

// symbolizesAs checks one location against the binary and returns "" when
// they agree, or what differs.
func (f *File) symbolizesAs(loc *profile.Location) string {
	addr, ok := f.linkAddr(loc.Address, loc.Mapping)
	if !ok {
		return fmt.Sprintf("address %#x is outside the binary's segments", loc.Address)
	}
	inner := loc.Line[0]
	outer := loc.Line[len(loc.Line)-1]
	fn, ok := f.pcln.findFunc(addr)
	if !ok {
		return fmt.Sprintf("%s at %#x: address %#x is outside the binary's Go code", outer.Function.Name, loc.Address, addr)
	}
	name, _ := f.pcln.funcName(fn)
	// Go 1.21-1.23 profiles spell a generic function with its shapes,
	// which the binary's printed name elides: compare both elided.
	if bin := printName(name); bin != funcname.Generic(outer.Function.Name) && !elidedWrapper(bin) {
		return fmt.Sprintf("address %#x is in %s in the profile but in %s in the binary", loc.Address, outer.Function.Name, printName(name))
	}
	file, line, ok := f.pcln.lineAt(fn, addr)
	if ok && file == inner.Function.Filename && int64(line) == inner.Line {
		return ""
	}
	// A producer that records return addresses rather than return
	// address - 1 symbolizes the byte before.
	if addr > fn.entry {
		if file2, line2, ok2 := f.pcln.lineAt(fn, addr-1); ok2 && file2 == inner.Function.Filename && int64(line2) == inner.Line {
			return ""
		}
	}
	return fmt.Sprintf("address %#x is %s:%d in the profile but %s:%d in the binary", loc.Address, inner.Function.Filename, inner.Line, file, line)
}

// mainMapping returns the mapping of the main executable: the first one, by
// the convention runtime/pprof and pprof follow, skipping pseudo-mappings
// such as [vdso] in case a producer put them first.
func mainMapping(p *profile.Profile) *profile.Mapping {
	for _, m := range p.Mapping {
		if m != nil && !strings.HasPrefix(m.File, "[") {
			return m
		}
	}
	return nil
}

// elidedWrapper reports compiler-generated wrappers that the runtime's
// traceback leaves out of a stack (Go 1.21-1.23 symbolize through them):
// the closure of a go or defer statement (f.gowrap1, f.deferwrap1) and a
// method value (T.M-fm). At such an address the profile names the
// function inlined into the wrapper, not the wrapper; the line check that
// follows still compares the innermost position.
func elidedWrapper(name string) bool {
	return strings.HasSuffix(name, "-fm") || strings.Contains(name, ".gowrap") || strings.Contains(name, ".deferwrap")
}
