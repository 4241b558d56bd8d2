package result

import (
	"cmp"
	"strings"
)

// The documented report order (file, line, column, then rule or name). Ties
// are broken on every remaining field so that sorting gives byte-identical
// output whatever order the analysis produced.

// CompareFindings orders findings by file, line, column and rule.
func CompareFindings(a, b Finding) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		strings.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.EndLine, b.EndLine),
		cmp.Compare(a.EndColumn, b.EndColumn),
		strings.Compare(a.Message, b.Message),
		strings.Compare(a.Fingerprint, b.Fingerprint),
	)
}

// CompareEntryPoints orders entry points by file, line, column and name.
func CompareEntryPoints(a, b EntryPoint) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		strings.Compare(a.Name, b.Name),
		strings.Compare(a.Method, b.Method),
		strings.Compare(a.Kind, b.Kind),
	)
}

// CompareDiagnostics orders diagnostics by file, line, column and message.
func CompareDiagnostics(a, b Diagnostic) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		strings.Compare(a.Message, b.Message),
	)
}
