package parse

// esbuild's parser and its visitor recurse once per level of nesting, with
// frames of several kilobytes: a file nesting about 100 000 levels deep (of
// brackets, arrows, `a.b.c` chains, `x()()` calls, unary operators, JSX,
// labels…) overflows Go's 1 GB goroutine stack, which is a fatal error that no
// recover catches, so one such file would kill the whole run. The parse stage
// therefore estimates the nesting of a file with a cheap linear scan before it
// calls the parser, and skips a file nested too deeply with a diagnostic.
//
// The estimate is conservative: it counts every token that can add a level to
// the syntax tree (an opening bracket, a JSX element, `.`, `?.`, `=>`, `?`,
// `:`, an assignment, `**`, a prefix operator, `<`, a call, index or tagged
// template after an operand, and the keywords that nest statements or
// expressions) and resets the count only at boundaries that separate
// siblings: `,` (in parentheses each counts an eighth of a level), `;`, the
// children of a JSX element, and a line break where automatic semicolon
// insertion ends a statement. Binary operators other than
// `**` and `<` are not counted: esbuild parses and visits chains of them
// iteratively. Over 35 000 real files (minified bundles and the TypeScript
// compiler included) the estimate never exceeded 200; the limit leaves ample
// room for generated data, long builder chains and big JSX trees.

// MaxNesting is the nesting estimate above which a file is not parsed. At
// this estimate esbuild needs at most about 32 MB of stack in the worst case
// measured (nested arrow functions), against 1 GB to overflow.
const MaxNesting = 4000

type levelKind uint8

const (
	lvBracket  levelKind = iota // ( [ { or the file itself
	lvTemplate                  // ${ … } inside a template literal
	lvJSXTag                    // <name attr={…} … up to > or />
	lvJSXBody                   // the children of an element, up to </name>
)

// level is one open construct: base is the depth at which it opened; run
// counts the nesting tokens since the last sibling boundary inside it.
type level struct {
	kind      levelKind
	close     byte // for lvBracket: ')', ']' or '}' (0 for the file)
	base, run int
	// commas in parentheses: esbuild folds `(a, b, c)` into a chain of comma
	// operators that it visits recursively, at about an eighth of the stack
	// of a nesting level per element.
	commas int
}

// tokenKind is what the scanner remembers of the previous token.
type tokenKind uint8

const (
	tokNone    tokenKind = iota // start, or after an operator or opening bracket: an operand may follow
	tokOperand                  // identifier, literal, closing bracket: an operator may follow
	tokKeyword                  // a keyword after which an operand follows (return, typeof, else…)
)

type depthScanner struct {
	s     string
	i     int
	jsx   bool
	stack []level
	prev  tokenKind
	// endsStmt: the previous token can end a statement (for ASI).
	endsStmt bool
	newline  bool
	max      int
}

// nestingTooDeep scans s and reports whether its nesting estimate exceeds
// limit, and if so the byte offset at which it did. jsx says whether `<` in
// operand position starts a JSX element (.tsx, .jsx, .js) or a type assertion
// (.ts). The scan is linear and allocates only its stack.
func nestingTooDeep(s string, jsx bool, limit int) (offset int, deep bool) {
	d := depthScanner{s: s, jsx: jsx, stack: make([]level, 1, 64)}
	for d.i < len(s) {
		if d.depth() > limit {
			return d.i, true
		}
		d.step()
	}
	if d.depth() > limit {
		return len(s), true
	}
	return 0, false
}

func (d *depthScanner) cur() *level { return &d.stack[len(d.stack)-1] }
func (d *depthScanner) depth() int  { l := d.cur(); return l.base + l.run + l.commas/8 }
func (d *depthScanner) count(n int) { d.cur().run += n }

func (d *depthScanner) open(kind levelKind, close byte) {
	base := d.depth() + 1
	d.stack = append(d.stack, level{kind: kind, close: close, base: base})
	d.prev, d.endsStmt = tokNone, false
}

