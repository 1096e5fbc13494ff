// Package tripcount tells how many times a loop runs when that is known
// before the loop starts, as a Go expression: "n", "len(xs)", "n+1", "10".
//
// It is the one answer to that question in mapscope: the mapprealloc
// analyzer proposes the count as a make size hint, and heap analysis
// advises it for a map that grows inside the loop, so the two agree on
// every loop form:
//
//	for i := 0; i < n; i++ {}       // n
//	for i := 1; i <= n; i++ {}      // n
//	for i := n; i > 0; i-- {}       // n
//	for i := 0; i < n; i += 2 {}    // (n+1)/2
//	for i := len(xs) - 1; i >= 0; i-- {} // len(xs)
//	for range n {}                  // n
//	for _, x := range xs {}         // len(xs)
//	for k := range m {}             // len(m)
//
// A loop whose body can break out of it has no known count (only a
// bound), nor has a loop over a channel or an iterator function, nor a
// counted loop whose body assigns its counter or a variable of its bound.
package tripcount

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/mapscope/mapscope/internal/syntax"
)

// A Count is the trip count of a loop.
type Count struct {
	// Expr is the number of iterations as Go source. For a range over a
	// string it is len(s), an upper bound: the loop runs once per rune.
	Expr string
	// Reads lists the expressions Expr is computed from (the bound and
	// start of a counted loop, the operand of a range), for callers that
	// must know whether they can be evaluated once more, elsewhere.
	Reads []ast.Expr
	// NonNegative reports that Expr is never negative (a constant, len or
	// cap, plus a non-negative constant): it is a valid size hint for
	// make as it stands. Only known with type information.
	NonNegative bool
	// Vars are the loop variables whose values are new in every iteration:
	// the counter of a counted loop, the key (and, except over a map, the
	// value) of a range. Nil without type information.
	Vars []types.Object
	// Exact is false for the string case above, where Expr bounds the count.
	Exact bool
	// Step is how far a counted loop's counter moves per iteration (1 for
	// i++, 2 for i += 2); 0 for a range.
	Step int64
}

// Of returns the trip count of loop, a *ast.ForStmt or *ast.RangeStmt. info
// may be nil for code that could not be type-checked; fewer loops are then
// understood.
func Of(info *types.Info, loop ast.Stmt) (Count, bool) {
	body := bodyOf(loop)
	if body == nil || syntax.BranchesOut(body, token.BREAK) {
		return Count{}, false
	}
	return of(info, loop)
}

// Bound is Of for a loop that may break out early: the most times it
// runs, with Exact false when its body can break (a decoder that stops at
// malformed input). A goto still leaves it unknown.
func Bound(info *types.Info, loop ast.Stmt) (Count, bool) {
	body := bodyOf(loop)
	if body == nil || syntax.BranchesOut(body, token.GOTO) {
		return Count{}, false
	}
	count, ok := of(info, loop)
	if ok && syntax.BranchesOut(body, token.BREAK) {
		count.Exact = false
	}
	return count, ok
}

// bodyOf returns the body of a for or range loop, nil for another
// statement.
func bodyOf(loop ast.Stmt) *ast.BlockStmt {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		return l.Body
	case *ast.ForStmt:
		return l.Body
	}
	return nil
}

func of(info *types.Info, loop ast.Stmt) (Count, bool) {
	c := counter{info: info}
	switch l := loop.(type) {
	case *ast.RangeStmt:
		return c.rangeCount(l)
	case *ast.ForStmt:
		return c.forCount(l)
	}
	return Count{}, false
}

type counter struct{ info *types.Info }

