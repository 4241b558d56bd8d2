package rules

import (
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
)

// Pass is what an entry-point check sees: the entry, what the analysis found
// about it, and project context.
type Pass struct {
	Entry *entry.Entry
	Facts *flow.EntryFacts
	// Middleware is the rel path of the app's middleware.ts/proxy.ts, or "".
	Middleware string
	// SensitiveFields names the sensitive fields of a model or table known from
	// the project's schema files; known is false when the model is unknown.
	SensitiveFields func(model string) (fields []string, known bool)
	// Settings is the user's configuration (may be nil).
	Settings Settings
	// Public: the user declared this entry point public by design (nextguard.json).
	Public bool
	// Program is the run's module graph: a rule that reads a module the
	// analysis did not hand it (a helper, the middleware) gets it from here,
	// parsed once and with imports resolved. Nil in unit tests.
	Program *index.Program
	report  func(Diagnostic)
}

// NewPass is used by the driver and tests.
func NewPass(e *entry.Entry, f *flow.EntryFacts, middleware string, fields func(string) ([]string, bool), s Settings, report func(Diagnostic)) *Pass {
	return &Pass{Entry: e, Facts: f, Middleware: middleware, SensitiveFields: fields, Settings: s, report: report}
}

// Report records a diagnostic.
func (p *Pass) Report(d Diagnostic) { p.report(d) }

// Strings reads a list setting; nil when unset.
func (p *Pass) Strings(key string) []string {
	if p.Settings == nil {
		return nil
	}
	return p.Settings.Strings(key)
}