func (d *depthScanner) pop() level {
	l := d.stack[len(d.stack)-1]
	if len(d.stack) > 1 {
		d.stack = d.stack[:len(d.stack)-1]
	}
	return l
}

// set records the kind of the token just scanned.
func (d *depthScanner) set(k tokenKind) {
	d.prev = k
	d.endsStmt = k == tokOperand
}

// step scans one token (or a stretch of template or JSX text).
func (d *depthScanner) step() {
	s := d.s
	if d.cur().kind == lvJSXBody {
		d.jsxText()
		return
	}
	c := s[d.i]
	switch c {
	case ' ', '\t', '\v', '\f':
		d.i++
		return
	case '\n', '\r':
		d.newline = true
		d.i++
		return
	case 0xE2:
		if d.i+2 < len(s) && s[d.i+1] == 0x80 && (s[d.i+2] == 0xA8 || s[d.i+2] == 0xA9) {
			d.newline = true
			d.i += 3
			return
		}
	case '/':
		if d.i+1 < len(s) && s[d.i+1] == '/' {
			for d.i < len(s) && s[d.i] != '\n' && s[d.i] != '\r' {
				d.i++
			}
			return
		}
		if d.i+1 < len(s) && s[d.i+1] == '*' {
			d.i += 2
			for d.i < len(s) && !(s[d.i] == '*' && d.i+1 < len(s) && s[d.i+1] == '/') {
				if s[d.i] == '\n' || s[d.i] == '\r' {
					d.newline = true
				}
				d.i++
			}
			d.i += 2
			return
		}
	}
	// A line break where ASI ends a statement separates siblings; a line
	// that continues an expression (starting with an operator, `.`, `(`,
	// `[`, a template or a word such as `else`) does not.
	if d.newline {
		d.newline = false
		if d.endsStmt && startsStatement(s[d.i:]) && d.cur().kind != lvJSXTag {
			d.cur().run = 0
		}
	}
	switch {
	case isIdentStart(c) || c == '\\':
		j := d.i + 1
		for j < len(s) && (isIdentPart(s[j]) || s[j] == '\\') {
			j++
		}
		word := s[d.i:j]
		d.i = j
		if d.cur().kind == lvJSXTag {
			d.set(tokOperand) // an attribute name
			return
		}
		if nestingKeyword[word] {
			d.count(1)
		}
		if keyword[word] {
			d.set(tokKeyword)
		} else {
			d.set(tokOperand)
		}
		return
	case c >= '0' && c <= '9' || c == '.' && d.i+1 < len(s) && s[d.i+1] >= '0' && s[d.i+1] <= '9' && d.prev != tokOperand:
		d.i++
		for d.i < len(s) && (isIdentPart(s[d.i]) || s[d.i] == '.') {
			d.i++
		}
		d.set(tokOperand)
		return
	case c == '"' || c == '\'':
		jsxAttr := d.cur().kind == lvJSXTag // JSX attribute strings span lines, without escapes
		d.i++
		for d.i < len(s) && s[d.i] != c && (jsxAttr || s[d.i] != '\n' && s[d.i] != '\r') {
			if s[d.i] == '\\' && !jsxAttr {
				d.i++
			}
			d.i++
		}
		d.i++
		d.set(tokOperand)
		return
	case c == '`':
		if d.prev == tokOperand {
			d.count(1) // a tagged template nests like a call
		}
		d.i++
		d.template()
		return
	case c == '/' && d.prev != tokOperand && d.cur().kind != lvJSXTag:
		d.regexp()
		return
	}
	d.i++
	switch c {
	case '(', '[':
		if d.prev == tokOperand {
			d.count(1) // a call or an index nests the callee
		}
		close := byte(')')
		if c == '[' {
			close = ']'
		}
		d.open(lvBracket, close)
	case '{':
		d.open(lvBracket, '}')
	case ')', ']', '}':
		if l := d.cur(); l.kind == lvTemplate && c == '}' {
			d.pop()
			d.template()
			return
		} else if l.kind == lvBracket && l.close == c {
			d.pop()
		}
		d.set(tokOperand)
	case ';', ',':
		l := d.cur()
		l.run = 0
		if c == ',' && l.close == ')' {
			l.commas++
		}
		d.set(tokNone)
	case '.':
		if d.i+1 < len(s) && s[d.i] == '.' && s[d.i+1] == '.' {
			d.i += 2 // spread or rest
		}
		d.count(1)
		d.set(tokNone)
	case '?':
		switch {
		case d.i < len(s) && s[d.i] == '?':
			d.i++ // ?? (iterative) and ??=
			if d.i < len(s) && s[d.i] == '=' {
				d.i++
				d.count(1)
			}
		case d.i+1 < len(s) && s[d.i] == '.' && !(s[d.i+1] >= '0' && s[d.i+1] <= '9'):
			d.i++ // ?.
			d.count(1)
		default:
			d.count(1)
		}
		d.set(tokNone)
	case ':', '~':
		d.count(1)
		d.set(tokNone)
	case '<':
		d.lessThan()
	case '>':
		if d.cur().kind == lvJSXTag {
			d.cur().kind = lvJSXBody // the opening tag ends; the children follow
			d.cur().run = 0
			return
		}
		for d.i < len(s) && (s[d.i] == '>' || s[d.i] == '=') {
			d.i++
		}
		d.set(tokNone)
	case '=':
		switch {
		case d.i < len(s) && s[d.i] == '>':
			d.i++
			d.count(1)
		case d.i < len(s) && s[d.i] == '=':
			for d.i < len(s) && s[d.i] == '=' {
				d.i++
			}
		default:
			d.count(1)
		}
		d.set(tokNone)
	case '!':
		if d.i < len(s) && s[d.i] == '=' {
			for d.i < len(s) && s[d.i] == '=' {
				d.i++
			}
			d.set(tokNone)
			return
		}
		if d.prev == tokOperand {
			return // TypeScript's non-null assertion
		}
		d.count(1)
		d.set(tokNone)
	case '+', '-':
		if d.i < len(s) && s[d.i] == c {
			d.i++
			if d.prev == tokOperand {
				d.set(tokOperand) // postfix: x++ / 2 divides
				return
			}
			d.count(1)
		} else if d.i < len(s) && s[d.i] == '=' {
			d.i++
			d.count(1)
		} else if d.prev != tokOperand {
			d.count(1) // unary
		}
		d.set(tokNone)
	case '*':
		if d.i < len(s) && s[d.i] == '*' {
			d.i++
			d.count(1) // ** is right-associative
		}
		if d.i < len(s) && s[d.i] == '=' {
			d.i++
			d.count(1)
		}
		d.set(tokNone)
	case '&', '|', '^', '%', '/':
		for d.i < len(s) && s[d.i] == c && c != '/' {
			d.i++
		}
		if d.i < len(s) && s[d.i] == '=' {
			d.i++
			d.count(1) // a compound assignment
		} else if c == '/' && d.cur().kind == lvJSXTag && d.i < len(s) && s[d.i] == '>' {
			d.i++ // a self-closing element ends
			d.pop()
			d.set(tokOperand)
			return
		}
		d.set(tokNone)
	default:
		d.set(tokNone)
	}
}

