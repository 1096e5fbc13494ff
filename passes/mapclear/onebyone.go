package mapclear

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/mapscope/mapscope/internal/syntax"
	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// A map that churns (entries added, then deleted one key at a time) keeps
// the tables of its largest size for as long as it lives: Go never shrinks
// a map. For a map field of a long-lived value (one shared between
// goroutines, running a goroutine's loop, or held by a package variable)
// that peak stays for the life of the program unless something re-makes
// the map. checkOneByOne reports such fields when the package inserts into
// them and deletes single keys from them but never assigns them again
// after construction, and the map indexes a backlog: the function that
// inserts also enqueues on a queue of the same value (a channel send, a
// list's PushBack, an append to a slice field), or the function that
// deletes dequeues from one (a list's Remove, re-slicing a slice field).
// A backlog's size is how far a consumer has fallen behind, so its peak
// is transient by nature (a slow disk, a start-up burst) and far above
// its usual size. Most maps deleted one key at a time (connections,
// streams, sessions) stay near their usual size and are not reported.
//
// It is conservative: a field used in any way it cannot follow (passed to
// a function, copied into a variable, its address taken) or swept by a
// range over itself is left alone, as is a field that is cleared (clear
// has its own finding) or bounded (its len, or its owner's state near a
// delete, compared with a limit that is not a constant: an LRU).

// fieldUses is what the package does to one map field.
type fieldUses struct {
	name     string     // "Type.field", as the diagnostic says it
	deletes  []ast.Node // delete(x.f, k) calls, in source order
	inserted bool
	// backlog is set when an insertion's function enqueues on, or a
	// deletion's function dequeues from, a queue of the same value.
	backlog bool
	// settled is set once a use shows the map is re-made, swept, cleared
	// or handled where this check cannot see.
	settled bool
}

func checkOneByOne(pass *analysis.Pass, inspect *inspector.Inspector, long map[*types.TypeName]bool) {
	info := pass.TypesInfo
	fields := make(map[*types.Var]*fieldUses)
	for tn := range long {
		st := tn.Type().Underlying().(*types.Struct)
		for i := range st.NumFields() {
			f := st.Field(i)
			if _, ok := f.Type().Underlying().(*types.Map); ok && f.Name() != "_" {
				fields[f] = &fieldUses{name: tn.Name() + "." + f.Name()}
			}
		}
	}
	if len(fields) == 0 {
		return
	}
	// The list fields something moves an element in: recency lists of
	// LRU caches, whose PushBack and Remove are no queue.
	lruLists := make(map[*types.Var]bool)
	for cur := range inspect.Root().Preorder((*ast.CallExpr)(nil)) {
		if sel, ok := ast.Unparen(cur.Node().(*ast.CallExpr).Fun).(*ast.SelectorExpr); ok {
			switch sel.Sel.Name {
			case "MoveToFront", "MoveToBack", "MoveBefore", "MoveAfter", "PushFront":
				if x, ok := ast.Unparen(sel.X).(*ast.SelectorExpr); ok {
					if v, ok := info.ObjectOf(x.Sel).(*types.Var); ok && v.IsField() {
						lruLists[v] = true
					}
				}
			}
		}
	}
	var order []*fieldUses
	for fileCur := range inspect.Root().Preorder((*ast.File)(nil)) {
		if astutil.IsTestFile(pass, fileCur.Node().(*ast.File)) {
			continue // a test's uses say nothing about the program's
		}
		fresh := make(map[*types.Var]bool)
		astutil.AddFreshLocals(info, fileCur, fresh)
		for cur := range fileCur.Preorder((*ast.SelectorExpr)(nil)) {
			sel := cur.Node().(*ast.SelectorExpr)
			v, ok := info.ObjectOf(sel.Sel).(*types.Var)
			if !ok {
				continue
			}
			fu := fields[v.Origin()]
			if fu == nil || fu.settled {
				continue
			}
			if len(fu.deletes) == 0 && !fu.inserted {
				order = append(order, fu)
			}
			classifyFieldUse(pass, fresh, lruLists, fu, astutil.UnparenUp(cur))
		}
	}
	for _, fu := range order {
		if fu.settled || !fu.inserted || len(fu.deletes) == 0 || !fu.backlog {
			continue
		}
		pass.Report(analysis.Diagnostic{
			Pos: fu.deletes[0].Pos(),
			End: fu.deletes[0].End(),
			Message: "map field " + fu.name + " is emptied one key at a time and never re-made: it keeps the tables of its largest size " +
				"for the life of its owner; re-make it (copy the live entries into a new map) once it has shrunk well below its peak",
		})
	}
}

