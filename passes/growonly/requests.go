package growonly

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
)

// Code that serves requests. In a library, a key passed in by the caller
// is usually the caller's business (a bounded set of names, types or
// paths), and a mutex-guarded type usually sits in an exported type whose
// values importers own. Neither holds where the library serves requests
// itself: a function that takes an *http.Request, an http.ResponseWriter
// or a net.Conn runs once per request or connection, so the keys it
// receives alongside (a session ID, a request ID) are as many as the
// requests; and a value with a handler's method, one that takes both the
// http.ResponseWriter and the *http.Request (ServeHTTP, handlePost), is
// installed once and serves the program's whole life (a handler on a
// mux), so the values it holds in its fields live as long. A method that
// takes only the request may belong to per-request state, which dies
// with the request.

// servesRequests reports whether the function type takes a request, a
// response writer or a connection.
func servesRequests(info *types.Info, ft *ast.FuncType) bool {
	if ft == nil || ft.Params == nil {
		return false
	}
	for _, field := range ft.Params.List {
		if isRequestType(info.TypeOf(field.Type)) {
			return true
		}
	}
	return false
}

func isRequestType(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if astutil.IsNamed(t, "net/http", "Request") || astutil.IsNamed(t, "net/http", "ResponseWriter") ||
		astutil.IsNamed(t, "net", "Conn") {
		return true
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	if frameworkRequests[modulePath(n.Obj().Pkg().Path())+"."+n.Obj().Name()] {
		return true
	}
	return isServerStream(n)
}

// frameworkRequests are the request contexts of the common Go web
// frameworks, by module path without its major version: a handler takes
// one per request.
var frameworkRequests = map[string]bool{
	"github.com/gin-gonic/gin.Context":       true,
	"github.com/labstack/echo.Context":       true,
	"github.com/gofiber/fiber.Ctx":           true,
	"github.com/valyala/fasthttp.RequestCtx": true,
	"github.com/go-chi/chi.Context":          true,
}

// modulePath strips a major version suffix (/v2, /v4) from an import
// path.
func modulePath(path string) string {
	if i := strings.LastIndex(path, "/v"); i > 0 {
		if _, err := strconv.Atoi(path[i+2:]); err == nil {
			return path[:i]
		}
	}
	return path
}

// isServerStream reports whether n has the methods of a gRPC server
// stream (SendMsg, RecvMsg and SetHeader): a streaming RPC's handler
// takes one per call.
func isServerStream(n *types.Named) bool {
	for _, name := range []string{"SendMsg", "RecvMsg", "SetHeader"} {
		if obj, _, _ := types.LookupFieldOrMethod(n, true, n.Obj().Pkg(), name); obj == nil {
			return false
		} else if _, ok := obj.(*types.Func); !ok {
			return false
		}
	}
	return true
}

// isHandler reports whether the function type takes an
// http.ResponseWriter and an *http.Request, as an http.Handler does.
func isHandler(info *types.Info, ft *ast.FuncType) bool {
	var w, r bool
	for _, field := range ft.Params.List {
		t := info.TypeOf(field.Type)
		w = w || astutil.IsNamed(t, "net/http", "ResponseWriter")
		if p, ok := types.Unalias(t).(*types.Pointer); ok && astutil.IsNamed(p.Elem(), "net/http", "Request") {
			r = true
		}
	}
	return w && r
}

// addRequestServers adds to long the struct types of the package with a
// handler's method, and the struct types of the package their
// fields hold (directly or through a pointer).
func addRequestServers(pass *analysis.Pass, long map[*types.TypeName]bool) {
	info := pass.TypesInfo
	own := func(t types.Type) *types.TypeName {
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() == pass.Pkg {
			if _, ok := n.Underlying().(*types.Struct); ok {
				return n.Origin().Obj()
			}
		}
		return nil
	}
	for _, f := range pass.Files {
		if astutil.IsTestFile(pass, f) {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 || !isHandler(info, fd.Type) {
				continue
			}
			tn := own(info.TypeOf(fd.Recv.List[0].Type))
			if tn == nil {
				continue
			}
			long[tn] = true
			st := tn.Type().Underlying().(*types.Struct)
			for i := range st.NumFields() {
				if inner := own(st.Field(i).Type()); inner != nil {
					long[inner] = true
				}
			}
		}
	}
}