func (c counter) rangeCount(l *ast.RangeStmt) (Count, bool) {
	if c.info == nil {
		if lit, ok := l.X.(*ast.BasicLit); ok && lit.Kind == token.INT {
			return Count{Expr: lit.Value, Reads: []ast.Expr{l.X}, Exact: true}, true
		}
		return Count{}, false
	}
	tv := c.info.Types[l.X]
	if tv.Type == nil {
		return Count{}, false
	}
	if _, isParam := types.Unalias(tv.Type).(*types.TypeParam); isParam {
		return Count{}, false
	}
	x := exprString(l.X)
	cnt := Count{Reads: []ast.Expr{l.X}, Exact: true}
	vars := []ast.Expr{l.Key, l.Value}
	switch u := tv.Type.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsInteger != 0:
			cnt.Expr = x
			cnt.NonNegative = c.nonNegative(l.X)
		case u.Info()&types.IsString != 0:
			cnt.Expr, cnt.NonNegative, cnt.Exact = "len("+x+")", true, false
		default:
			return Count{}, false
		}
	case *types.Slice:
		cnt.Expr, cnt.NonNegative = "len("+x+")", true
	case *types.Map:
		cnt.Expr, cnt.NonNegative = "len("+x+")", true
		// The values of a map repeat as often as not (inverting a map,
		// collecting the distinct values): only its keys are new in
		// every iteration.
		vars = vars[:1]
	case *types.Array:
		cnt.Expr, cnt.NonNegative = "len("+x+")", true
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); !ok {
			return Count{}, false
		}
		cnt.Expr, cnt.NonNegative = "len("+x+")", true
	default: // channels and iterator functions
		return Count{}, false
	}
	for _, v := range vars {
		if id, ok := v.(*ast.Ident); ok && id.Name != "_" {
			if obj := c.info.ObjectOf(id); obj != nil {
				cnt.Vars = append(cnt.Vars, obj)
			}
		}
	}
	return cnt, true
}

// forCount recognises for i := S; i < B; i++ and its variants: <=, !=,
// counting down with > and >=, the bound on either side, i += 1, and an
// assignment to a variable declared before the loop.
func (c counter) forCount(l *ast.ForStmt) (Count, bool) {
	init, ok := l.Init.(*ast.AssignStmt)
	if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 || l.Cond == nil || l.Post == nil ||
		(init.Tok != token.DEFINE && init.Tok != token.ASSIGN) {
		return Count{}, false
	}
	iv, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return Count{}, false
	}
	start, ok := c.linearOf(init.Rhs[0])
	if !ok {
		return Count{}, false
	}
	step := 0
	switch p := l.Post.(type) {
	case *ast.IncDecStmt:
		if id, ok := p.X.(*ast.Ident); ok && id.Name == iv.Name {
			step = map[token.Token]int{token.INC: 1, token.DEC: -1}[p.Tok]
		}
	case *ast.AssignStmt:
		if id, ok := p.Lhs[0].(*ast.Ident); ok && id.Name == iv.Name && len(p.Rhs) == 1 {
			if v, ok := c.linearOf(p.Rhs[0]); ok && v.expr == "" && v.off >= 1 {
				step = map[token.Token]int{token.ADD_ASSIGN: int(v.off), token.SUB_ASSIGN: -int(v.off)}[p.Tok]
			}
		}
	}
	cond, ok := ast.Unparen(l.Cond).(*ast.BinaryExpr)
	if step == 0 || !ok {
		return Count{}, false
	}
	op, boundExpr := cond.Op, cond.Y
	if id, ok := ast.Unparen(cond.X).(*ast.Ident); !ok || id.Name != iv.Name {
		id, ok := ast.Unparen(cond.Y).(*ast.Ident)
		if !ok || id.Name != iv.Name {
			return Count{}, false
		}
		boundExpr = cond.X
		op = map[token.Token]token.Token{token.LSS: token.GTR, token.GTR: token.LSS, token.LEQ: token.GEQ, token.GEQ: token.LEQ, token.NEQ: token.NEQ}[op]
	}
	bound, ok := c.linearOf(boundExpr)
	if !ok || syntax.Assigns(l.Body, c.readBy(boundExpr, iv)) {
		return Count{}, false
	}
	var n linear
	switch {
	case step > 0 && (op == token.LSS || op == token.NEQ):
		n, ok = minus(bound, start)
	case step > 0 && op == token.LEQ:
		n, ok = minus(bound, start)
		n.off++
	case step < 0 && (op == token.GTR || op == token.NEQ):
		n, ok = minus(start, bound)
	case step < 0 && op == token.GEQ:
		n, ok = minus(start, bound)
		n.off++
	default:
		return Count{}, false
	}
	if !ok {
		return Count{}, false
	}
	expr := n.String()
	if k := int64(max(step, -step)); k > 1 {
		// Steps of k: the count rounds the distance up, and a bound
		// tested with != could be stepped over.
		if op == token.NEQ {
			return Count{}, false
		}
		if n.expr == "" {
			expr = strconv.FormatInt(max(n.off+k-1, 0)/k, 10)
		} else {
			expr = "(" + linear{expr: n.expr, base: n.base, off: n.off + k - 1}.String() + ")/" + strconv.FormatInt(k, 10)
		}
	}
	cnt := Count{Expr: expr, Reads: []ast.Expr{init.Rhs[0], boundExpr}, Exact: true, Step: int64(max(step, -step))}
	cnt.NonNegative = c.info != nil && n.off >= 0 && (n.base == nil || c.nonNegative(n.base))
	if c.info != nil {
		if obj := c.info.ObjectOf(iv); obj != nil {
			cnt.Vars = []types.Object{obj}
		}
	}
	return cnt, true
}

