package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/nextguard/nextguard/analyzer/source"
)

// Error is a configuration problem. It names the file and the key rather than
// only a position because users fix configs by key, and a key survives
// reformatting; Line and Column are there too for code frames and editors.
type Error struct {
	File string // the path given to Load
	// Key locates the value: "rules.missing-auth", "authSources[2]",
	// "maxFileSize"; "" when the problem is the file as a whole (syntax, I/O).
	Key     string
	Message string
	// Line and Column (1-based, UTF-16 columns) of the offending key or value;
	// 0 when unknown.
	Line, Column int
	err          error
}

// Error renders "nextguard.json: rules.missing-autth: unknown rule (did you
// mean missing-auth?)". Problems without a key (syntax errors) carry the
// position instead: "nextguard.json:3:17: invalid JSON: ...".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Key == "" && e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap exposes the I/O error, so errors.Is(err, fs.ErrNotExist) works.
func (e *Error) Unwrap() error { return e.err }

// Load reads and checks a config file. An empty path yields the defaults.
// knownRules are the rule ids "rules" may name; nil skips that check (the
// registry lives above this package). The first problem found, in document
// order, is returned as an *Error.
func Load(path string, knownRules []string) (*Config, error) {
	if path == "" {
		return &Config{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return nil, &Error{File: path, Message: "cannot read config: " + msg, err: err}
	}
	return Parse(path, data, knownRules)
}

// Parse is Load on bytes already read; name is used in error messages.
func Parse(name string, data []byte, knownRules []string) (*Config, error) {
	d := &decoder{name: name, data: bytes.TrimPrefix(data, []byte("\uFEFF")), known: knownRules}
	c, err := d.decode()
	if err != nil {
		return nil, err
	}
	c.File = name
	return c, nil
}

type decoder struct {
	name  string
	data  []byte
	known []string
	file  *source.File // built lazily for positions
}

func (d *decoder) errAt(key string, off int64, format string, args ...any) *Error {
	if d.file == nil {
		d.file = source.New("", "", string(d.data))
	}
	line, col := d.file.Position(int32(min(off, int64(len(d.data)))))
	return &Error{File: d.name, Key: key, Message: fmt.Sprintf(format, args...), Line: line, Column: col}
}

func (d *decoder) decode() (*Config, error) {
	if len(bytes.TrimSpace(d.data)) == 0 {
		return nil, d.errAt("", 0, `empty file; expected a JSON object such as {"rules": {}}`)
	}
	// Check the syntax of the whole file first, so a syntax error is reported
	// with its position even when a semantic error precedes it.
	var raw json.RawMessage
	if err := json.Unmarshal(d.data, &raw); err != nil {
		return nil, d.syntaxError(err)
	}
	if d.data[skipSpace(d.data, 0)] != '{' {
		return nil, d.errAt("", int64(skipSpace(d.data, 0)), "expected a JSON object at the top level, got %s", kindOf(raw))
	}
	c := &Config{}
	seen := map[string]bool{}
	err := d.object(d.data, 0, func(key string, keyOff int64, val []byte, valOff int64) *Error {
		if seen[key] {
			return d.errAt(key, keyOff, "duplicate key")
		}
		seen[key] = true
		switch key {
		case "$schema":
			if kindOf(val) != "string" {
				return d.errAt(key, valOff, "expected a string, got %s", kindOf(val))
			}
			return nil
		case "rules":
			return d.rules(c, val, valOff)
		case "maxFileSize":
			return d.maxFileSize(c, val, valOff)
		}
		for _, l := range lists {
			if l.key == key {
				return d.list(key, l.kind, l.field(c), val, valOff)
			}
		}
		if key == "" {
			key = `""`
		}
		return d.errAt(key, keyOff, "unknown key%s", didYouMean(key, Keys(), keyAliases))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// keyAliases catches names users bring from other tools.
var keyAliases = map[string]string{
	"ignore": "exclude", "ignores": "exclude", "ignorePatterns": "exclude", "excludes": "exclude",
	"files": "include", "includes": "include", "paths": "include",
	"severity": "rules", "rule": "rules",
	"publicActions": "publicEntryPoints", "public": "publicEntryPoints",
	"authHelpers": "authGuards", "guards": "authGuards",
}

func (d *decoder) syntaxError(err error) *Error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return d.errAt("", int64(len(d.data)), "invalid JSON: %v", err)
	}
	// encoding/json's offset is just past the offending byte.
	off := max(se.Offset-1, 0)
	if se.Offset >= int64(len(d.data)) && strings.Contains(se.Error(), "end of JSON input") {
		return d.errAt("", int64(len(d.data)), "invalid JSON: unexpected end of file (missing } or ])")
	}
	c := byte(0)
	if off < int64(len(d.data)) {
		c = d.data[off]
	}
	prev := bytes.TrimRight(d.data[:off], " \t\r\n")
	switch {
	case c == '/':
		return d.errAt("", off, "invalid JSON: comments are not allowed in nextguard.json (it is plain JSON)")
	case (c == '}' || c == ']') && len(prev) > 0 && prev[len(prev)-1] == ',':
		return d.errAt("", int64(len(prev)-1), "invalid JSON: trailing comma")
	case c == '\'':
		return d.errAt("", off, "invalid JSON: strings need double quotes")
	}
	return d.errAt("", off, "invalid JSON: %s", se.Error())
}

// object walks the members of the JSON object starting at data[start] (already
// known to be valid JSON), reporting byte offsets into d.data. base is data's
// offset within d.data.
func (d *decoder) object(data []byte, base int64, f func(key string, keyOff int64, val []byte, valOff int64) *Error) *Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // '{'
		return d.errAt("", base, "invalid JSON: %v", err)
	}
	for dec.More() {
		keyOff := int64(skipSep(data, int(dec.InputOffset())))
		tok, err := dec.Token()
		if err != nil {
			return d.errAt("", base+keyOff, "invalid JSON: %v", err)
		}
		key, _ := tok.(string)
		valOff := int64(skipSep(data, int(dec.InputOffset())))
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return d.errAt("", base+valOff, "invalid JSON: %v", err)
		}
		if e := f(key, base+keyOff, val, base+valOff); e != nil {
			return e
		}
	}
	return nil
}

