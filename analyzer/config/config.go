// Package config loads nextguard.json. It is strict on purpose: a typo in a
// security tool's configuration silently turns a check off (a misspelled rule id
// or auth guard name would otherwise be ignored), so every unknown key, wrong
// type or malformed value is an error that names the file and the key and, for
// typos, suggests the closest known spelling.
//
// The JSON Schema shipped in package schemas describes the same format for
// editors; the tests keep the two in step.
package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// FileName is the config file looked up at the project root.
const FileName = "nextguard.json"

// severities a rule may be set to in "rules"; "off" disables the rule.
var severities = []string{"error", "warning", "note", "off"}

// Config is the user's configuration. The zero value (and a nil *Config) is the
// default configuration, so callers need no special case when there is no file.
// The json tags are the keys of nextguard.json.
type Config struct {
	// File is where the config was loaded from; "" for the defaults.
	File string `json:"-"`

	// Include and Exclude are doublestar globs relative to the project root.
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
	// Rules maps a rule id to "error", "warning", "note" or "off".
	Rules map[string]string `json:"rules,omitempty"`

	// The name lists below extend the built-in library knowledge. Each entry is
	// a bare name or member path ("requireUser", "auth.api.getSession") or
	// "module#export" ("@acme/auth#getUser", "@/lib/auth#getSession"); see
	// ParseName.

	// AuthSources return the authenticated user or session.
	AuthSources []string `json:"authSources,omitempty"`
	// AuthGuards reject anonymous callers themselves (requireUser).
	AuthGuards []string `json:"authGuards,omitempty"`
	// AuthorizationHelpers check the caller may touch an object (canEditPost).
	AuthorizationHelpers []string `json:"authorizationHelpers,omitempty"`
	// Validators validate input against a schema.
	Validators []string `json:"validators,omitempty"`
	// DBClients are objects or functions that are database clients.
	DBClients []string `json:"dbClients,omitempty"`
	// SensitiveFields are field names counted as sensitive, added to the built-ins.
	SensitiveFields []string `json:"sensitiveFields,omitempty"`
	// PublicEntryPoints are public by design: "app/actions.ts#subscribe" for one
	// entry point, or a path, folder or glob ("app/api/public/**") for all
	// entry points in matching files.
	PublicEntryPoints []string `json:"publicEntryPoints,omitempty"`
	// RateLimiters are functions that rate-limit the caller.
	RateLimiters []string `json:"rateLimiters,omitempty"`

	// MaxFileSize is in bytes; 0 means the built-in default.
	MaxFileSize int64 `json:"maxFileSize,omitempty"`
}

// valueKind says how the entries of a string list are checked.
type valueKind int

const (
	kindGlob   valueKind = iota // doublestar glob relative to the root
	kindName                    // name, member path or module#export
	kindField                   // identifier
	kindPublic                  // path or glob, optionally #export
)

// lists is the single table of string-list keys: the decoder, Strings and the
// schema drift test all read it, so adding a key means adding one line here
// (plus the struct field and the schema property the tests ask for).
var lists = []struct {
	key   string
	kind  valueKind
	field func(*Config) *[]string
}{
	{"include", kindGlob, func(c *Config) *[]string { return &c.Include }},
	{"exclude", kindGlob, func(c *Config) *[]string { return &c.Exclude }},
	{"authSources", kindName, func(c *Config) *[]string { return &c.AuthSources }},
	{"authGuards", kindName, func(c *Config) *[]string { return &c.AuthGuards }},
	{"authorizationHelpers", kindName, func(c *Config) *[]string { return &c.AuthorizationHelpers }},
	{"validators", kindName, func(c *Config) *[]string { return &c.Validators }},
	{"dbClients", kindName, func(c *Config) *[]string { return &c.DBClients }},
	{"sensitiveFields", kindField, func(c *Config) *[]string { return &c.SensitiveFields }},
	{"publicEntryPoints", kindPublic, func(c *Config) *[]string { return &c.PublicEntryPoints }},
	{"rateLimiters", kindName, func(c *Config) *[]string { return &c.RateLimiters }},
}

// Keys returns every top-level key nextguard.json accepts, "$schema" included,
// in a stable order. Tooling (completion, docs) and the tests use it.
func Keys() []string {
	keys := []string{"$schema"}
	for _, l := range lists {
		keys = append(keys, l.key)
	}
	return append(keys, "rules", "maxFileSize")
}

// Find reports the config file at the root of a project, if there is one. Only
// a regular file counts, so a directory named nextguard.json is not mistaken
// for configuration.
func Find(root string) (path string, ok bool) {
	p := filepath.Join(root, FileName)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return p, true
}

// Strings returns a string-list setting by its JSON key ("authSources",
// "sensitiveFields", ...), so rules can read settings without depending on this
// package. An unknown key yields nil, as does a nil receiver. The slice is
// shared: callers must not modify it.
func (c *Config) Strings(key string) []string {
	if c == nil {
		return nil
	}
	for _, l := range lists {
		if l.key == key {
			return *l.field(c)
		}
	}
	return nil
}