// lessThan handles '<' (already consumed): a JSX element where an operand is
// expected in a JSX-capable file, otherwise a comparison, type arguments or
// a type assertion, all counted as one level.
func (d *depthScanner) lessThan() {
	s := d.s
	if d.jsx && d.prev != tokOperand && d.cur().kind != lvJSXTag {
		j := d.i
		for j < len(s) && isIdentPart(s[j]) || j < len(s) && (s[j] == '.' || s[j] == ':' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
			k++
		}
		// <T,>(…) => and <T extends U>(…) => are type parameters, not JSX.
		typeParams := j > d.i && k < len(s) && (s[k] == ',' || len(s)-k > 7 && s[k:k+7] == "extends" && !isIdentPart(s[k+7]))
		if !typeParams && (j > d.i || j < len(s) && s[j] == '>') {
			d.i = j
			if d.i < len(s) && s[d.i] == '>' { // a fragment <>
				d.i++
				d.open(lvJSXBody, 0)
				return
			}
			d.open(lvJSXTag, 0)
			return
		}
	}
	d.count(1)
	for d.i < len(s) && (s[d.i] == '<' || s[d.i] == '=') {
		d.i++
	}
	d.set(tokNone)
}

// jsxText scans the children of a JSX element: text up to a child element,
// an expression container or the closing tag.
func (d *depthScanner) jsxText() {
	s := d.s
	for d.i < len(s) && s[d.i] != '<' && s[d.i] != '{' {
		d.i++
	}
	if d.i >= len(s) {
		return
	}
	if s[d.i] == '{' {
		d.i++
		d.open(lvBracket, '}')
		return
	}
	d.i++ // '<'
	j := d.i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
		j++
	}
	if j < len(s) && s[j] == '/' { // the closing tag
		for j < len(s) && s[j] != '>' {
			j++
		}
		d.i = j + 1
		d.pop()
		d.set(tokOperand)
		return
	}
	d.prev = tokNone
	d.lessThan()
}

