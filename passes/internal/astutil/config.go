package astutil

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Configuration code runs once per load of a configuration, over the
// handful of items a file names: what it puts in a map is as large as the
// configuration, and a hint or a bound cannot matter there. The analyzers
// know it by name, which is all the code says; a hot function whose name
// says setup or options is misjudged the same way (docs/lint-results.md
// counts what the rule removed and what it can cost).

// configWords are what the names of configuration code say.
var configWords = []string{"config", "options", "unmarshal", "validate", "setup", "provision"}

// decoderConfigWords leave out unmarshal for the decoder of a wire format
// (a map's entry count, then its entries): under that name it runs for
// every message, not once per load (see mapprealloc's decode.go).
var decoderConfigWords = slices.DeleteFunc(slices.Clone(configWords), func(w string) bool { return w == "unmarshal" })

// ConfigFunc reports whether pos lies in a function declaration that
// reads configuration: its name, or its receiver's type name, says
// config, options, unmarshal, validate, setup or provision
// (UnmarshalYAML, parseConfig, (*Config).Validate, validateLeafNode).
func ConfigFunc(pass *analysis.Pass, pos token.Pos) bool {
	return configFunc(pass, pos, configWords)
}

func configFunc(pass *analysis.Pass, pos token.Pos, words []string) bool {
	for _, f := range pass.Files {
		if pos < f.Pos() || pos >= f.End() {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || pos < fd.Pos() || pos >= fd.End() {
				continue
			}
			names := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				// A method of a configuration type reads configuration;
				// otherwise the receiver type's own name counts, not its
				// package's path (pkg/config also holds data types).
				recv := pass.TypesInfo.TypeOf(fd.Recv.List[0].Type)
				if ConfigType(recv) {
					return true
				}
				names += " " + types.TypeString(recv, func(*types.Package) string { return "" })
			}
			names = strings.ToLower(names)
			return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(names, w) })
		}
	}
	return false
}

// InConfigCode reports whether cur lies in configuration code: a
// function declaration that ConfigFunc recognizes, or a function (or
// function literal around cur) with a parameter of a configuration type
// (ConfigType).
func InConfigCode(pass *analysis.Pass, cur inspector.Cursor) bool {
	return inConfigCode(pass, cur, configWords)
}

// InDecoderConfigCode is InConfigCode for the decoder of a wire format:
// a name that says unmarshal does not make it configuration code.
func InDecoderConfigCode(pass *analysis.Pass, cur inspector.Cursor) bool {
	return inConfigCode(pass, cur, decoderConfigWords)
}

func inConfigCode(pass *analysis.Pass, cur inspector.Cursor, words []string) bool {
	for enc := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		var ft *ast.FuncType
		switch n := enc.Node().(type) {
		case *ast.FuncLit:
			ft = n.Type
		case *ast.FuncDecl:
			ft = n.Type
			if configFunc(pass, n.Pos(), words) {
				return true
			}
		}
		if ft.Params != nil {
			for _, field := range ft.Params.List {
				if ConfigType(pass.TypesInfo.TypeOf(field.Type)) {
					return true
				}
			}
		}
	}
	return false
}

// ConfigType reports whether t, or what it points to or holds, is a named
// type whose name contains Config, or a type declared in a package with
// an element that says config in its import path (alertmanager's
// config/common, centrifugo's internal/configtypes) that holds structs:
// a struct, or a slice, array, map or pointer of them. Such a package's
// other types may be the program's data (flowlogs-pipeline's
// config.GenericMap, a map of any values, is a flow record copied per
// flow).
func ConfigType(t types.Type) bool {
	for t != nil {
		switch u := types.Unalias(t).(type) {
		case *types.Named:
			if strings.Contains(u.Obj().Name(), "Config") {
				return true
			}
			pkg := u.Obj().Pkg()
			return pkg != nil && configPackage(pkg) && holdsStructs(u.Underlying())
		case *types.Pointer:
			t = u.Elem()
		case *types.Slice:
			t = u.Elem()
		default:
			return false
		}
	}
	return false
}

// configPackage reports whether an element of pkg's import path says
// config.
func configPackage(pkg *types.Package) bool {
	return slices.ContainsFunc(strings.Split(pkg.Path(), "/"), func(elem string) bool {
		return strings.Contains(strings.ToLower(elem), "config")
	})
}

// holdsStructs reports whether t is a struct, or a slice, array, map or
// pointer whose elements are (a few levels deep, named containers too).
func holdsStructs(t types.Type) bool {
	for range 4 {
		switch u := ElemType(t).(type) {
		case *types.Struct:
			return true
		case *types.Named:
			if _, ok := u.Underlying().(*types.Struct); ok {
				return true
			}
			t = u.Underlying()
		default:
			return false
		}
	}
	return false
}

// ConfigOnlyFuncs returns the package-level functions called only from
// configuration code (InConfigCode) or from other such functions, as
// CalledOnlyFrom counts calls: parse(c), called only by setup(c), reads
// the configuration as its caller does.
func ConfigOnlyFuncs(pass *analysis.Pass, inspect *inspector.Inspector) map[*types.Func]bool {
	return configOnlyFuncs(pass, inspect, configWords)
}

// DecoderConfigOnlyFuncs is ConfigOnlyFuncs for InDecoderConfigCode.
func DecoderConfigOnlyFuncs(pass *analysis.Pass, inspect *inspector.Inspector) map[*types.Func]bool {
	return configOnlyFuncs(pass, inspect, decoderConfigWords)
}

func configOnlyFuncs(pass *analysis.Pass, inspect *inspector.Inspector, words []string) map[*types.Func]bool {
	funcs := make(map[*types.Func]bool)
	CalledOnlyFrom(pass, inspect, funcs, func(call inspector.Cursor) bool {
		return inConfigCode(pass, call, words) || InFuncOf(pass, call, funcs)
	})
	return funcs
}

// InFuncOf reports whether cur is in the body of a function declaration
// of funcs.
func InFuncOf(pass *analysis.Pass, cur inspector.Cursor, funcs map[*types.Func]bool) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		fn, ok := pass.TypesInfo.Defs[enc.Node().(*ast.FuncDecl).Name].(*types.Func)
		return ok && funcs[fn]
	}
	return false
}
