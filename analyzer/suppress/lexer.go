package suppress

import "strings"

// The lexer is a byte-level state machine over a stack of frames: code, a
// template literal's text, a JSX tag, JSX children. It tokenizes only as much
// as needed to know where comments are:
//
//   - '/' starts a regular expression when the previous significant token does
//     not end an expression (an identifier, number, literal, ')' ']' '}' or
//     postfix ++/--), keywords such as return and typeof excepted; the usual
//     heuristic, exact for real code but for rare cases like `if (x) /re/`.
//   - '<' in the same position followed by a name or '>' starts JSX. In .ts
//     files that can be a type assertion (<T>x) or a generic arrow (<T,>() =>),
//     which JSX never is: ',' or '=>' in a tag or a '>' or '}' in JSX text is
//     illegal JSX, so on seeing one the lexer rewinds to the '<', treats it as
//     an operator and rescans that stretch as code without JSX; so it does
//     when the file ends inside JSX. Each stretch is rescanned at most once,
//     which keeps the whole scan linear.
//   - Unterminated strings and regular expressions end at the end of the line,
//     as the JavaScript grammar implies, so one stray quote hides at most the
//     rest of its line.

type frameKind uint8

const (
	frameCode     frameKind = iota // code; depth counts open '{'
	frameTemplate                  // the text of a template literal
	frameTag                       // inside <name ...>
	frameCloseTag                  // inside </name>
	frameChildren                  // between <name> and </name>
)

type frame struct {
	kind  frameKind
	depth int32
}

type span struct{ start, end int32 }

// savepoint is the state at the '<' that started the outermost JSX element,
// for rewinding when it turns out not to be JSX. Frames below stackLen are
// never touched while JSX frames sit above them, so their count suffices.
type savepoint struct {
	pos, stackLen, nComments, nDirs, nProbs int
	top                                     frame
}

type lexer struct {
	text  string
	pos   int
	stack []frame
	// jsx counts the JSX frames on the stack.
	jsx int
	// exprEnd: the last significant token ends an expression, so '/' divides
	// and '<' compares.
	exprEnd bool
	// afterDot: the last token was '.', so an identifier is a property name
	// (x.return), not a keyword.
	afterDot bool
	// noJSXUntil: JSX may not start before this offset (a stretch rescanned
	// after a rewind).
	noJSXUntil int
	save       savepoint

	comments []span
	dirs     []Directive
	probs    []Problem
}

func (l *lexer) run() {
	if len(l.text) >= 2 && l.text[:2] == "#!" {
		l.pos = lineEnd(l.text, 2)
	}
	for {
		for l.pos < len(l.text) {
			switch l.stack[len(l.stack)-1].kind {
			case frameCode:
				l.code()
			case frameTemplate:
				l.template()
			case frameTag, frameCloseTag:
				l.tag()
			case frameChildren:
				l.children()
			}
		}
		if l.jsx == 0 {
			return
		}
		// JSX left open at the end of the file was a TS type assertion
		// (<T>x) whose text never happened to refute it. bail forbids JSX up
		// to the end, so this runs at most once.
		l.bail()
	}
}

func (l *lexer) push(k frameKind) { l.stack = append(l.stack, frame{kind: k}) }
func (l *lexer) pop()             { l.stack = l.stack[:len(l.stack)-1] }

// comment handles "//" or "/*" at l.pos in code and JSX tags.
func (l *lexer) comment() bool {
	t, i := l.text, l.pos
	if t[i] != '/' || i+1 >= len(t) {
		return false
	}
	switch t[i+1] {
	case '/':
		end := lineEnd(t, i+2)
		l.addComment(i, end, t[i+2:end], false)
		l.pos = end
	case '*':
		end, bodyEnd := len(t), len(t)
		if j := indexFrom(t, "*/", i+2); j >= 0 {
			end, bodyEnd = j+2, j
		}
		l.addComment(i, end, t[i+2:bodyEnd], true)
		l.pos = end
	default:
		return false
	}
	return true
}

func (l *lexer) addComment(start, end int, body string, block bool) {
	l.comments = append(l.comments, span{int32(start), int32(end)})
	l.parseComment(start, end, body, block)
}

