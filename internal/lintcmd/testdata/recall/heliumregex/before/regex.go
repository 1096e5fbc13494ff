// Package xpath3 reproduces, in its own words, the compiled-regex cache
// bounded in helium: https://github.com/lestrrat-go/helium/pull/767
// (commit 5298f53144e5fecd8057a75b45821a6d72f41e49; before/ is the code
// before the fix, after/ as fixed). Patterns come from the XPath
// expressions users evaluate; the cache kept every one of them.
package xpath3

import (
	"net/url"
	"regexp"
	"sync"
)

var _ = url.Parse

type regexKey struct{ pattern, flags string }

var compiledRegexCache sync.Map

func compileXPathRegex(pattern, flags string) (*regexp.Regexp, error) {
	key := regexKey{pattern: pattern, flags: flags}
	if re, ok := compiledRegexCache.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile("(?" + flags + ")" + pattern)
	if err != nil {
		return nil, err
	}
	actual, _ := compiledRegexCache.LoadOrStore(key, re) // want growonly "sync.Map compiledRegexCache only grows"
	return actual.(*regexp.Regexp), nil
}

// Matches is the XPath fn:matches function.
func Matches(input, pattern, flags string) (bool, error) {
	re, err := compileXPathRegex(pattern, flags)
	if err != nil {
		return false, err
	}
	return re.MatchString(input), nil
}