// template scans template text from just after "`" or the "}" closing a
// substitution, to the closing "`" or into the next "${".
func (d *depthScanner) template() {
	s := d.s
	for d.i < len(s) {
		switch s[d.i] {
		case '\\':
			d.i += 2
			continue
		case '`':
			d.i++
			d.set(tokOperand)
			return
		case '$':
			if d.i+1 < len(s) && s[d.i+1] == '{' {
				d.i += 2
				d.open(lvTemplate, '}')
				return
			}
		}
		d.i++
	}
}

// regexp skips a regular expression literal starting at '/'.
func (d *depthScanner) regexp() {
	s := d.s
	d.i++
	inClass := false
	for d.i < len(s) && s[d.i] != '\n' && s[d.i] != '\r' {
		switch c := s[d.i]; {
		case c == '\\':
			d.i++
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			d.i++
			for d.i < len(s) && isIdentPart(s[d.i]) {
				d.i++
			}
			d.set(tokOperand)
			return
		}
		d.i++
	}
	d.set(tokOperand)
}

// startsStatement reports whether the text after a line break begins a new
// statement when the previous line could end one: a word that does not
// continue an expression, a literal or a block. Operators, `.`, `(`, `[` and
// templates continue the previous line (no ASI).
func startsStatement(s string) bool {
	c := s[0]
	switch {
	case isIdentStart(c):
		j := 1
		for j < len(s) && isIdentPart(s[j]) {
			j++
		}
		return !continuesExpr[s[:j]]
	case c >= '0' && c <= '9', c == '"', c == '\'', c == '{', c == '}', c == '@', c == '#':
		return true
	}
	return false
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

// nestingKeyword are words whose construct nests what follows.
var nestingKeyword = map[string]bool{
	"if": true, "else": true, "for": true, "while": true, "do": true, "with": true,
	"try": true, "catch": true, "finally": true, "switch": true,
	"function": true, "class": true, "extends": true, "new": true, "await": true,
	"yield": true, "typeof": true, "void": true, "delete": true, "keyof": true,
	"infer": true, "async": true,
}

// keyword are words after which an operand, not an operator, follows: a `/`
// after them starts a regular expression and a `<` a JSX element.
var keyword = map[string]bool{
	"return": true, "typeof": true, "case": true, "do": true, "else": true, "in": true,
	"of": true, "new": true, "delete": true, "void": true, "throw": true,
	"instanceof": true, "yield": true, "await": true, "extends": true, "keyof": true,
	"export": true, "default": true, "if": true, "while": true, "for": true, "with": true,
	"switch": true, "catch": true,
}

// continuesExpr are words that, at the start of a line, continue the
// expression or statement of the line before.
var continuesExpr = map[string]bool{
	"else": true, "catch": true, "finally": true, "in": true, "instanceof": true,
	"as": true, "satisfies": true, "of": true, "extends": true, "implements": true, "while": true,
}
