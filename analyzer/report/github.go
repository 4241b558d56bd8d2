package report

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/nextguard/nextguard/analyzer/result"
)

// GitHub writes one workflow command per finding (::error, ::warning or
// ::notice, by severity) so that a plain `run:` step annotates the pull
// request without a SARIF upload, then one ::warning per input error. It
// writes nothing else: the output is meant to go straight to the step's log.
//
// Paths are the findings' paths, relative to the scan root; GitHub resolves
// them against the repository root, so the caller should scan from there.
// col/endColumn are written only for single-line ranges, because GitHub
// rejects column ranges that span lines. The message carries the help line and
// the related locations as extra lines, since an annotation has no other place
// for them.
func GitHub(w io.Writer, r *result.Result, o Options) error {
	bw := bufio.NewWriter(w)
	for _, f := range sortedFindings(r.Findings) {
		cmd := "warning"
		switch f.Severity {
		case result.Error:
			cmd = "error"
		case result.Note:
			cmd = "notice"
		}
		props := [][2]string{{"file", f.File}}
		if f.Line > 0 {
			props = append(props, [2]string{"line", strconv.Itoa(f.Line)})
			single := f.EndLine == 0 || f.EndLine == f.Line
			if f.Column > 0 && single {
				props = append(props, [2]string{"col", strconv.Itoa(f.Column)})
			}
			if f.EndLine >= f.Line {
				props = append(props, [2]string{"endLine", strconv.Itoa(f.EndLine)})
				if single && f.Column > 0 && f.EndColumn > f.Column {
					props = append(props, [2]string{"endColumn", strconv.Itoa(f.EndColumn)})
				}
			}
		}
		props = append(props, [2]string{"title", f.RuleID})
		msg := f.Message
		if f.Help != "" {
			msg += "\nhelp: " + f.Help
		}
		for _, rel := range f.Related {
			msg += "\nnote: " + position(rel.File, rel.Line, rel.Column) + " " + rel.Message
		}
		writeCommand(bw, cmd, props, msg)
	}
	for _, d := range sortedErrors(r.Errors) {
		var props [][2]string
		if d.File != "" {
			props = append(props, [2]string{"file", d.File})
			if d.Line > 0 {
				props = append(props, [2]string{"line", strconv.Itoa(d.Line)})
				if d.Column > 0 {
					props = append(props, [2]string{"col", strconv.Itoa(d.Column)})
				}
			}
		}
		title := "nextguard"
		if d.Internal {
			title = "nextguard internal error"
		}
		props = append(props, [2]string{"title", title})
		writeCommand(bw, "warning", props, d.Message)
	}
	return bw.Flush()
}

func writeCommand(w *bufio.Writer, cmd string, props [][2]string, msg string) {
	w.WriteString("::")
	w.WriteString(cmd)
	for i, p := range props {
		if i == 0 {
			w.WriteByte(' ')
		} else {
			w.WriteByte(',')
		}
		w.WriteString(p[0])
		w.WriteByte('=')
		w.WriteString(EscapeGitHubProperty(p[1]))
	}
	w.WriteString("::")
	w.WriteString(EscapeGitHubData(msg))
	w.WriteByte('\n')
}

var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// EscapeGitHubData escapes a workflow command's message the way the Actions
// runner unescapes it; without it a message containing a newline would end
// the command and the rest would be printed (or run as another command).
func EscapeGitHubData(s string) string { return ghData.Replace(s) }

// EscapeGitHubProperty escapes a workflow command property value, where ':'
// and ',' are also delimiters (a file named "a,b.ts" would otherwise add a
// bogus property).
func EscapeGitHubProperty(s string) string { return ghProperty.Replace(s) }