func (l *lexer) code() {
	t, i := l.text, l.pos
	if n := spaceLen(t, i); n > 0 {
		l.pos += n
		return
	}
	if l.comment() {
		return
	}
	c := t[i]
	afterDot := l.afterDot
	l.afterDot = false
	switch {
	case c == '/':
		if l.exprEnd {
			l.pos++
			l.exprEnd = false
			return
		}
		l.regex()
		l.exprEnd = true
	case c == '\'' || c == '"':
		l.str(c)
		l.exprEnd = true
	case c == '`':
		l.pos++
		l.push(frameTemplate)
	case c == '{':
		l.pos++
		l.stack[len(l.stack)-1].depth++
		l.exprEnd = false
	case c == '}':
		l.pos++
		l.exprEnd = true
		if top := &l.stack[len(l.stack)-1]; top.depth > 0 {
			top.depth--
		} else if len(l.stack) > 1 {
			l.pop() // end of ${...} or of a JSX {...}
		}
	case c == ')' || c == ']':
		l.pos++
		l.exprEnd = true
	case c == '<' && !l.exprEnd && i >= l.noJSXUntil && i+1 < len(t) && (isIdentStart(t[i+1]) || t[i+1] == '>'):
		if l.jsx == 0 {
			l.save = savepoint{pos: i, stackLen: len(l.stack), top: l.stack[len(l.stack)-1],
				nComments: len(l.comments), nDirs: len(l.dirs), nProbs: len(l.probs)}
		}
		l.pos++
		l.push(frameTag)
		l.jsx++
	case (c == '+' || c == '-') && i+1 < len(t) && t[i+1] == c:
		l.pos += 2
		l.exprEnd = true // postfix; a prefix ++ is followed by an operand anyway
	case isDigit(c) || c == '.' && i+1 < len(t) && isDigit(t[i+1]):
		l.pos = i + 1
		for l.pos < len(t) && (isIdentPart(t[l.pos]) || t[l.pos] == '.') {
			l.pos++
		}
		l.exprEnd = true
	case c == '.':
		l.pos++
		l.afterDot = true
		l.exprEnd = false
	case isIdentStart(c):
		l.pos = i + 1
		for l.pos < len(t) && isIdentPart(t[l.pos]) && spaceLen(t, l.pos) == 0 {
			l.pos++
		}
		l.exprEnd = afterDot || !precedesExpression(t[i:l.pos])
	default:
		l.pos++
		l.exprEnd = false
	}
}

// precedesExpression lists the keywords after which '/' starts a regular
// expression and '<' starts JSX.
func precedesExpression(word string) bool {
	switch word {
	case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
		"throw", "case", "do", "else", "yield", "await":
		return true
	}
	return false
}

func (l *lexer) str(q byte) {
	t := l.text
	for i := l.pos + 1; i < len(t); i++ {
		switch t[i] {
		case q:
			l.pos = i + 1
			return
		case '\\':
			if i+2 < len(t) && t[i+1] == '\r' && t[i+2] == '\n' {
				i++
			}
			i++
		case '\n', '\r':
			l.pos = i // unterminated
			return
		}
	}
	l.pos = len(t)
}

func (l *lexer) regex() {
	t := l.text
	inClass := false
	for i := l.pos + 1; i < len(t); i++ {
		switch c := t[i]; {
		case c == '\n' || c == '\r' || isLineSep(t, i):
			l.pos = i // unterminated
			return
		case c == '\\':
			if i+1 < len(t) && (t[i+1] == '\n' || t[i+1] == '\r') {
				l.pos = i + 1
				return
			}
			i++
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			i++
			for i < len(t) && isIdentPart(t[i]) && spaceLen(t, i) == 0 {
				i++
			}
			l.pos = i
			return
		}
	}
	l.pos = len(t)
}

func (l *lexer) template() {
	t := l.text
	for i := l.pos; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case '`':
			l.pos = i + 1
			l.pop()
			l.exprEnd = true
			return
		case '$':
			if i+1 < len(t) && t[i+1] == '{' {
				l.pos = i + 2
				l.push(frameCode)
				l.exprEnd = false
				return
			}
		}
	}
	l.pos = len(t)
}