// classifyFieldUse records one use of a tracked map field, cur being the
// selector expression x.f with its parentheses.
func classifyFieldUse(pass *analysis.Pass, fresh, lruLists map[*types.Var]bool, fu *fieldUses, cur inspector.Cursor) {
	info := pass.TypesInfo
	parent := cur.Parent()
	switch cur.ParentEdgeKind() {
	case edge.IndexExpr_X:
		switch astutil.UnparenUp(parent).ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X:
			fu.inserted = true
			if fn := enclosingFunc(cur); fn != nil && queues(pass, fn, ownerPath(cur), true, lruLists) {
				fu.backlog = true
			}
		}
		return // otherwise a lookup
	case edge.RangeStmt_X, edge.BinaryExpr_X, edge.BinaryExpr_Y:
		return // iteration, or a nil check
	case edge.CallExpr_Args:
		call := parent.Node().(*ast.CallExpr)
		switch {
		case isBuiltin(pass, call.Fun, "len"):
			if comparedToBound(pass, parent) {
				break // bounded
			}
			return
		case isBuiltin(pass, call.Fun, "delete") && len(call.Args) == 2:
			if sweptBySelf(pass, cur, call.Args[0]) || boundedNear(pass, cur) {
				break // a sweep (the range-delete rule's business) or an eviction
			}
			fu.deletes = append(fu.deletes, call)
			if fn := enclosingFunc(cur); fn != nil && queues(pass, fn, ownerPath(cur), false, lruLists) {
				fu.backlog = true
			}
			return
		}
	case edge.AssignStmt_Lhs:
		// Setting the field of a value made in the same function is
		// construction; any other assignment re-makes or replaces it.
		if root := syntax.FieldRoot(cur.Node().(ast.Expr)); root != nil {
			if v, ok := info.Uses[root].(*types.Var); ok && fresh[v] {
				if as := parent.Node().(*ast.AssignStmt); as.Tok == token.ASSIGN {
					return
				}
			}
		}
	}
	fu.settled = true
}

// sweptBySelf reports whether the delete at cur runs inside a range over
// the same map.
func sweptBySelf(pass *analysis.Pass, cur inspector.Cursor, m ast.Expr) bool {
	for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		rs, ok := enc.Node().(*ast.RangeStmt)
		if !ok {
			return false
		}
		if samePath(pass, rs.X, m) {
			return true
		}
	}
	return false
}

// enclosingFunc returns the innermost function declaration or literal
// around cur.
func enclosingFunc(cur inspector.Cursor) ast.Node {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return enc.Node()
	}
	return nil
}

// ownerPath returns the text of the value whose field cur selects ("c" in
// c.m, "s.q" in s.q.m).
func ownerPath(cur inspector.Cursor) string {
	sel := ast.Unparen(cur.Node().(ast.Expr)).(*ast.SelectorExpr)
	return types.ExprString(ast.Unparen(sel.X))
}

