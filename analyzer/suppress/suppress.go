// Package suppress finds nextguard's inline suppression comments. esbuild's AST
// drops comments, so they are read from the source text by a small lexer that
// knows just enough JavaScript/TypeScript/JSX to tell a real comment from the
// same characters inside a string, template literal, regular expression or JSX
// text: a suppression must never be conjured out of data, and a real one must
// never be lost because a string before it contained "//".
//
// Scan only finds and checks the syntax of directives. Matching them to
// findings, checking rule ids against the registry and reporting unused ones
// is the driver's job, because only it knows the findings and the rules.
package suppress

import (
	"strings"

	"github.com/nextguard/nextguard/analyzer/source"
)

// Kind says what a directive covers.
type Kind uint8

const (
	// NextLine covers findings on the next line holding code
	// (nextguard-ignore-next-line).
	NextLine Kind = iota + 1
	// Function covers findings in the function starting on the next line
	// holding code (nextguard-ignore).
	Function
)

// The directive words, as written in comments.
const (
	NextLineDirective = "nextguard-ignore-next-line"
	FunctionDirective = "nextguard-ignore"
)

func (k Kind) String() string {
	switch k {
	case NextLine:
		return NextLineDirective
	case Function:
		return FunctionDirective
	}
	return "unknown"
}

// Directive is one well-formed suppression comment. Malformed ones are
// reported as Problems instead and suppress nothing, so a typo can only make a
// finding reappear, never hide more than intended.
type Directive struct {
	Line        int   // 1-based line the comment starts on
	Offset, End int32 // byte range of the comment, delimiters included
	Kind        Kind
	Rules       []string // rule ids as written, at least one; "*" is not allowed
	Reason      string   // text after "--", whitespace collapsed; never empty
	// TargetLine is the first line after the comment that holds code, skipping
	// blank and comment-only lines so that a formatter inserting a blank line,
	// or another directive stacked below, does not detach it. For Function it
	// is the line the function starts on. 0 when no code follows.
	TargetLine int
}

// Covers reports whether the directive names rule.
func (d Directive) Covers(rule string) bool {
	for _, r := range d.Rules {
		if r == rule {
			return true
		}
	}
	return false
}

// Problem is a malformed directive: the driver reports it so that an ignore
// the user believes is active but is not gets noticed.
type Problem struct {
	Line, Column int   // 1-based; Column counts UTF-16 code units, like findings
	Offset       int32 // byte offset of the comment
	Message      string
}

// Scan returns the suppression directives and the malformed ones in text, each
// in source order. It runs in linear time and accepts any bytes.
func Scan(text string) ([]Directive, []Problem) {
	l := &lexer{text: text, stack: []frame{{kind: frameCode}}}
	l.run()
	if len(l.dirs) == 0 && len(l.probs) == 0 {
		return nil, nil
	}
	f := source.New("", "", text)
	next := nextCodeLines(f, source.LineStarts(text), text, l.comments)
	for i := range l.dirs {
		d := &l.dirs[i]
		d.Line = f.Line(d.Offset)
		end := f.Line(max(d.End-1, d.Offset))
		d.TargetLine = next[end]
	}
	for i := range l.probs {
		p := &l.probs[i]
		p.Line, p.Column = f.Position(p.Offset)
	}
	return l.dirs, l.probs
}

// nextCodeLines returns, for every line l (1-based), the first line after l
// that holds a byte of code, or 0. comments are the byte ranges of all
// comments, in order.
func nextCodeLines(f *source.File, starts []int32, text string, comments []span) []int {
	nLines := len(starts)
	hasCode := make([]bool, nLines+2)
	ci := 0
	for i := 0; i < len(text); {
		for ci < len(comments) && comments[ci].end <= int32(i) {
			ci++
		}
		if ci < len(comments) && comments[ci].start <= int32(i) {
			i = int(comments[ci].end)
			continue
		}
		if n := spaceLen(text, i); n > 0 {
			i += n
			continue
		}
		line := f.Line(int32(i))
		hasCode[line] = true
		// Skip to the next line; the comment check above handles a comment
		// that starts on this line and runs past its end.
		i = len(text)
		if line < nLines {
			i = int(starts[line])
		}
		for ci < len(comments) && comments[ci].start < int32(i) {
			if comments[ci].end > int32(i) {
				i = int(comments[ci].end)
			}
			ci++
		}
	}
	next := make([]int, nLines+2)
	for l := nLines - 1; l >= 1; l-- {
		if hasCode[l+1] {
			next[l] = l + 1
		} else {
			next[l] = next[l+1]
		}
	}
	return next
}

// spaceLen returns the length of the whitespace or line terminator at text[i],
// or 0: ASCII space, NBSP, BOM, and U+2028/U+2029.
func spaceLen(text string, i int) int {
	switch c := text[i]; c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return 1
	case 0xC2:
		if i+1 < len(text) && text[i+1] == 0xA0 {
			return 2
		}
	case 0xE2:
		if i+2 < len(text) && text[i+1] == 0x80 && (text[i+2] == 0xA8 || text[i+2] == 0xA9) {
			return 3
		}
	case 0xEF:
		if i+2 < len(text) && text[i+1] == 0xBB && text[i+2] == 0xBF {
			return 3
		}
	}
	return 0
}

