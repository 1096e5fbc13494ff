package growonly

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Values that come with a request or an event. Outside package main a
// key chosen by the caller, or looked up before it is inserted (a memo
// cache), is usually bounded by what the program asks for: a set of
// names, types or configured sizes. It is not when it came with a
// request or an event: there are as many as there are requests. The
// analyzer follows such values through the package:
//
//   - the parameters of a function that serves requests (it takes an
//     *http.Request, an http.ResponseWriter, a net.Conn, a web
//     framework's request context or a gRPC server stream: isRequestType) or one
//     subscriber (it blocks in a run loop until the subscriber goes, as
//     a streaming RPC's Watch does), except those of a configuration type
//     (astutil.ConfigType);
//   - in the body of a goroutine's run loop (`for { select ... }`, a
//     range over a channel), the local variables it defines from values
//     that are not constants: one event per iteration;
//   - local variables assigned from an expression that reads one of
//     those, or whose address is given to a call that reads one
//     (json.NewDecoder(r.Body).Decode(&ev)); a struct built from one (a
//     client wrapping its connection) is one per request as a key, but
//     its fields are its own state, not the request's;
//   - the peer a packet connection's read returns (`n, addr, err :=
//     conn.ReadFromUDP(buf)`) and the connection a listener's Accept
//     returns: one per client;
//   - the parameters of the package's functions, and of function
//     literals called where they stand (`go func(id string) { ... }(req.ID)`),
//     that are passed one, at
//     most maxTaintHops calls away from where it came in. Further away,
//     in a large package whose every part a connection reaches, a value
//     is as likely a configured name (a storage tier, an account) as
//     request data, and nothing in the code tells which.

const maxTaintHops = 2

// taintMark says how a variable came to hold request data: hops is the
// number of calls between the source and the variable; owner marks a
// value built per request whose fields are not request data.
type taintMark struct {
	hops  int
	owner bool
}

// collectTaint computes c.taint over the package's files, to a fixed
// point.
func (c *checker) collectTaint(inspect *inspector.Inspector) {
	info := c.pass.TypesInfo
	c.taint = make(map[*types.Var]taintMark)
	var files []inspector.Cursor
	for fileCur := range inspect.Root().Children() {
		if !astutil.IsTestFile(c.pass, fileCur.Node().(*ast.File)) {
			files = append(files, fileCur)
		}
	}
	changed := false
	mark := func(v *types.Var, m taintMark) {
		if v == nil || v.Name() == "" || v.Name() == "_" || v.IsField() || v.Parent() == c.pass.Pkg.Scope() || m.hops > maxTaintHops {
			return
		}
		if old, ok := c.taint[v]; !ok || m.hops < old.hops {
			c.taint[v] = m
			changed = true
		}
	}
	markID := func(id ast.Expr, m taintMark) {
		if id, ok := ast.Unparen(id).(*ast.Ident); ok {
			v, _ := info.ObjectOf(id).(*types.Var)
			mark(v, m)
		}
	}
	for _, fileCur := range files {
		for cur := range fileCur.Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			ft, body := astutil.FuncParts(cur.Node())
			if !servesRequests(info, ft) && (body == nil || !astutil.BlocksInRunLoop(info, body)) {
				continue
			}
			for _, field := range ft.Params.List {
				if astutil.ConfigType(info.TypeOf(field.Type)) {
					continue
				}
				for _, id := range field.Names {
					markID(id, taintMark{})
				}
			}
		}
	}
	for first := true; first || changed; first = false {
		changed = false
		for _, fileCur := range files {
			for cur := range fileCur.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.RangeStmt)(nil), (*ast.CallExpr)(nil)) {
				switch n := cur.Node().(type) {
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if i < len(n.Values) {
							if hops, ok := c.taintOf(n.Values[i]); ok {
								markID(id, taintMark{hops: hops, owner: isNewStruct(info, n.Values[i])})
							}
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						rhs := n.Rhs[0]
						if len(n.Rhs) == len(n.Lhs) {
							rhs = n.Rhs[i]
						}
						if hops, ok := c.taintOf(rhs); ok {
							markID(lhs, taintMark{hops: hops, owner: isNewStruct(info, rhs)})
						} else if len(n.Rhs) == 1 && readsPeer(info, rhs) && isPeer(info.TypeOf(lhs)) {
							markID(lhs, taintMark{})
						} else if n.Tok == token.DEFINE && (c.inRunLoop(cur) && !isConstant(info, rhs) || c.inRequestFunc(cur) && c.drawnPerRequest(rhs)) {
							markID(lhs, taintMark{})
						}
					}
				case *ast.RangeStmt:
					hops, ok := c.taintOf(n.X)
					if astutil.IsRunLoop(info, n) || (n.Tok == token.DEFINE && c.inRunLoop(cur)) {
						hops, ok = 0, true
					}
					if ok {
						if n.Key != nil {
							markID(n.Key, taintMark{hops: hops})
						}
						if n.Value != nil {
							markID(n.Value, taintMark{hops: hops})
						}
					}
				case *ast.CallExpr:
					// A call that reads the request fills the variables
					// whose address it is given: json.NewDecoder(r.Body).Decode(&ev).
					if hops, ok := c.taintOf(n); ok {
						for _, arg := range n.Args {
							if u, ok := ast.Unparen(arg).(*ast.UnaryExpr); ok && u.Op == token.AND {
								markID(u.X, taintMark{hops: hops})
							}
						}
					}
					var params *types.Tuple
					hop := 1
					if lit, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok {
						// go func(id string) { ... }(req.ID): the literal's
						// parameters are its arguments, in the same function.
						if sig, ok := info.TypeOf(lit).(*types.Signature); ok {
							params, hop = sig.Params(), 0
						}
					} else if fn, ok := typeutil.Callee(info, n).(*types.Func); ok && fn.Pkg() == c.pass.Pkg {
						params = fn.Origin().Signature().Params()
					}
					if params == nil {
						continue
					}
					for i, arg := range n.Args {
						hops, ok := c.taintOf(arg)
						if params.Len() == 0 || !ok {
							continue
						}
						_, owner := c.ownerOf(arg)
						mark(params.At(min(i, params.Len()-1)), taintMark{hops: hops + hop, owner: owner})
					}
				}
			}
		}
	}
}

