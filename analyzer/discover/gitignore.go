package discover

import (
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// ignoreRule is one compiled .gitignore line.
//
// We match with doublestar rather than github.com/sabhiram/go-gitignore:
// that library does not anchor patterns with a slash in the middle
// ("docs/gen" matches "x/docs/gen"), treats "?" literally, does not negate
// "[!a]", passes regexp metacharacters ("+", "(", "|") through unescaped and
// runs a regexp per pattern per path. Each of those silently changes which
// files are analysed, which for a security tool means missed or phantom
// findings; doublestar gives git's fnmatch semantics without allocations.
type ignoreRule struct {
	pattern  string // doublestar pattern, or the literal name when literal
	negate   bool
	dirOnly  bool // trailing "/": matches directories only
	anchored bool // contains a slash: matched against the path relative to the .gitignore's dir
	literal  bool // no glob metacharacters: compare strings, skip the matcher
}

// ignoreFile is the compiled form of one .gitignore. Patterns are relative to
// the directory holding it, which we express as a transformation of a
// Root-relative path: strip (for a .gitignore inside Root) or prepend (for one
// in an ancestor of Root, up to the repository top).
type ignoreFile struct {
	strip   string // "apps/web/" — Root-relative dir of the .gitignore plus "/", or ""
	prepend string // "apps/web/" — Root's path relative to an ancestor .gitignore's dir, or ""
	rules   []ignoreRule
}

func compileIgnore(text string) []ignoreRule {
	var rules []ignoreRule
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		if r, ok := parseIgnoreLine(line); ok {
			rules = append(rules, r)
		}
	}
	return rules
}

func parseIgnoreLine(line string) (ignoreRule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = strings.TrimPrefix(line, "\ufeff")
	if line == "" || line[0] == '#' {
		return ignoreRule{}, false
	}
	// Trailing spaces are ignored unless escaped with a backslash.
	for strings.HasSuffix(line, " ") && !strings.HasSuffix(line, `\ `) {
		line = line[:len(line)-1]
	}
	if line == "" {
		return ignoreRule{}, false
	}
	var r ignoreRule
	if line[0] == '!' {
		r.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return ignoreRule{}, false
	}
	if strings.Contains(line, "/") {
		r.anchored = true
		line = strings.TrimPrefix(line, "/")
		if line == "" {
			return ignoreRule{}, false
		}
	}
	// git's fnmatch has no brace alternation; doublestar does, so braces and
	// commas must be literal.
	var b strings.Builder
	meta := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case '{', '}', ',':
			b.WriteByte('\\')
		case '*', '?', '[', '\\':
			meta = true
		}
		b.WriteByte(c)
	}
	r.pattern = b.String()
	r.literal = !meta && !strings.ContainsAny(line, "{},")
	if r.literal {
		r.pattern = line
	} else if !doublestar.ValidatePattern(r.pattern) {
		// git treats an unclosed "[" as a literal; an invalid pattern can then
		// only match its own spelling, which compares fine as a literal.
		r.pattern, r.literal = line, true
	}
	return r, true
}

// match reports whether rel (relative to the .gitignore's dir) is ignored,
// or un-ignored, by this file: matched says whether any rule decided, and
// ignored is the decision of the last rule that matched (git semantics).
func (f *ignoreFile) match(rootRel, base string, isDir bool) (ignored, matched bool) {
	rel := rootRel
	if f.strip != "" {
		if !strings.HasPrefix(rel, f.strip) {
			return false, false
		}
		rel = rel[len(f.strip):]
	} else if f.prepend != "" {
		rel = f.prepend + rel
	}
	for i := len(f.rules) - 1; i >= 0; i-- {
		r := &f.rules[i]
		if r.dirOnly && !isDir {
			continue
		}
		subject := base
		if r.anchored {
			subject = rel
		}
		var ok bool
		if r.literal {
			ok = subject == r.pattern
		} else if strings.HasSuffix(r.pattern, "/**") && subject == r.pattern[:len(r.pattern)-3] {
			// git's "abc/**" matches what is inside abc, not abc itself
			// (doublestar matches both), so "!abc/keep" can re-include.
			ok = false
		} else {
			ok = doublestar.MatchUnvalidated(r.pattern, subject)
		}
		if ok {
			return !r.negate, true
		}
	}
	return false, false
}

// ignoreStack is the chain of .gitignore files that apply to a directory, from
// the outermost to the innermost. A deeper .gitignore overrides a shallower
// one, so we consult them innermost first.
type ignoreStack []*ignoreFile

func (s ignoreStack) ignored(rootRel, base string, isDir bool) bool {
	for i := len(s) - 1; i >= 0; i-- {
		if ign, ok := s[i].match(rootRel, base, isDir); ok {
			return ign
		}
	}
	return false
}
