package srcline

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// loop describes the innermost loop around the line's map assignment (or
// its first operation, or the line itself), stopping at the boundary of
// the function or closure the line is in.
func (c *classifier) loop() *Loop {
	var pos token.Pos
	for _, f := range c.ops {
		if f.op.Kind == MapAssign {
			pos = f.pos
			break
		}
	}
	if !pos.IsValid() && len(c.ops) > 0 {
		pos = c.ops[0].pos
	}
	if !pos.IsValid() {
		tf := c.fset.File(c.file.Pos())
		if tf == nil || c.line > tf.LineCount() {
			return nil
		}
		pos = tf.LineStart(c.line)
	}
	lp, body, _ := enclosingLoop(c.file, pos)
	if lp == nil {
		return nil
	}
	res := &Loop{Line: c.lineOf(lp.Pos()), KnownTrips: c.trips(lp, body)}
	for _, f := range c.ops {
		if f.op.Kind != MapAssign || f.stmt == nil {
			continue
		}
		if l, b, child := enclosingLoop(c.file, f.pos); l == lp && child == f.stmt && c.runsEveryIteration(b, child) {
			res.InsertsOncePerIteration = true
		}
	}
	return res
}

// enclosingLoop returns the innermost for or range statement whose body
// holds pos, its body, and the statement of the body holding pos.
func enclosingLoop(f *ast.File, pos token.Pos) (ast.Stmt, *ast.BlockStmt, ast.Stmt) {
	path, _ := astutil.PathEnclosingInterval(f, pos, pos)
	for i, n := range path {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil, nil, nil
		case *ast.ForStmt:
			body = n.Body
		case *ast.RangeStmt:
			body = n.Body
		default:
			continue
		}
		if i < 1 || path[i-1] != body {
			continue // pos is in the loop header
		}
		var child ast.Stmt
		if i >= 2 {
			child, _ = path[i-2].(ast.Stmt)
		}
		return n.(ast.Stmt), body, child
	}
	return nil, nil, nil
}

// runsEveryIteration reports whether child, a statement of the loop body,
// runs on every iteration: a simple statement with no continue or goto
// before it.
func (c *classifier) runsEveryIteration(body *ast.BlockStmt, child ast.Stmt) bool {
	switch child.(type) {
	case *ast.AssignStmt, *ast.IncDecStmt, *ast.ExprStmt:
	default:
		return false
	}
	for _, s := range body.List {
		if s == child {
			return true
		}
		if branchesOut(s, token.CONTINUE) {
			return false
		}
	}
	return false
}

// branchesOut reports whether n holds a goto, a labeled branch, or a
// break/continue (tok) that leaves the statement n is part of.
func branchesOut(n ast.Node, tok token.Token) bool {
	found := false
	var walk func(root ast.Node, nested bool)
	walk = func(root ast.Node, nested bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if found || n == nil {
				return false
			}
			switch x := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if n != root {
					walk(n, true)
					return false
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != root && tok == token.BREAK {
					walk(n, true)
					return false
				}
			case *ast.BranchStmt:
				switch {
				case x.Tok == token.GOTO:
					found = true
				case x.Tok == tok && (x.Label != nil || !nested):
					found = true
				}
			}
			return true
		})
	}
	walk(n, false)
	return found
}

// trips returns the trip count of a loop when it is known before the loop
// starts, as an expression.
func (c *classifier) trips(lp ast.Stmt, body *ast.BlockStmt) string {
	for _, s := range body.List {
		if branchesOut(s, token.BREAK) {
			return ""
		}
	}
	switch l := lp.(type) {
	case *ast.RangeStmt:
		return c.rangeTrips(l)
	case *ast.ForStmt:
		return c.forTrips(l)
	}
	return ""
}

func (c *classifier) rangeTrips(l *ast.RangeStmt) string {
	if hasCall(l.X) {
		return ""
	}
	if c.info == nil {
		if lit, ok := l.X.(*ast.BasicLit); ok && lit.Kind == token.INT {
			return lit.Value
		}
		return ""
	}
	tv := c.info.Types[l.X]
	if tv.Type == nil {
		return ""
	}
	x := exprString(l.X)
	switch u := underlying(tv.Type).(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsInteger != 0:
			if tv.Value != nil {
				return tv.Value.ExactString()
			}
			return x
		case u.Info()&types.IsString != 0:
			return "len(" + x + ")"
		}
	case *types.Slice, *types.Map:
		return "len(" + x + ")"
	case *types.Array:
		return strconv.FormatInt(u.Len(), 10)
	case *types.Pointer:
		if a, ok := underlying(u.Elem()).(*types.Array); ok {
			return strconv.FormatInt(a.Len(), 10)
		}
	}
	return "" // channels, iterator functions
}