// queues reports whether fn enqueues on (enqueue) or dequeues from
// (!enqueue) a queue held in a field of owner: a channel send or a
// container/list PushBack; a list's Remove or re-slicing a slice field
// from a low bound. Receiving from a channel does not count: a
// goroutine's loop receives its commands that way whatever the map
// holds. Nor does a send of empty structs (a wake-up signal) or on a
// channel fn also receives from (events relayed into fn's own select,
// found on prometheus' zookeeper discovery). Nor does appending to a
// slice field (found on serf and alertmanager: a list of handlers
// rebuilt, failed peers kept), nor a list that is moved in (MoveToFront:
// an LRU's recency list, bounded).
func queues(pass *analysis.Pass, fn ast.Node, owner string, enqueue bool, lruLists map[*types.Var]bool) bool {
	info := pass.TypesInfo
	listField := func(e ast.Expr) *types.Var {
		if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
			v, _ := info.ObjectOf(sel.Sel).(*types.Var)
			return v
		}
		return nil
	}
	ofOwner := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		return ok && types.ExprString(ast.Unparen(sel.X)) == owner && info.Selections[sel] != nil
	}
	isList := func(e ast.Expr) bool {
		t := info.TypeOf(e)
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		return astutil.IsNamed(t, "container/list", "List")
	}
	// Channels of the owner that fn also receives from: a send on them
	// forwards work into fn's own loop (a goroutine relaying events to
	// the select that handles them), not into a backlog.
	received := make(map[string]bool)
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && ofOwner(n.X) {
				received[types.ExprString(ast.Unparen(n.X))] = true
			}
		case *ast.RangeStmt:
			if _, isChan := info.TypeOf(n.X).Underlying().(*types.Chan); isChan && ofOwner(n.X) {
				received[types.ExprString(ast.Unparen(n.X))] = true
			}
		}
		return true
	})
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			found = found || enqueue && ofOwner(n.Chan) && !signal(info.TypeOf(n.Chan)) &&
				!received[types.ExprString(ast.Unparen(n.Chan))]
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && ofOwner(sel.X) && isList(sel.X) {
				if lruLists[listField(sel.X)] {
					break
				}
				switch sel.Sel.Name {
				case "PushBack":
					found = found || enqueue
				case "Remove":
					found = found || !enqueue
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != 1 || len(n.Rhs) != 1 || !ofOwner(n.Lhs[0]) {
				break
			}
			lhs := types.ExprString(n.Lhs[0])
			if rhs, ok := ast.Unparen(n.Rhs[0]).(*ast.SliceExpr); ok && !enqueue && rhs.Low != nil && types.ExprString(rhs.X) == lhs {
				found = true
			}
		}
		return !found
	})
	return found
}

// signal reports whether t is a channel of empty structs: a wake-up
// signal, which queues nothing (found on prometheus' discovery manager,
// whose triggerSend tells a sender goroutine that targets changed).
func signal(t types.Type) bool {
	ch, ok := t.Underlying().(*types.Chan)
	if !ok {
		return false
	}
	st, ok := ch.Elem().Underlying().(*types.Struct)
	return ok && st.NumFields() == 0
}

// comparedToBound reports whether the len call at lenCur is ordered
// against a capacity: something that is not a constant, or a constant
// above 1 (0 and 1 test emptiness).
func comparedToBound(pass *analysis.Pass, lenCur inspector.Cursor) bool {
	cur := astutil.UnparenUp(lenCur)
	kind := cur.ParentEdgeKind()
	if kind != edge.BinaryExpr_X && kind != edge.BinaryExpr_Y {
		return false
	}
	bin := cur.Parent().Node().(*ast.BinaryExpr)
	other := bin.Y
	if kind == edge.BinaryExpr_Y {
		other = bin.X
	}
	if !ordering(bin.Op) {
		return false
	}
	if tv, ok := pass.TypesInfo.Types[other]; ok && tv.Value != nil {
		n, exact := constant.Int64Val(constant.ToInt(tv.Value))
		return !exact || n > 1
	}
	return true
}

// boundedNear reports whether the delete of the map field at cur runs
// under a condition (of an if or a loop in the same function) that
// orders the owner's state against a bound that is not a constant, as an
// LRU evicts while its size exceeds its capacity.
func boundedNear(pass *analysis.Pass, cur inspector.Cursor) bool {
	owner := ownerPath(cur)
	mentionsOwner := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && types.ExprString(ast.Unparen(sel.X)) == owner {
				found = true
			}
			return !found
		})
		return found
	}
	for enc := range cur.Enclosing((*ast.IfStmt)(nil), (*ast.ForStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		var cond ast.Expr
		switch n := enc.Node().(type) {
		case *ast.IfStmt:
			cond = n.Cond
		case *ast.ForStmt:
			cond = n.Cond
		default:
			return false
		}
		if cond == nil {
			continue
		}
		bounded := false
		ast.Inspect(cond, func(n ast.Node) bool {
			if bin, ok := n.(*ast.BinaryExpr); ok && ordering(bin.Op) && !isConst(pass, bin.X) && !isConst(pass, bin.Y) &&
				(mentionsOwner(bin.X) || mentionsOwner(bin.Y)) {
				bounded = true
			}
			return !bounded
		})
		if bounded {
			return true
		}
	}
	return false
}

func ordering(op token.Token) bool {
	return op == token.LSS || op == token.LEQ || op == token.GTR || op == token.GEQ
}

func isConst(pass *analysis.Pass, e ast.Expr) bool {
	tv, ok := pass.TypesInfo.Types[e]
	return ok && tv.Value != nil
}
