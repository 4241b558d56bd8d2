// Package result holds the data a run produces: entry points, findings, errors and
// statistics. It is the contract between the analysis (which fills it) and the
// reporters (which render it); its JSON form is the documented `--format json`
// contract (SPEC "Output contracts"), so field names and tags change only with a
// version bump.
package result

// Version is the JSON contract's version number.
const Version = 1

// Severity of a finding, ordered: Error > Warning > Note.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Note    Severity = "note"
)

// Rank orders severities for --fail-on comparisons; unknown severities rank 0.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Note:
		return 1
	}
	return 0
}

// Result is everything one run found.
type Result struct {
	Version     int          `json:"version"`
	Tool        Tool         `json:"tool"`
	Root        string       `json:"root"`
	EntryPoints []EntryPoint `json:"entryPoints"`
	Findings    []Finding    `json:"findings"`
	Errors      []Diagnostic `json:"errors"`
	Stats       Stats        `json:"stats"`
	// Rules lists the rules that ran, for reporters that describe them (SARIF).
	Rules []RuleInfo `json:"-"`
}

// Tool names the analyzer and its version.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Stats are counts and timing of the run.
type Stats struct {
	Files       int   `json:"files"`
	ParsedFiles int   `json:"parsedFiles"`
	EntryPoints int   `json:"entryPoints"`
	DurationMs  int64 `json:"durationMs"`
}

// EntryPoint kinds.
const (
	KindServerAction = "server-action"
	KindRouteHandler = "route-handler"
	KindAPIRoute     = "api-route"
)

// EntryPoint is one public server entry point and the facts the analysis computed.
type EntryPoint struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	File string `json:"file"`
	Line int    `json:"line"`
	// Column is 1-based, in UTF-16 code units.
	Column int `json:"column"`
	// Directive is "file" or "inline" for server actions, "" otherwise.
	Directive string `json:"directive"`
	// Method is the HTTP method of a route handler ("GET", "POST", ...), or "" .
	Method string `json:"method,omitempty"`
	// Wrapper names the builder or wrapper a handler was passed to, if any
	// (e.g. "next-safe-action", "zsa", or a project function name).
	Wrapper        string   `json:"wrapper,omitempty"`
	Authenticated  bool     `json:"authenticated"`
	Authorized     bool     `json:"authorized"`
	Validated      bool     `json:"validated"`
	Sensitive      bool     `json:"sensitive"`
	ReturnsRawRows bool     `json:"returnsRawRows"`
	BoundArgs      int      `json:"boundArgs,omitempty"`
	Params         []string `json:"params,omitempty"`
}

// Position is a 1-based line and a 1-based column in UTF-16 code units.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Location is a file range; End is exclusive-column like SARIF's endColumn.
type Location struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	// Snippet is the text of the source line(s) the location covers, for code
	// frames and fingerprints; not part of the JSON contract.
	Snippet string `json:"-"`
}

// Related is a secondary location with a short message ("the id comes from here").
type Related struct {
	Location
	Message string `json:"message"`
}

// EntryRef names the entry point a finding belongs to.
type EntryRef struct {
	Name string `json:"name"`
	Line int    `json:"line"`
}

// Finding is one reported defect.
type Finding struct {
	RuleID   string   `json:"ruleId"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Location
	// Help says how to fix it, in one or two sentences.
	Help       string    `json:"help,omitempty"`
	EntryPoint *EntryRef `json:"entryPoint"`
	// Fingerprint is stable under edits elsewhere in the file (rule, path,
	// entry-point name and normalised code, never line numbers).
	Fingerprint string    `json:"fingerprint"`
	Related     []Related `json:"related,omitempty"`
}

// Diagnostic is a problem with the input rather than a finding: a parse error,
// an unreadable or skipped file, an internal error. Line and Column are 0 when
// the problem has no position.
type Diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Internal marks analyzer failures (a recovered panic): these make the run
	// exit with code 2 so CI notices.
	Internal bool `json:"internal,omitempty"`
}

// RuleInfo describes a rule for reporters.
type RuleInfo struct {
	ID               string
	Name             string
	Short            string
	Full             string
	Help             string // markdown doc
	HelpText         string // plain-text doc
	DefaultSeverity  Severity
	SecuritySeverity float64
	Precision        string // "very-high" | "high" | "medium" | "low"
	CWE              []string
	Tags             []string
}
