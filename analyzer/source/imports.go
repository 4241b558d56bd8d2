package source

import "strings"

// ImportSpecifiers returns, from text alone, the module specifiers a JS/TS
// module may load: the string after `from` (imports and re-exports), after a
// bare `import` (side-effect imports), and inside `import(...)` and
// `require(...)`. It is a scanner, not a parser: a keyword inside a comment or
// a string can add a specifier that the module does not import, never the
// reverse, so callers use it where an over-approximation is safe (which
// modules may depend on which) and a parse would cost far more.
func ImportSpecifiers(text string) []string {
	var out []string
	sc := keywordScanner{text: text}
	for {
		at, kw := sc.next()
		if at < 0 {
			break
		}
		if spec, ok := specifierAfter(text, at+len(kw), kw != "from"); ok {
			out = append(out, spec)
		}
	}
	return out
}

var keywords = [...]string{"from", "import", "require"}

// keywordScanner yields the whole-word occurrences of the keywords in order.
// It finds each keyword with strings.Index (vectorised) and remembers where
// each one next occurs, so the text is searched once per keyword.
type keywordScanner struct {
	text string
	pos  [len(keywords)]int // next occurrence of each keyword; -1: none left
	init bool
}

func (sc *keywordScanner) find(k, from int) {
	if from > len(sc.text) {
		sc.pos[k] = -1
		return
	}
	if j := strings.Index(sc.text[from:], keywords[k]); j >= 0 {
		sc.pos[k] = from + j
	} else {
		sc.pos[k] = -1
	}
}

func (sc *keywordScanner) next() (int, string) {
	if !sc.init {
		for k := range keywords {
			sc.find(k, 0)
		}
		sc.init = true
	}
	for {
		best := -1
		for k, p := range sc.pos {
			if p >= 0 && (best < 0 || p < sc.pos[best]) {
				best = k
			}
		}
		if best < 0 {
			return -1, ""
		}
		at, kw := sc.pos[best], keywords[best]
		sc.find(best, at+1)
		if at > 0 && isIdentByte(sc.text[at-1]) || at+len(kw) < len(sc.text) && isIdentByte(sc.text[at+len(kw)]) {
			continue
		}
		return at, kw
	}
}

// specifierAfter reads `"spec"` (or, when call is set, also `("spec"`) after
// optional white space at i.
func specifierAfter(text string, i int, call bool) (string, bool) {
	i = skipSpace(text, i)
	if call && i < len(text) && text[i] == '(' {
		i = skipSpace(text, i+1)
	}
	if i >= len(text) {
		return "", false
	}
	q := text[i]
	if q != '"' && q != '\'' && q != '`' {
		return "", false
	}
	end := strings.IndexByte(text[i+1:], q)
	if end < 0 {
		return "", false
	}
	spec := text[i+1 : i+1+end]
	if spec == "" || strings.ContainsAny(spec, "\n$") {
		return "", false
	}
	return spec, true
}

func skipSpace(text string, i int) int {
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
