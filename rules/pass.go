package rules

// Pass is what an entry-point check sees. It is filled in by the driver once the
// summaries of the whole project exist.
type Pass struct {
	report func(Diagnostic)
}

// Report records a diagnostic.
func (p *Pass) Report(d Diagnostic) { p.report(d) }