// readBy returns a matcher for what a counted loop's body must not
// assign: the counter and the variables its bound reads. Objects decide
// with type information, names without.
func (c counter) readBy(bound ast.Expr, counter *ast.Ident) func(*ast.Ident) bool {
	ids := []*ast.Ident{counter}
	ast.Inspect(bound, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			ids = append(ids, id)
		}
		return true
	})
	return func(x *ast.Ident) bool {
		for _, id := range ids {
			if c.info == nil || c.info.ObjectOf(id) == nil {
				if x.Name == id.Name {
					return true
				}
			} else if c.info.ObjectOf(x) == c.info.ObjectOf(id) {
				return true
			}
		}
		return false
	}
}

// nonNegative reports whether e is a non-negative constant or a len or cap
// call.
func (c counter) nonNegative(e ast.Expr) bool {
	if c.info == nil {
		return false
	}
	if tv, ok := c.info.Types[e]; ok && tv.Value != nil {
		return constant.Sign(tv.Value) >= 0
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		if fn, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if b, ok := c.info.Uses[fn].(*types.Builtin); ok {
				return b.Name() == "len" || b.Name() == "cap"
			}
		}
	}
	return false
}

// linear is expr + off; expr "" for a constant. base is the expression
// expr was written as, when it is a single one.
type linear struct {
	expr string
	base ast.Expr
	off  int64
}

// linearOf reads e as expr + off. Constants count as numbers only where
// written as numbers: a named constant or len of an array stays as
// written, which is the better size hint to read.
func (c counter) linearOf(e ast.Expr) (linear, bool) {
	e = ast.Unparen(e)
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.INT {
		v, err := strconv.ParseInt(lit.Value, 0, 64)
		return linear{off: v}, err == nil
	}
	if b, ok := e.(*ast.BinaryExpr); ok && (b.Op == token.ADD || b.Op == token.SUB) {
		if r, ok := c.linearOf(b.Y); ok && r.expr == "" {
			if l, ok := c.linearOf(b.X); ok {
				if b.Op == token.SUB {
					r.off = -r.off
				}
				return linear{expr: l.expr, base: l.base, off: l.off + r.off}, true
			}
		}
	}
	if c.hasCall(e) {
		return linear{}, false
	}
	return linear{expr: exprString(e), base: e}, true
}

// minus returns a - b.
func minus(a, b linear) (linear, bool) {
	switch {
	case b.expr == "":
		return linear{expr: a.expr, base: a.base, off: a.off - b.off}, true
	case a.expr == b.expr:
		return linear{off: a.off - b.off}, true
	case a.expr == "":
		return linear{}, false // "5 - n" is rarely a count; do not guess
	}
	be := b.expr
	if strings.ContainsAny(be, "+-") {
		be = "(" + be + ")"
	}
	return linear{expr: a.expr + "-" + be, off: a.off - b.off}, true
}

func (l linear) String() string {
	switch {
	case l.expr == "":
		if l.off < 0 {
			return "0"
		}
		return strconv.FormatInt(l.off, 10)
	case l.off == 0:
		return l.expr
	case l.off > 0:
		return l.expr + "+" + strconv.FormatInt(l.off, 10)
	}
	return l.expr + "-" + strconv.FormatInt(-l.off, 10)
}

// hasCall reports whether e calls something other than len or cap, whose
// result could change between evaluations. A conversion (int(n)) is no
// call, when type information says it is one.
func (c counter) hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if c.info != nil && c.info.Types[call.Fun].IsType() {
				return true // a conversion
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || (id.Name != "len" && id.Name != "cap") {
				found = true
			}
		}
		return !found
	})
	return found
}

// exprString renders an expression compactly, as types.ExprString does,
// with ASCII ellipses.
func exprString(e ast.Expr) string {
	return strings.ReplaceAll(types.ExprString(e), "…", "...")
}