// hasCall reports whether e calls something other than len or cap, whose
// result could change between evaluations.
func hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); !ok || (id.Name != "len" && id.Name != "cap") {
				found = true
			}
		}
		return !found
	})
	return found
}

// linear is expr + off, expr "" for a constant.
type linear struct {
	expr string
	off  int64
}

func (c *classifier) linearOf(e ast.Expr) (linear, bool) {
	if c.info != nil {
		if tv := c.info.Types[e]; tv.Value != nil {
			if v, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok {
				return linear{off: v}, true
			}
		}
	}
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.INT {
		v, err := strconv.ParseInt(lit.Value, 0, 64)
		return linear{off: v}, err == nil
	}
	if b, ok := e.(*ast.BinaryExpr); ok && (b.Op == token.ADD || b.Op == token.SUB) {
		if r, ok := c.linearOf(b.Y); ok && r.expr == "" {
			l, ok := c.linearOf(b.X)
			if ok {
				if b.Op == token.SUB {
					r.off = -r.off
				}
				return linear{expr: l.expr, off: l.off + r.off}, true
			}
		}
	}
	if hasCall(e) {
		return linear{}, false
	}
	return linear{expr: exprString(e)}, true
}

// minus returns a - b.
func minus(a, b linear) (linear, bool) {
	switch {
	case b.expr == "":
		return linear{expr: a.expr, off: a.off - b.off}, true
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

// forTrips recognises for i := S; i < B; i++ and its variants.
func (c *classifier) forTrips(l *ast.ForStmt) string {
	init, ok := l.Init.(*ast.AssignStmt)
	if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 || l.Cond == nil || l.Post == nil {
		return ""
	}
	iv, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return ""
	}
	start, ok := c.linearOf(init.Rhs[0])
	if !ok {
		return ""
	}
	step := 0
	switch p := l.Post.(type) {
	case *ast.IncDecStmt:
		if id, ok := p.X.(*ast.Ident); ok && id.Name == iv.Name {
			step = map[token.Token]int{token.INC: 1, token.DEC: -1}[p.Tok]
		}
	case *ast.AssignStmt:
		if id, ok := p.Lhs[0].(*ast.Ident); ok && id.Name == iv.Name && len(p.Rhs) == 1 {
			if v, ok := c.linearOf(p.Rhs[0]); ok && v.expr == "" && v.off == 1 {
				step = map[token.Token]int{token.ADD_ASSIGN: 1, token.SUB_ASSIGN: -1}[p.Tok]
			}
		}
	}
	cond, ok := l.Cond.(*ast.BinaryExpr)
	if step == 0 || !ok {
		return ""
	}
	op, boundExpr := cond.Op, cond.Y
	if id, ok := cond.X.(*ast.Ident); !ok || id.Name != iv.Name {
		id, ok := cond.Y.(*ast.Ident)
		if !ok || id.Name != iv.Name {
			return ""
		}
		boundExpr = cond.X
		op = map[token.Token]token.Token{token.LSS: token.GTR, token.GTR: token.LSS, token.LEQ: token.GEQ, token.GEQ: token.LEQ, token.NEQ: token.NEQ}[op]
	}
	bound, ok := c.linearOf(boundExpr)
	if !ok || assignsAny(l.Body, identNames(boundExpr, iv.Name)) {
		return ""
	}
	var n linear
	switch {
	case step > 0 && (op == token.LSS || op == token.NEQ):
		n, ok = minus(bound, start)
	case step > 0 && op == token.LEQ:
		n, ok = minus(bound, start)
		n.off++
	case step < 0 && op == token.GTR:
		n, ok = minus(start, bound)
	case step < 0 && op == token.GEQ:
		n, ok = minus(start, bound)
		n.off++
	default:
		return ""
	}
	if !ok {
		return ""
	}
	return n.String()
}

func identNames(e ast.Expr, extra string) map[string]bool {
	names := map[string]bool{extra: true}
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
	return names
}

// assignsAny reports whether body assigns to (or takes the address of) a
// variable rooted at one of names.
func assignsAny(body ast.Node, names map[string]bool) bool {
	hit := false
	check := func(e ast.Expr) {
		if id := rootIdent(e); id != nil && names[id.Name] {
			hit = true
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				check(l)
			}
		case *ast.IncDecStmt:
			check(x.X)
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				check(x.X)
			}
		case *ast.RangeStmt:
			if x.Key != nil {
				check(x.Key)
			}
			if x.Value != nil {
				check(x.Value)
			}
		}
		return !hit
	})
	return hit
}

func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}
