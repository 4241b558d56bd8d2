// Package rules holds nextguard's rules, one file each. A rule is metadata plus a
// check: CheckEntry runs once per entry point after summaries exist, CheckProject
// once per run for rules about the project as a whole (dependencies, config).
// Rules register themselves from init, so adding a rule touches no shared list.
package rules

import (
	"fmt"
	"sort"
	"sync"

	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/resolve"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// Meta describes a rule. The long-form documentation lives in docs/rules/<ID>.md.
type Meta struct {
	ID    string // stable, kebab-case
	Name  string // PascalCase name for SARIF's rules[].name
	Short string // one sentence, no trailing period
	// Full is a paragraph: what is reported and why it matters.
	Full             string
	Severity         result.Severity
	SecuritySeverity float64  // GitHub's 0.0-10.0 scale
	Precision        string   // very-high | high | medium | low
	CWE              []string // e.g. "CWE-306"
	Tags             []string // extra tags besides "security" and the CWE tags
	// Kinds lists the entry-point kinds CheckEntry applies to; empty means all.
	Kinds []string
}

// Rule is a registered rule.
type Rule struct {
	Meta
	CheckEntry   func(*Pass)
	CheckProject func(*ProjectPass)
}

// Diagnostic is what a check reports. Offsets are byte offsets into File.Text;
// End may equal Start, in which case the reporter extends it to the token.
type Diagnostic struct {
	File       *source.File
	Start, End int32
	Message    string // what, why it is exploitable; first sentence stands alone
	Help       string // how to fix
	// Severity overrides the rule's default when set (e.g. a warning variant).
	Severity result.Severity
	Related  []RelatedDiag
}

// RelatedDiag is a secondary location, e.g. where a client-controlled id came from.
type RelatedDiag struct {
	File       *source.File
	Start, End int32
	Message    string
}

// ProjectPass is what a project-level check sees.
type ProjectPass struct {
	// Root is the absolute project root.
	Root string
	// PackageDirs are the directories (relative to Root, "." for the root itself,
	// '/' separators, sorted) that hold a package.json: the root and every
	// workspace package found by discovery.
	PackageDirs []string
	// ReadFile reads a file below Root (relative path) without following it outside
	// the root; it caches, so several rules may ask for the same file.
	ReadFile func(rel string) (*source.File, error)
	// Settings is the rule configuration from nextguard.json (may be nil).
	Settings Settings
	// Project is what the driver already built for the run (nil in unit tests
	// that only give files): the parsed program, the flow engine, and every
	// entry point with its facts. Project rules share it instead of analysing
	// the project a second time.
	Project *ProjectContext
	report  func(Diagnostic)
}

// ProjectContext is the run's analysis, shared by the project-level checks.
//
// Project checks run concurrently with the analysis of entry points: a check
// that needs the entry points' facts calls Entries, which waits for them. The
// checks get their own flow engine (built from FlowConfig) because an engine's
// memo tables are not safe for concurrent use.
type ProjectContext struct {
	Files      []string // source files, relative to Root, sorted
	TSConfigs  []string
	Program    *index.Program
	Resolver   *resolve.Resolver
	FlowConfig flow.Config
	// SensitiveFields answers for Prisma models (may be nil).
	SensitiveFields func(model string) ([]string, bool)
	// InScope reports whether findings in a file are reported at all (nil:
	// every file is). Checks may skip the work of files out of scope.
	InScope func(rel string) bool

	entries []EntryResult
	ready   chan struct{}

	scanOnce sync.Once
	scan     *projectScan
}

// NewProjectContext makes a context whose Entries wait for SetEntries.
func NewProjectContext() *ProjectContext { return &ProjectContext{ready: make(chan struct{})} }

// SetEntries publishes the analysed entry points (once, by the driver).
func (c *ProjectContext) SetEntries(es []EntryResult) {
	c.entries = es
	close(c.ready)
}

// Entries returns every entry point with its facts, waiting until the driver
// has analysed them all.
func (c *ProjectContext) Entries() []EntryResult {
	if c.ready != nil {
		<-c.ready
	}
	return c.entries
}

// EntryResult is one entry point and what the analysis found.
type EntryResult struct {
	Entry *entry.Entry
	Facts *flow.EntryFacts
}

// Report records a diagnostic.
func (p *ProjectPass) Report(d Diagnostic) { p.report(d) }

// NewProjectPass is used by the driver and by tests.
func NewProjectPass(root string, dirs []string, read func(string) (*source.File, error), s Settings, report func(Diagnostic)) *ProjectPass {
	return &ProjectPass{Root: root, PackageDirs: dirs, ReadFile: read, Settings: s, report: report}
}

// Settings gives rules the user's configuration values they read by name, e.g.
// "sensitiveFields" or "rateLimiters". Missing keys yield nil.
type Settings interface {
	Strings(key string) []string
}

var (
	mu       sync.Mutex
	registry = map[string]*Rule{}
)

// Register adds a rule; it panics on a duplicate or malformed id (a programming
// error caught by the tests).
func Register(r *Rule) {
	mu.Lock()
	defer mu.Unlock()
	if r.ID == "" || registry[r.ID] != nil {
		panic(fmt.Sprintf("rules: bad or duplicate rule id %q", r.ID))
	}
	registry[r.ID] = r
}

// All returns the registered rules sorted by id.
func All() []*Rule {
	mu.Lock()
	defer mu.Unlock()
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Get returns the rule with the given id, or nil.
func Get(id string) *Rule {
	mu.Lock()
	defer mu.Unlock()
	return registry[id]
}
