// Package gin is a stand-in for github.com/gin-gonic/gin: the request
// context its handlers take.
package gin

import "net/http"

type Context struct {
	Request *http.Request
	params  map[string]string
}

func (c *Context) Param(key string) string { return c.params[key] }
