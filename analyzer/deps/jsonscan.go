package deps

import (
	"errors"
	"strconv"
	"strings"
)

// jsonLeaf is called for every string value with the keys leading to it (array
// elements appear as their decimal index) and the byte range of the string,
// quotes included. Returning false stops the walk.
type jsonLeaf func(path []string, val string, start, end int) bool

// walkJSON scans JSON — plus the JSONC liberties of bun.lock: comments and
// trailing commas — and reports string leaves with their offsets. A hand-written
// scanner instead of encoding/json because we need byte offsets for positions,
// must accept JSONC, and must get through a 5 MB package-lock.json without
// building a tree of it. It never panics; on malformed input it stops and returns
// an error, having reported every leaf before the fault.
func walkJSON(s string, leaf jsonLeaf) error {
	w := &jsonWalker{s: s, leaf: leaf}
	if len(s) >= 3 && s[:3] == "\uFEFF" {
		w.i = 3
	}
	w.ws()
	if w.i >= len(s) {
		return errors.New("empty JSON document")
	}
	w.value(0)
	if w.err != nil && w.err != errStop {
		return w.err
	}
	return nil
}

var errStop = errors.New("stop")

const maxJSONDepth = 256

type jsonWalker struct {
	s    string
	i    int
	path []string
	leaf jsonLeaf
	err  error
}

func (w *jsonWalker) fail(msg string) {
	if w.err == nil {
		w.err = errors.New(msg + " at byte " + strconv.Itoa(w.i))
	}
}

// ws skips whitespace and // or /* */ comments.
func (w *jsonWalker) ws() {
	for w.i < len(w.s) {
		switch c := w.s[w.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			w.i++
		case c == '/' && w.i+1 < len(w.s) && w.s[w.i+1] == '/':
			j := strings.IndexByte(w.s[w.i:], '\n')
			if j < 0 {
				w.i = len(w.s)
			} else {
				w.i += j + 1
			}
		case c == '/' && w.i+1 < len(w.s) && w.s[w.i+1] == '*':
			j := strings.Index(w.s[w.i+2:], "*/")
			if j < 0 {
				w.i = len(w.s)
			} else {
				w.i += j + 4
			}
		default:
			return
		}
	}
}

func (w *jsonWalker) value(depth int) {
	if w.err != nil {
		return
	}
	if depth > maxJSONDepth {
		w.fail("JSON nested too deeply")
		return
	}
	w.ws()
	if w.i >= len(w.s) {
		w.fail("unexpected end of JSON")
		return
	}
	switch w.s[w.i] {
	case '{':
		w.object(depth)
	case '[':
		w.array(depth)
	case '"':
		start := w.i
		v, ok := w.str()
		if !ok {
			return
		}
		if !w.leaf(w.path, v, start, w.i) {
			w.err = errStop
		}
	default:
		// number, true, false, null: skip the literal.
		start := w.i
		for w.i < len(w.s) {
			c := w.s[w.i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '/' {
				break
			}
			w.i++
		}
		if w.i == start {
			w.fail("unexpected character")
		}
	}
}

func (w *jsonWalker) object(depth int) {
	w.i++ // {
	for {
		w.ws()
		if w.i >= len(w.s) {
			w.fail("unterminated object")
			return
		}
		if w.s[w.i] == '}' {
			w.i++
			return
		}
		if w.s[w.i] != '"' {
			w.fail("expected object key")
			return
		}
		key, ok := w.str()
		if !ok {
			return
		}
		w.ws()
		if w.i >= len(w.s) || w.s[w.i] != ':' {
			w.fail("expected ':'")
			return
		}
		w.i++
		w.path = append(w.path, key)
		w.value(depth + 1)
		w.path = w.path[:len(w.path)-1]
		if w.err != nil {
			return
		}
		w.ws()
		if w.i < len(w.s) && w.s[w.i] == ',' {
			w.i++
			continue
		}
		if w.i < len(w.s) && w.s[w.i] == '}' {
			w.i++
			return
		}
		w.fail("expected ',' or '}'")
		return
	}
}

func (w *jsonWalker) array(depth int) {
	w.i++ // [
	for n := 0; ; n++ {
		w.ws()
		if w.i >= len(w.s) {
			w.fail("unterminated array")
			return
		}
		if w.s[w.i] == ']' {
			w.i++
			return
		}
		w.path = append(w.path, strconv.Itoa(n))
		w.value(depth + 1)
		w.path = w.path[:len(w.path)-1]
		if w.err != nil {
			return
		}
		w.ws()
		if w.i < len(w.s) && w.s[w.i] == ',' {
			w.i++
			continue
		}
		if w.i < len(w.s) && w.s[w.i] == ']' {
			w.i++
			return
		}
		w.fail("expected ',' or ']'")
		return
	}
}

// str reads a string at w.i (which holds '"'). Strings without escapes — nearly
// all keys and versions — are returned as substrings without allocating.
func (w *jsonWalker) str() (string, bool) {
	start := w.i + 1
	escaped := false
	for j := start; j < len(w.s); j++ {
		switch w.s[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			w.i = j + 1
			raw := w.s[start:j]
			if !escaped {
				return raw, true
			}
			if u, err := strconv.Unquote(`"` + raw + `"`); err == nil {
				return u, true
			}
			return raw, true
		case '\n':
			w.i = j
			w.fail("newline in string")
			return "", false
		}
	}
	w.i = len(w.s)
	w.fail("unterminated string")
	return "", false
}
