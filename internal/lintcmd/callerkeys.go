package lintcmd

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/mapscope/mapscope/passes/growonly"
)

// callerKeyJoin joins what growonly leaves for a driver that sees every
// package (growonly.Result): a map of one package that only grows if its
// callers' keys do, and a call in another package that passes it request
// data. The finding is reported at the call.
type callerKeyJoin struct {
	keys  []joinedKey
	calls []joinedCall
}

type joinedKey struct {
	growonly.CallerKey
	pkg *packages.Package
}

type joinedCall struct {
	growonly.RequestCall
	pkg *packages.Package
}

// add takes growonly's result for the root package p, if growonly ran.
func (j *callerKeyJoin) add(graph *checker.Graph, p *packages.Package) {
	for _, act := range graph.Roots {
		res, ok := act.Result.(*growonly.Result)
		if act.Analyzer != growonly.Analyzer || !ok || res == nil {
			continue
		}
		for _, k := range res.CallerKeys {
			j.keys = append(j.keys, joinedKey{k, p})
		}
		for _, c := range res.RequestCalls {
			j.calls = append(j.calls, joinedCall{c, p})
		}
	}
}

// findings returns one finding per map and calling package: the first
// call, in file order, that passes the map's key request data.
func (j *callerKeyJoin) findings() []finding {
	type seenKey struct {
		mapName, mapPkg, callPkg string
	}
	seen := make(map[seenKey]bool)
	// A call reaches a key of the same name (its function, or the
	// method an interface's method stands for): index them so.
	byName := make(map[string][]joinedKey)
	for _, k := range j.keys {
		byName[k.Obj.Name()] = append(byName[k.Obj.Name()], k)
	}
	var out []finding
	for _, c := range j.calls {
		for _, k := range byName[c.Obj.Name()] {
			if !k.Reaches(c.RequestCall) {
				continue
			}
			sk := seenKey{k.Map, k.pkg.PkgPath, c.pkg.PkgPath}
			if seen[sk] {
				continue
			}
			seen[sk] = true
			msg := k.Message(c.RequestCall, k.pkg.Fset.Position(k.Insert))
			p := c.pkg.Fset.Position(c.Call)
			out = append(out, finding{
				analyzer: growonly.Analyzer,
				posn:     positionKey{p.Filename, p.Line, p.Column, p.Offset},
				message:  msg,
				diag:     analysis.Diagnostic{Pos: c.Call, Message: msg, URL: growonly.Analyzer.URL},
				pkg:      c.pkg,
			})
			break
		}
	}
	return out
}