func (d *decoder) rules(c *Config, val []byte, valOff int64) *Error {
	if kindOf(val) != "object" {
		return d.errAt("rules", valOff, `expected an object mapping rule ids to "error", "warning", "note" or "off", got %s`, kindOf(val))
	}
	c.Rules = map[string]string{}
	return d.object(val, valOff, func(id string, keyOff int64, v []byte, vOff int64) *Error {
		key := "rules." + id
		if _, dup := c.Rules[id]; dup {
			return d.errAt(key, keyOff, "duplicate key")
		}
		if d.known != nil && !contains(d.known, id) {
			return d.errAt(key, keyOff, "unknown rule%s", didYouMean(id, d.known, nil))
		}
		var s string
		if kindOf(v) != "string" || json.Unmarshal(v, &s) != nil {
			return d.errAt(key, vOff, `expected "error", "warning", "note" or "off", got %s`, describe(v))
		}
		if !contains(severities, s) {
			return d.errAt(key, vOff, `unknown severity %q; expected "error", "warning", "note" or "off"%s`, s, didYouMean(s, severities, severityAliases))
		}
		c.Rules[id] = s
		return nil
	})
}

// severityAliases maps ESLint and SARIF spellings to ours.
var severityAliases = map[string]string{
	"warn": "warning", "info": "note", "information": "note", "none": "off",
	"disabled": "off", "disable": "off", "false": "off", "err": "error",
}