// peerReads are the methods of package net that return a new client's
// address or connection.
var peerReads = map[string]bool{
	"Accept": true, "AcceptTCP": true, "AcceptUnix": true,
	"ReadFrom": true, "ReadFromUDP": true, "ReadFromUDPAddrPort": true, "ReadFromIP": true,
	"ReadMsgUDP": true, "ReadMsgUDPAddrPort": true, "ReadMsgIP": true, "ReadFromUnix": true, "ReadMsgUnix": true,
}

// readsPeer reports whether e calls a method of package net (a
// listener's or a packet connection's, through an interface of package
// net or not) that returns a peer: `ln.Accept()`, `pc.ReadFrom(buf)`.
func readsPeer(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "net" && peerReads[fn.Name()]
}

// isPeer reports whether t holds a peer's address or connection: a type
// of package net or net/netip (net.Addr, *net.UDPAddr, netip.AddrPort,
// net.Conn), not a byte count or an error.
func isPeer(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	path := n.Obj().Pkg().Path()
	return path == "net" || path == "net/netip"
}

// taintOf reports whether e reads a value that came with a request or an
// event, or is a value built per request (not one of its fields), and
// how many calls away from its source.
func (c *checker) taintOf(e ast.Expr) (hops int, ok bool) {
	hops = maxTaintHops + 1
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if m, owner := c.ownerOf(n.X); owner {
				// A field of a per-request value is its own state (the
				// account a client logged into), except its identity
				// (c.id, c.connID): one per request, like the value.
				if isIdentityName(n.Sel.Name) && m.hops < hops {
					hops, ok = m.hops, true
				}
				return false
			}
		case *ast.Ident:
			if v, isVar := c.pass.TypesInfo.Uses[n].(*types.Var); isVar {
				if m, tainted := c.taint[v]; tainted && m.hops < hops {
					hops, ok = m.hops, true
				}
			}
		}
		return true
	})
	return hops, ok
}

// withRequest reports whether the key e came with a request in the
// function around it or its caller (at most one hop): a configuration
// parameter beside it does not choose such a key. Request data from
// further away is weaker evidence than the configuration's: caddy's ECH
// configs, keyed by names loaded from storage two calls from a
// caddy.Context, are configuration (docs/lint-heldout.md).
func (c *checker) withRequest(e ast.Expr) bool {
	hops, ok := c.taintOf(e)
	return ok && hops <= 1
}

// isTainted reports whether the key e came with a request or an event.
func (c *checker) isTainted(e ast.Expr) bool {
	_, ok := c.taintOf(e)
	return ok
}

// isIdentityName reports whether a field so named identifies its value:
// id, ID, cid, connID, sessionId. A name is all the code says of it.
func isIdentityName(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), "id")
}

// ownerOf returns the mark of e when e names a value built per request.
func (c *checker) ownerOf(e ast.Expr) (taintMark, bool) {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return taintMark{}, false
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return taintMark{}, false
	}
	m, ok := c.taint[v]
	return m, ok && m.owner
}

