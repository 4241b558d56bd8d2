// Package report renders a result.Result for people (text, inventory) and for
// machines (JSON, SARIF, GitHub workflow commands).
//
// Reporters are pure functions of the Result and Options: they never look at the
// terminal, the environment or the file system, so that the same input renders
// to the same bytes everywhere (goldens, CI, a developer's laptop). Everything
// that depends on where the output goes — colour, the tool version, the
// automation id — is decided by the caller and passed in Options.
package report

import (
	"slices"
	"strconv"
	"strings"

	"github.com/nextguard/nextguard/analyzer/result"
)

// Options carries the decisions a reporter must not take by itself.
type Options struct {
	// Color turns ANSI colour on in Text and Inventory. The caller resolves
	// --color, NO_COLOR and whether the real destination is a terminal;
	// reporters never auto-detect, because fatih/color only looks at stdout and
	// would colour a file written with --output.
	Color bool
	// Quiet keeps Text to the findings (with their frames, help and notes) and
	// the input errors: no summary line and no "no problems" line. Errors stay
	// because an internal error is what makes the run exit 2, and a quiet run
	// must still say why. Inventory drops its count line. Machine formats
	// (JSON, SARIF, GitHub) ignore Quiet: their consumers need everything.
	Quiet bool
	// Lines returns the text of a 1-based source line without its terminator,
	// or "" when it does not exist; Text uses it for code frames. Nil means no
	// frames (the reporter does not read files itself).
	Lines func(file string, line int) string
	// Version is the tool version for SARIF's driver.version and
	// driver.semanticVersion; empty falls back to Result.Tool.Version and then
	// to "0.0.0-dev".
	Version string
	// AutomationID is SARIF's run.automationDetails.id. It is written only when
	// set because GitHub lets it override upload-sarif's `category` input, which
	// would silently merge or split alert sets the user configured.
	AutomationID string
}

// sortedFindings returns the findings in the documented report order (file, line,
// column, rule) without touching the caller's slice. The pipeline already sorts,
// but a reporter is the last place that can guarantee byte-identical output, so
// it sorts again with a total order (ties broken on every field).
func sortedFindings(fs []result.Finding) []result.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, result.CompareFindings)
	return out
}

func sortedEntryPoints(es []result.EntryPoint) []result.EntryPoint {
	out := slices.Clone(es)
	slices.SortStableFunc(out, result.CompareEntryPoints)
	return out
}

func sortedErrors(ds []result.Diagnostic) []result.Diagnostic {
	out := slices.Clone(ds)
	slices.SortStableFunc(out, result.CompareDiagnostics)
	return out
}

// position formats file:line:col, leaving out the parts that are unknown (0),
// so that a file-level diagnostic does not print a misleading ":0:0".
func position(file string, line, col int) string {
	var b strings.Builder
	b.WriteString(file)
	if line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(line))
		if col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(col))
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