// parseComment checks whether a comment is a directive. body excludes the
// comment delimiters.
func (l *lexer) parseComment(start, end int, body string, block bool) {
	// Doc-comment decoration ("/** ", "/// ") is not part of the directive.
	if block {
		body = strings.TrimRight(strings.TrimLeft(body, "*"), "*")
	} else {
		body = strings.TrimLeft(body, "/")
	}
	body = strings.TrimLeft(body, " \t")
	if len(body) < len("nextguard") || !strings.EqualFold(body[:len("nextguard")], "nextguard") {
		return
	}
	word, rest := body, ""
	if i := strings.IndexAny(body, " \t\r\n\v\f"); i >= 0 {
		word, rest = body[:i], body[i:]
	}
	var kind Kind
	switch word {
	case NextLineDirective:
		kind = NextLine
	case FunctionDirective:
		kind = Function
	default:
		if msg := unknownDirective(word); msg != "" {
			l.problem(start, msg)
		}
		return
	}
	rulesPart, reason, hasSep := strings.Cut(rest, "--")
	var rules []string
	for _, f := range strings.FieldsFunc(rulesPart, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
	}) {
		msg := checkRule(f, word)
		if msg == "" {
			rules = append(rules, f)
			continue
		}
		// "RULE: reason" and "RULE — reason" are the usual ways to forget --.
		if !hasSep {
			if id, ok := strings.CutSuffix(f, ":"); ok && isRuleID(id) {
				rules = append(rules, id)
				msg = ""
			} else if len(rules) > 0 && (f == "—" || f == "–" || f == "-") {
				msg = ""
			}
			if msg == "" {
				msg = word + " needs a reason after -- (two ASCII hyphens): // " + word + " " + strings.Join(rules, ", ") + " -- why this is safe"
			}
		}
		l.problem(start, msg)
		return
	}
	if len(rules) == 0 {
		l.problem(start, word+" needs at least one rule id before --, e.g. // "+word+" missing-auth -- why this is safe")
		return
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		l.problem(start, word+" needs a reason after --: // "+word+" "+strings.Join(rules, ", ")+" -- why this is safe")
		return
	}
	l.dirs = append(l.dirs, Directive{
		Offset: int32(start), End: int32(end), Kind: kind, Rules: rules, Reason: reason,
	})
}

// checkRule checks the syntax of a rule id; whether it exists is the driver's
// question.
func checkRule(id, word string) string {
	switch {
	case id == "*" || id == "all" || id == "ALL":
		return word + ": " + id + " is not allowed; name the rules to ignore, so new findings stay visible"
	case isRuleID(id):
		return ""
	case strings.Contains(id, "/") && isRuleID(id[strings.LastIndex(id, "/")+1:]):
		return word + ": " + quoteID(id) + " is not a rule id; write " + id[strings.LastIndex(id, "/")+1:]
	case isRuleID(strings.ToLower(id)):
		return word + ": rule ids are lower case; write " + strings.ToLower(id)
	}
	return word + ": " + quoteID(id) + " is not a rule id (rule ids look like missing-auth)"
}

func quoteID(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "\uFFFD") + `"`
}

// isRuleID reports kebab-case: lower-case words of letters and digits joined
// by single hyphens.
func isRuleID(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// unknownDirective returns a message for a comment that looks like an attempt
// at a directive ("nextguard-ignore-line", "nextguard-disable-next-line",
// "NextGuard-Ignore") and "" for prose that merely starts with "nextguard".
func unknownDirective(word string) string {
	lower := strings.ToLower(word)
	if lower == NextLineDirective || lower == FunctionDirective {
		return "directives are lower case: write " + lower
	}
	if len(lower) == len("nextguard") || !strings.ContainsRune("-_:/", rune(lower[len("nextguard")])) {
		return ""
	}
	lower = lower[len("nextguard"):]
	attempt := false
	for _, w := range []string{"ignore", "disable", "suppress", "skip", "allow", "nolint", "off"} {
		if strings.Contains(lower, w) {
			attempt = true
			break
		}
	}
	if !attempt {
		return ""
	}
	hint := FunctionDirective + " (the function below)"
	if strings.Contains(lower, "line") || strings.Contains(lower, "next") {
		hint = NextLineDirective + " (the next line)"
	}
	return "unknown directive " + quoteID(word) + "; did you mean " + hint + "? Use " +
		NextLineDirective + " RULE -- reason for the next line, or " + FunctionDirective + " RULE -- reason before a function"
}

func (l *lexer) problem(off int, msg string) {
	l.probs = append(l.probs, Problem{Offset: int32(off), Message: msg})
}
