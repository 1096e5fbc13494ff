package heapcmd

import (
	"errors"
	"fmt"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/attribute"
	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/binfile"
	"github.com/mapscope/mapscope/internal/srcline"
)

// evidence holds the optional binary and source, opened and checked
// against the profile(s).
type evidence struct {
	binary     *binfile.File
	source     *sourceAdapter
	mainModule string
	warnings   []string
}

func openEvidence(binPath, srcDir, name string, p *profile.Profile, baseName string, baseProf *profile.Profile) (*evidence, error) {
	ev := &evidence{}
	if binPath != "" {
		f, err := binfile.Open(binPath)
		if err != nil {
			return nil, &base.InputError{Name: binPath, Err: err}
		}
		for prof, pp := range map[string]*profile.Profile{name: p, baseName: baseProf} {
			if pp == nil {
				continue
			}
			if err := f.Match(pp); err != nil {
				f.Close()
				return nil, &base.InputError{Name: binPath, Err: fmt.Errorf("%w (profile %s)", err, prof)}
			}
		}
		ev.binary = f
		ev.mainModule = f.MainModule()
	}
	if srcDir != "" {
		t, err := srcline.Open(srcDir)
		if err != nil {
			ev.close()
			return nil, &base.InputError{Name: srcDir, Err: err}
		}
		// One go command run for every package the profiles name, rather
		// than one per package on first lookup.
		t.Preload(profileFrames(p, baseProf))
		ev.source = &sourceAdapter{t}
		mod := t.ModulePath()
		if ev.mainModule != "" && ev.mainModule != "command-line-arguments" && mod != ev.mainModule {
			ev.close()
			return nil, base.Inputf(srcDir, "module %s, but the binary was built from module %s", mod, ev.mainModule)
		}
		if ev.mainModule == "" || ev.mainModule == "command-line-arguments" {
			ev.mainModule = mod
		}
	}
	if ev.mainModule == "command-line-arguments" {
		ev.mainModule = ""
	}
	return ev, nil
}

func (ev *evidence) close() {
	if ev.binary != nil {
		ev.binary.Close()
	}
}

// names lists the evidence available, in ladder order.
func (ev *evidence) names() []string {
	out := []string{"stack"}
	if ev.binary != nil {
		out = append(out, "binary")
	}
	if ev.source != nil {
		out = append(out, "source")
	}
	return out
}

// sourceAdapter presents a srcline.Tree as an attribute.Source.
type sourceAdapter struct{ t *srcline.Tree }

var opKinds = map[srcline.Kind]attribute.OpKind{
	srcline.MapAssign:    attribute.OpMapAssign,
	srcline.MapMake:      attribute.OpMapMake,
	srcline.MapLiteral:   attribute.OpMapLiteral,
	srcline.MapClone:     attribute.OpMapClone,
	srcline.MapDecode:    attribute.OpMapDecode,
	srcline.MapReflect:   attribute.OpMapReflect,
	srcline.SyncMapStore: attribute.OpSyncMap,
	srcline.Alloc:        attribute.OpAlloc,
	srcline.Call:         attribute.OpCall,
}

func (s *sourceAdapter) Line(fn, file string, line int) (*attribute.Line, error) {
	l, err := s.t.Lookup(fn, file, line)
	if err != nil {
		if errors.Is(err, srcline.ErrNotInTree) || errors.Is(err, srcline.ErrAmbiguous) {
			return nil, errors.Join(attribute.ErrOutside, err)
		}
		return nil, err
	}
	out := &attribute.Line{Path: l.Path}
	for _, op := range l.Ops {
		k, ok := opKinds[op.Kind]
		if !ok {
			continue
		}
		out.Ops = append(out.Ops, attribute.Op{
			Kind: k, Expr: op.Expr, Type: op.Type, Hint: op.Hint,
			SlotSize: op.SlotSize, BucketSize: op.BucketSize, Size: op.Size,
		})
	}
	if l.Loop != nil && l.Loop.InsertsOncePerIteration && l.Loop.KnownTrips != "" {
		out.LoopLine, out.LoopTrips = l.Loop.Line, l.Loop.KnownTrips
	}
	return out, nil
}

// profileFrames lists the functions of the profiles for srcline.Preload.
func profileFrames(profs ...*profile.Profile) []srcline.Frame {
	var frames []srcline.Frame
	for _, p := range profs {
		if p == nil {
			continue
		}
		for _, fn := range p.Function {
			frames = append(frames, srcline.Frame{Func: fn.Name, File: fn.Filename})
		}
	}
	return frames
}
