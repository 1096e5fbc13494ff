// Package topdown reproduces, in its own words, the regex built-ins of
// the Open Policy Agent's evaluator as they were before
// https://github.com/open-policy-agent/opa/pull/9166 (for issue #9087;
// before/ is the code before the change, after/ as changed). Compiled
// patterns are kept in one process-wide map by pattern. regex.match and
// the other built-ins make room when the map is full by deleting one
// entry before adding theirs, but regex.template_match added its
// pattern with no such check, so policies matching templates that come
// from the input grew the map without bound, and the one-entry eviction
// of the other built-ins never brought it back under the limit. The fix
// puts every insertion through one helper that evicts until the map is
// under its limit.
package topdown

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

const regexCacheMaxSize = 100

var (
	regexpCacheLock sync.RWMutex
	regexpCache     = make(map[string]*regexp.Regexp)
)

// RegexMatch is the regex.match built-in.
func RegexMatch(pattern, value string) (bool, error) {
	re, err := getRegexp(pattern)
	if err != nil {
		return false, err
	}
	return re.MatchString(value), nil
}

// RegexSplit is the regex.split built-in.
func RegexSplit(pattern, value string) ([]string, error) {
	re, err := getRegexp(pattern)
	if err != nil {
		return nil, err
	}
	return re.Split(value, -1), nil
}

// RegexTemplateMatch is the regex.template_match built-in: the parts of
// template between start and end are patterns, the rest literal text.
func RegexTemplateMatch(template, value, start, end string) (bool, error) {
	if len(start) != 1 || len(end) != 1 {
		return false, fmt.Errorf("delimiters must be one character long")
	}
	re, err := getRegexpTemplate(template, start[0], end[0])
	if err != nil {
		return false, err
	}
	return re.MatchString(value), nil
}

func getRegexp(pat string) (*regexp.Regexp, error) {
	regexpCacheLock.RLock()
	re, ok := regexpCache[pat]
	numCached := len(regexpCache)
	regexpCacheLock.RUnlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, err
	}
	regexpCacheLock.Lock()
	if numCached >= regexCacheMaxSize {
		// Make room: drop one entry, whichever comes first.
		for k := range regexpCache {
			delete(regexpCache, k)
			break
		}
	}
	regexpCache[pat] = re // want growonly "."
	regexpCacheLock.Unlock()
	return re, nil
}

func getRegexpTemplate(pat string, delimStart, delimEnd byte) (*regexp.Regexp, error) {
	regexpCacheLock.RLock()
	re, ok := regexpCache[pat]
	regexpCacheLock.RUnlock()
	if ok {
		return re, nil
	}
	re, err := compileRegexTemplate(pat, delimStart, delimEnd)
	if err != nil {
		return nil, err
	}
	regexpCacheLock.Lock()
	regexpCache[pat] = re
	regexpCacheLock.Unlock()
	return re, nil
}

// compileRegexTemplate compiles tmpl, whose parts between delimStart and
// delimEnd are regular expressions and whose other parts match
// literally, into one anchored expression.
func compileRegexTemplate(tmpl string, delimStart, delimEnd byte) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteByte('^')
	for len(tmpl) > 0 {
		i := strings.IndexByte(tmpl, delimStart)
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(tmpl))
			break
		}
		b.WriteString(regexp.QuoteMeta(tmpl[:i]))
		j := strings.IndexByte(tmpl[i+1:], delimEnd)
		if j < 0 {
			return nil, fmt.Errorf("unbalanced delimiters in %q", tmpl)
		}
		b.WriteString("(?:" + tmpl[i+1:i+1+j] + ")")
		tmpl = tmpl[i+2+j:]
	}
	b.WriteByte('$')
	return regexp.Compile(b.String())
}
