package srcline

import (
	"go/ast"
	"go/types"
	"strings"
	"unicode/utf8"

	"github.com/mapscope/mapscope/internal/mapruntime/maplayout"
)

// What the classifier asks of types: is it a map (through pointers,
// aliases and type parameters), how big are its slots and buckets, and how
// a type or an expression is shown to the user.

// gcSizes are the sizes of the gc compiler on 64-bit targets (amd64 and
// arm64 agree).
var gcSizes = types.SizesFor("gc", "amd64")

// storageSizes returns the slot size of a Swiss-table group (Go 1.24+) and
// the size of a bucket (Go <= 1.23) for the map type mt, or zeros when
// they cannot be computed (type parameters).
func storageSizes(mt *types.Map) (slot, bucket int64) {
	defer func() {
		if recover() != nil { // Sizeof panics on type parameters
			slot, bucket = 0, 0
		}
	}()
	word := types.Typ[types.UnsafePointer]
	key, elem := mt.Key(), mt.Elem()
	if gcSizes.Sizeof(key) > maplayout.MaxInline {
		key = word
	}
	if gcSizes.Sizeof(elem) > maplayout.MaxInline {
		elem = word
	}
	field := func(name string, t types.Type) *types.Var { return types.NewField(0, nil, name, t, false) }
	slot = gcSizes.Sizeof(types.NewStruct([]*types.Var{field("key", key), field("elem", elem)}, nil))
	bucket = gcSizes.Sizeof(types.NewStruct([]*types.Var{
		field("tophash", types.NewArray(types.Typ[types.Uint8], maplayout.SlotsPerGroup)),
		field("keys", types.NewArray(key, maplayout.SlotsPerGroup)),
		field("elems", types.NewArray(elem, maplayout.SlotsPerGroup)),
		field("overflow", word),
	}, nil))
	return slot, bucket
}

// pointeeSize returns the size of the object a pointer of type t points
// at, or 0 when t is not a pointer or the size is not fixed.
func (c *classifier) pointeeSize(t types.Type) (size int64) {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return 0
	}
	defer func() {
		if recover() != nil {
			size = 0
		}
	}()
	return gcSizes.Sizeof(p.Elem())
}

// mapOf returns the map type of e, or nil when e is not a map (or types
// are unknown).
func (c *classifier) mapOf(e ast.Expr) types.Type {
	t := c.typeOf(e)
	if t == nil || coreMap(t) == nil {
		return nil
	}
	return t
}

func (c *classifier) typeOf(e ast.Expr) types.Type {
	if c.info == nil || e == nil {
		return nil
	}
	return c.info.TypeOf(e)
}

func (c *classifier) typeStr(t types.Type) string {
	if t == nil {
		return ""
	}
	return types.TypeString(t, func(p *types.Package) string {
		// A library's types are named as its users write them
		// (cache.Item), the user's own package's bare.
		if p == c.pkg && !c.library {
			return ""
		}
		return p.Name()
	})
}

func (c *classifier) typeOrExpr(t types.Type, e ast.Expr) string {
	if t != nil {
		return c.typeStr(t)
	}
	if e != nil {
		return exprString(e)
	}
	return ""
}

// coreMap returns the map type behind t: its underlying map, or the single
// map type a type parameter's constraint allows.
func coreMap(t types.Type) *types.Map {
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Map:
		return u
	case *types.Interface:
		if _, ok := types.Unalias(t).(*types.TypeParam); !ok {
			return nil
		}
		var m *types.Map
		for i := 0; i < u.NumEmbeddeds(); i++ {
			switch e := u.EmbeddedType(i).(type) {
			case *types.Union:
				for j := 0; j < e.Len(); j++ {
					mm, ok := e.Term(j).Type().Underlying().(*types.Map)
					if !ok {
						return nil
					}
					m = mm
				}
			default:
				if mm, ok := e.Underlying().(*types.Map); ok {
					m = mm
				}
			}
		}
		return m
	}
	return nil
}

// mapWithin returns a map type reachable from t through pointers, struct
// fields, slices and arrays, for decoders that fill nested maps.
func mapWithin(t types.Type, depth int, seen map[types.Type]bool) types.Type {
	if t == nil || depth > 5 {
		return nil
	}
	if seen == nil {
		seen = map[types.Type]bool{}
	}
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Map:
		return t
	case *types.Pointer:
		return mapWithin(u.Elem(), depth+1, seen)
	case *types.Slice:
		return mapWithin(u.Elem(), depth+1, seen)
	case *types.Array:
		return mapWithin(u.Elem(), depth+1, seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if f := u.Field(i); f.Exported() {
				if m := mapWithin(f.Type(), depth+1, seen); m != nil {
					return m
				}
			}
		}
	}
	return nil
}

func derefOnce(t types.Type) types.Type {
	if p, ok := types.Unalias(t).Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func underlying(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return types.Unalias(t).Underlying()
}

func isInterface(t types.Type) bool {
	if t == nil {
		return false
	}
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		return false
	}
	return types.IsInterface(t)
}

func isString(t types.Type) bool {
	b, ok := underlying(t).(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func isByteOrRuneSlice(t types.Type) bool {
	s, ok := underlying(t).(*types.Slice)
	if !ok {
		return false
	}
	b, ok := underlying(s.Elem()).(*types.Basic)
	return ok && (b.Kind() == types.Byte || b.Kind() == types.Rune)
}

// pointerShaped reports whether values of t are stored directly in an
// interface word, so converting them does not allocate.
func pointerShaped(t types.Type) bool {
	switch u := underlying(t).(type) {
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Struct:
		return u.NumFields() == 1 && pointerShaped(u.Field(0).Type())
	case *types.Array:
		return u.Len() == 1 && pointerShaped(u.Elem())
	}
	return false
}

func zeroSized(t types.Type, depth int) bool {
	if depth > 10 {
		return false
	}
	switch u := underlying(t).(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !zeroSized(u.Field(i).Type(), depth+1) {
				return false
			}
		}
		return true
	case *types.Array:
		return u.Len() == 0 || zeroSized(u.Elem(), depth+1)
	}
	return false
}

// exprString renders an expression compactly, as types.ExprString does,
// with ASCII ellipses.
func exprString(e ast.Expr) string {
	if e == nil {
		return ""
	}
	switch x := e.(type) {
	case *ast.FuncLit:
		return types.ExprString(x.Type) + " {...}"
	case *ast.CompositeLit:
		if x.Type == nil {
			return "{...}"
		}
	}
	return strings.ReplaceAll(types.ExprString(e), "…", "...")
}

const maxExpr = 80

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxExpr {
		return s
	}
	r := []rune(s)
	return string(r[:maxExpr-3]) + "..."
}
