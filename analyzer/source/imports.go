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
	for i := 0; i < len(text); {
		j, kw := nextKeyword(text, i)
		if j < 0 {
			break
		}
		i = j + len(kw)
		if spec, ok := specifierAfter(text, i, kw != "from"); ok {
			out = append(out, spec)
		}
	}
	return out
}

// nextKeyword finds the next "from", "import" or "require" at or after i that
// is a whole word.
func nextKeyword(text string, i int) (int, string) {
	for i < len(text) {
		k := indexAnyKeyword(text[i:])
		if k < 0 {
			return -1, ""
		}
		at := i + k
		kw := keywordAt(text, at)
		if at > 0 && isIdentByte(text[at-1]) || at+len(kw) < len(text) && isIdentByte(text[at+len(kw)]) {
			i = at + 1
			continue
		}
		return at, kw
	}
	return -1, ""
}

// indexAnyKeyword returns the index of the first 'f', 'i' or 'r' that starts
// one of the keywords, or -1.
func indexAnyKeyword(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'f':
			if strings.HasPrefix(s[i:], "from") {
				return i
			}
		case 'i':
			if strings.HasPrefix(s[i:], "import") {
				return i
			}
		case 'r':
			if strings.HasPrefix(s[i:], "require") {
				return i
			}
		}
	}
	return -1
}

func keywordAt(text string, at int) string {
	switch text[at] {
	case 'f':
		return "from"
	case 'i':
		return "import"
	}
	return "require"
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