func (l *lexer) tag() {
	t, i := l.text, l.pos
	if n := spaceLen(t, i); n > 0 {
		l.pos += n
		return
	}
	if l.comment() {
		return
	}
	top := &l.stack[len(l.stack)-1]
	open := top.kind == frameTag
	c := t[i]
	switch {
	case c == '/' && open && i+1 < len(t) && t[i+1] == '>':
		l.pos += 2
		l.pop()
		l.jsx--
		l.elementDone()
	case c == '>':
		l.pos++
		if open {
			top.kind = frameChildren
			return
		}
		l.pop() // the closing tag
		l.jsx--
		if l.stack[len(l.stack)-1].kind == frameChildren {
			l.pop()
			l.jsx--
		}
		l.elementDone()
	case (c == '"' || c == '\'') && open:
		l.pos = len(t)
		if j := indexByteFrom(t, c, i+1); j >= 0 {
			l.pos = j + 1
		}
	case c == '{' && open:
		l.pos++
		l.push(frameCode)
		l.exprEnd = false
	case isIdentPart(c) || c == '.' || c == ':' || c == '-' || c == '=' && open:
		l.pos++
	default:
		l.bail()
	}
}

func (l *lexer) children() {
	t := l.text
	for i := l.pos; i < len(t); i++ {
		switch t[i] {
		case '{':
			l.pos = i + 1
			l.push(frameCode)
			l.exprEnd = false
			return
		case '<':
			switch {
			case i+1 < len(t) && t[i+1] == '/':
				l.pos = i + 2
				l.push(frameCloseTag)
			case i+1 < len(t) && (isIdentStart(t[i+1]) || t[i+1] == '>'):
				l.pos = i + 1
				l.push(frameTag)
			default:
				l.pos = i
				l.bail()
				return
			}
			l.jsx++
			return
		case '>', '}':
			l.pos = i
			l.bail()
			return
		}
	}
	l.pos = len(t)
}

// elementDone runs after a JSX element closed: in code, it was an operand.
func (l *lexer) elementDone() {
	l.exprEnd = true
	if l.jsx == 0 {
		l.save = savepoint{}
	}
}

// bail rewinds to the '<' that started the outermost JSX element, which the
// text at l.pos proves was not JSX, and rescans from just after it as code.
func (l *lexer) bail() {
	s := l.save
	if l.jsx == 0 || s.stackLen == 0 { // cannot happen; never loop regardless
		l.pos++
		return
	}
	l.noJSXUntil = l.pos
	l.pos = s.pos + 1
	l.stack = l.stack[:s.stackLen]
	l.stack[s.stackLen-1] = s.top
	l.jsx = 0
	l.exprEnd = false
	l.afterDot = false
	l.comments = l.comments[:s.nComments]
	l.dirs = l.dirs[:s.nDirs]
	l.probs = l.probs[:s.nProbs]
	l.save = savepoint{}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isIdentStart treats every non-ASCII byte as part of a name: Unicode
// identifiers are legal, and the only non-ASCII bytes that matter otherwise
// (Unicode spaces and line separators) are checked by spaceLen first.
func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '$' || c == '\\' || c == '#' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isLineSep(t string, i int) bool {
	return t[i] == 0xE2 && i+2 < len(t) && t[i+1] == 0x80 && (t[i+2] == 0xA8 || t[i+2] == 0xA9)
}

// lineEnd returns the offset of the line terminator at or after i, or len(t).
func lineEnd(t string, i int) int {
	for ; i < len(t); i++ {
		if c := t[i]; c == '\n' || c == '\r' || isLineSep(t, i) {
			return i
		}
	}
	return len(t)
}

func indexFrom(t, sub string, from int) int {
	if j := strings.Index(t[from:], sub); j >= 0 {
		return from + j
	}
	return -1
}

func indexByteFrom(t string, c byte, from int) int {
	for i := from; i < len(t); i++ {
		if t[i] == c {
			return i
		}
	}
	return -1
}