func (d *decoder) maxFileSize(c *Config, val []byte, valOff int64) *Error {
	const key = "maxFileSize"
	if kindOf(val) != "number" {
		return d.errAt(key, valOff, "expected a number of bytes, got %s", describe(val))
	}
	s := string(val)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return d.errAt(key, valOff, "must not be negative (0 means the default), got %s", s)
		}
		c.MaxFileSize = n
		return nil
	}
	// 1e6 and 2.0 are integers to JSON Schema; accept them here as well.
	r, ok := new(big.Rat).SetString(s)
	switch {
	case !ok || !r.IsInt():
		return d.errAt(key, valOff, "expected a whole number of bytes, got %s", s)
	case r.Sign() < 0:
		return d.errAt(key, valOff, "must not be negative (0 means the default), got %s", s)
	case !r.Num().IsInt64():
		return d.errAt(key, valOff, "too large: %s", s)
	}
	c.MaxFileSize = r.Num().Int64()
	return nil
}

func (d *decoder) list(key string, kind valueKind, dst *[]string, val []byte, valOff int64) *Error {
	what := map[valueKind]string{kindGlob: "globs", kindName: "names", kindField: "field names", kindPublic: "entry points"}[kind]
	if kindOf(val) != "array" {
		return d.errAt(key, valOff, "expected an array of %s (strings), got %s", what, describe(val))
	}
	dec := json.NewDecoder(bytes.NewReader(val))
	dec.Token() // '['
	out := []string{}
	for i := 0; dec.More(); i++ {
		ekey := fmt.Sprintf("%s[%d]", key, i)
		off := valOff + int64(skipSep(val, int(dec.InputOffset())))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return d.errAt(ekey, off, "invalid JSON: %v", err)
		}
		var s string
		if kindOf(raw) != "string" || json.Unmarshal(raw, &s) != nil {
			return d.errAt(ekey, off, "expected a string, got %s", describe(raw))
		}
		var msg string
		switch kind {
		case kindGlob:
			msg = checkGlob(s)
		case kindName:
			msg = checkName(s)
		case kindField:
			msg = checkField(s)
		case kindPublic:
			msg = checkPublic(s)
		}
		if msg != "" {
			return d.errAt(ekey, off, "%s", msg)
		}
		out = append(out, s)
	}
	*dst = out
	return nil
}

// kindOf names the JSON type of a valid JSON value by its first byte.
func kindOf(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// describe is kindOf with short scalar values shown, which makes messages like
// `expected a string, got number 3` easier to act on.
func describe(v []byte) string {
	k := kindOf(v)
	switch k {
	case "string", "number", "boolean":
		if len(v) <= 40 {
			return k + " " + string(bytes.TrimSpace(v))
		}
	}
	return k
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return min(i, max(len(b)-1, 0))
}

// skipSep skips whitespace and the ',' or ':' encoding/json's decoder leaves
// unread, to find where the next key or value starts.
func skipSep(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == ',' || b[i] == ':') {
		i++
	}
	return i
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quote(s string) string { return strconv.Quote(s) }

// didYouMean returns " (did you mean X?)" for the closest candidate, or "".
// Distances are case-insensitive and ignore '_' and '-', so "auth_sources" and
// "AuthSources" both find "authSources".
func didYouMean(s string, candidates []string, aliases map[string]string) string {
	if a, ok := aliases[s]; ok {
		return " (did you mean " + a + "?)"
	}
	norm := func(x string) string {
		return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(x))
	}
	ns := norm(s)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		nc := norm(c)
		dist := levenshtein(ns, nc)
		if len(ns) >= 4 && strings.HasPrefix(nc, ns) && dist > 1 {
			dist = 1 // "sensitive" for "sensitiveFields"
		}
		if dist < bestD || dist == bestD && c < best {
			best, bestD = c, dist
		}
	}
	limit := max(2, len(s)/3)
	if best == "" || bestD > limit || best == s {
		return ""
	}
	return " (did you mean " + best + "?)"
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