// isNewStruct reports whether e allocates a struct value: T{...},
// &T{...} or new(T).
func isNewStruct(info *types.Info, e ast.Expr) bool {
	if !astutil.IsNewValue(info, e) {
		return false
	}
	t := info.TypeOf(e)
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// inRunLoop reports whether cur is in the body of a goroutine's run loop
// of the innermost function around it.
func (c *checker) inRunLoop(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.ForStmt)(nil), (*ast.RangeStmt)(nil)) {
		switch n := enc.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.ForStmt:
			if astutil.IsRunLoop(c.pass.TypesInfo, n) && n.Body.Pos() <= cur.Node().Pos() {
				return true
			}
		case *ast.RangeStmt:
			if astutil.IsRunLoop(c.pass.TypesInfo, n) && n.Body.Pos() <= cur.Node().Pos() {
				return true
			}
		}
	}
	return false
}

func isConstant(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil
}

// Keys that name a remote resource. A memo cache keyed by the address it
// fetches over the network (an image URL, a host to dial) holds one entry
// per remote resource the program ever met: the web's domain, not a set
// the program chose.

// fetchFuncs are the functions that take the address of what they fetch
// or dial as their first argument.
var fetchFuncs = map[string]bool{
	"net/http.Get": true, "net/http.Head": true, "net/http.Post": true, "net/http.PostForm": true,
	"net/http.NewRequest": true, "net/http.NewRequestWithContext": true,
	"(*net/http.Client).Get": true, "(*net/http.Client).Head": true, "(*net/http.Client).Post": true,
	"net.Dial": true, "net.DialTimeout": true, "(*net.Dialer).Dial": true, "(*net.Dialer).DialContext": true,
}

// collectFetchParams records the parameters of the package's functions
// that are passed, as they are, as the address of a fetch, directly or
// through another function of the package.
func (c *checker) collectFetchParams(inspect *inspector.Inspector) {
	c.fetchParams = make(map[*types.Var]bool)
	for changed := true; changed; {
		changed = false
		for cur := range inspect.Root().Preorder((*ast.CallExpr)(nil)) {
			if v := c.fetchedVar(cur.Node().(*ast.CallExpr)); v != nil && !c.fetchParams[v] && isParamVar(v) {
				c.fetchParams[v] = true
				changed = true
			}
		}
	}
}

// fetchedVar returns the variable call passes as the address of a fetch,
// or nil.
func (c *checker) fetchedVar(call *ast.CallExpr) *types.Var {
	info := c.pass.TypesInfo
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil
	}
	var arg ast.Expr
	switch {
	case fetchFuncs[fn.FullName()]:
		if i := fetchArgIndex(fn); i < len(call.Args) {
			arg = call.Args[i]
		}
	case fn.Pkg() == c.pass.Pkg:
		params := fn.Origin().Signature().Params()
		for i, a := range call.Args {
			if i < params.Len() && c.fetchParams[params.At(i)] {
				arg = a
			}
		}
	}
	if id, ok := ast.Unparen(arg).(*ast.Ident); ok && arg != nil {
		v, _ := info.Uses[id].(*types.Var)
		return v
	}
	return nil
}

// fetchArgIndex is the index of the address among fn's arguments.
func fetchArgIndex(fn *types.Func) int {
	switch fn.Name() {
	case "Dial", "DialTimeout", "NewRequest":
		return 1
	case "DialContext", "NewRequestWithContext":
		return 2
	}
	return 0
}

func isParamVar(v *types.Var) bool { return v.Kind() == types.ParamVar }

// namesRemote reports whether the key at cur is a variable that the
// function around it also passes as the address of a fetch.
func (c *checker) namesRemote(cur inspector.Cursor, key ast.Expr) bool {
	id, ok := ast.Unparen(key).(*ast.Ident)
	if !ok {
		return false
	}
	v, _ := c.pass.TypesInfo.Uses[id].(*types.Var)
	if v == nil {
		return false
	}
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		found := false
		ast.Inspect(enc.Node(), func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && c.fetchedVar(call) == v {
				found = true
			}
			return !found
		})
		return found
	}
	return false
}

// drawnPerRequest reports whether e draws a new value each time it runs:
// it calls a function (token(), uuid.New(), time.Now(), an atomic add),
// and reads no configuration (config.WriteBufferSize read per connection
// is one configured value).
func (c *checker) drawnPerRequest(e ast.Expr) bool {
	info := c.pass.TypesInfo
	called, config := false, false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; !ok || !tv.IsType() {
				called = true
			}
		case ast.Expr:
			if tv, ok := info.Types[n]; ok && !tv.IsType() && astutil.ConfigType(tv.Type) {
				config = true
			}
		}
		return !config
	})
	return called && !config
}

// inRequestFunc reports whether cur is in a function that serves
// requests (not in a function literal there, which may run at any time):
// what it draws there (a token it generates, an ID) is as many as the
// requests.
func (c *checker) inRequestFunc(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		ft, _ := astutil.FuncParts(enc.Node())
		return servesRequests(c.pass.TypesInfo, ft)
	}
	return false
}