// Severity returns the severity the user set for a rule ("error", "warning",
// "note" or "off") and whether one was set; unset rules keep their default.
func (c *Config) Severity(ruleID string) (sev string, set bool) {
	if c == nil {
		return "", false
	}
	sev, set = c.Rules[ruleID]
	return sev, set
}

// IsPublic reports whether the entry point named entryName in file (relative
// to the project root, '/' separators) is listed in PublicEntryPoints. An entry
// without "#export" covers every entry point of the matching files.
func (c *Config) IsPublic(file, entryName string) bool {
	if c == nil {
		return false
	}
	for _, spec := range c.PublicEntryPoints {
		pattern, name, hasName := strings.Cut(spec, "#")
		if hasName && name != entryName {
			continue
		}
		if Match(pattern, file) {
			return true
		}
	}
	return false
}

// Match reports whether a path relative to the project root matches a config
// glob. Besides doublestar matching, an exact path always matches literally
// (Next.js folders like "[id]" or "[...slug]" are glob classes, and users write
// them unescaped) and a folder matches everything below it, as in .gitignore.
// A leading "./" is ignored on both sides.
func Match(pattern, rel string) bool {
	rel = strings.TrimPrefix(filepath.ToSlash(rel), "./")
	pattern = strings.TrimSuffix(strings.TrimPrefix(pattern, "./"), "/")
	if pattern == "" {
		return false
	}
	if rel == pattern || strings.HasPrefix(rel, pattern+"/") {
		return true
	}
	if ok, _ := doublestar.Match(pattern, rel); ok {
		return true
	}
	ok, _ := doublestar.Match(pattern+"/**", rel)
	return ok
}

// Name is a parsed entry of a name list.
type Name struct {
	// Module is the package or project path before '#', "" for a bare name.
	Module string
	// Export is the exported or local name, possibly a member path
	// ("auth.api.getSession").
	Export string
}

// ParseName splits and checks a name spec: "requireUser", "auth.api.getSession",
// "@acme/auth#getUser", "@/lib/auth#getSession" or "lib/auth.ts#getSession".
// The error text is a sentence meant to follow the key in an *Error.
func ParseName(spec string) (Name, error) {
	if msg := checkName(spec); msg != "" {
		return Name{}, &Error{Message: msg}
	}
	mod, exp, ok := strings.Cut(spec, "#")
	if !ok {
		return Name{Export: spec}, nil
	}
	return Name{Module: mod, Export: exp}, nil
}

func checkName(spec string) string {
	const forms = "write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)"
	switch {
	case spec == "":
		return "empty name; " + forms
	case strings.ContainsFunc(spec, isSpace):
		return quote(spec) + " contains whitespace; " + forms
	case strings.Count(spec, "#") > 1:
		return quote(spec) + " has more than one #; " + forms
	}
	mod, exp, ok := strings.Cut(spec, "#")
	if !ok {
		exp = spec
	} else {
		if mod == "" {
			return quote(spec) + " has no module before #; " + forms
		}
		if exp == "" {
			return quote(spec) + " has no export name after #; " + forms
		}
	}
	for part := range strings.SplitSeq(exp, ".") {
		if !isIdent(part) {
			if !ok && strings.ContainsAny(spec, "/@") {
				return quote(spec) + " looks like a module; add the export: " + spec + "#name"
			}
			return quote(spec) + " is not a JavaScript name; " + forms
		}
	}
	return ""
}

// isIdent accepts ASCII JavaScript identifiers, the same set the schema's
// pattern accepts, so the two cannot disagree.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0xA0 || r == 0xFEFF
}

// checkGlob validates a path glob relative to the project root.
func checkGlob(g string) string {
	switch {
	case g == "":
		return "empty glob"
	case strings.TrimSpace(g) != g:
		return quote(g) + " has leading or trailing whitespace"
	case strings.HasPrefix(g, "/") || len(g) >= 2 && g[1] == ':' && isLetter(g[0]):
		return quote(g) + " is absolute; globs are relative to the project root"
	case slices.Contains(strings.Split(g, "/"), ".."):
		return quote(g) + " leaves the project root; globs are relative to the project root"
	case !doublestar.ValidatePattern(g):
		return quote(g) + " is not a valid glob (check unbalanced [ ] or { }; escape a literal [ as \\[)"
	}
	return ""
}

func checkPublic(spec string) string {
	pattern, name, ok := strings.Cut(spec, "#")
	switch {
	case spec == "":
		return `empty entry; write "path#export" or a glob`
	case strings.Count(spec, "#") > 1:
		return quote(spec) + ` has more than one #; write "path#export" or a glob`
	case pattern == "":
		return quote(spec) + " has no path before #"
	case ok && !isIdent(name):
		return quote(spec) + ` needs an export name after # (subscribe, default, GET)`
	}
	return checkGlob(pattern)
}

func checkField(f string) string {
	if !isIdent(f) {
		return quote(f) + " is not a field name (letters, digits, _ and $)"
	}
	return ""
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
