package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fatih/color"

	"github.com/nextguard/nextguard/analyzer/result"
)

// palette holds the colour objects of one rendering. They are created per call
// and switched on or off explicitly, because fatih/color's global NoColor
// reflects stdout and the environment, not the writer we were given.
type palette struct {
	err, warn, note, faint, bold, help, noteLabel, ok, gutter *color.Color
}

func newPalette(on bool) *palette {
	p := &palette{
		err:       color.New(color.FgRed, color.Bold),
		warn:      color.New(color.FgYellow, color.Bold),
		note:      color.New(color.FgBlue, color.Bold),
		faint:     color.New(color.Faint),
		bold:      color.New(color.Bold),
		help:      color.New(color.FgCyan, color.Bold),
		noteLabel: color.New(color.FgBlue),
		ok:        color.New(color.FgGreen, color.Bold),
		gutter:    color.New(color.FgHiBlack),
	}
	for _, c := range []*color.Color{p.err, p.warn, p.note, p.faint, p.bold, p.help, p.noteLabel, p.ok, p.gutter} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p *palette) severity(s result.Severity) *color.Color {
	switch s {
	case result.Error:
		return p.err
	case result.Warning:
		return p.warn
	}
	return p.note
}

// Text writes the human report: findings grouped by file in report order, each
// with a code frame, a help line and its related locations as notes (the shape
// of oxlint's output, since a finding nobody knows how to fix gets suppressed),
// then the input errors, then a one-line summary.
func Text(w io.Writer, r *result.Result, o Options) error {
	bw := bufio.NewWriter(w)
	p := newPalette(o.Color)
	findings := sortedFindings(r.Findings)

	var nErr, nWarn, nNote int
	files := map[string]bool{}
	for i := range findings {
		f := &findings[i]
		files[f.File] = true
		switch f.Severity {
		case result.Error:
			nErr++
		case result.Warning:
			nWarn++
		default:
			nNote++
		}
		writeFinding(bw, p, f, o.Lines)
	}

	errs := sortedErrors(r.Errors)
	if len(errs) > 0 {
		fmt.Fprintf(bw, "%s\n", p.bold.Sprintf("errors (%d):", len(errs)))
		for _, d := range errs {
			label := p.warn.Sprint("warning")
			if d.Internal {
				label = p.err.Sprint("internal error")
			}
			msg := indentLines(d.Message, "    ")
			if d.File == "" {
				fmt.Fprintf(bw, "  %s  %s\n", label, msg)
			} else {
				fmt.Fprintf(bw, "  %s  %s  %s\n", sanitize(position(d.File, d.Line, d.Column)), label, msg)
			}
		}
		bw.WriteString("\n")
	}

	if !o.Quiet {
		bw.WriteString(summary(p, r, len(findings), nErr, nWarn, nNote, len(files)))
		bw.WriteString("\n")
	}
	return bw.Flush()
}

func writeFinding(w *bufio.Writer, p *palette, f *result.Finding, lines func(string, int) string) {
	sev := p.severity(f.Severity)
	// The rule id ends the first line, where it stays findable with grep; the
	// rest of a multi-paragraph message follows, indented.
	first, rest, _ := strings.Cut(strings.ReplaceAll(f.Message, "\r\n", "\n"), "\n")
	fmt.Fprintf(w, "%s  %s  %s  %s\n",
		p.bold.Sprint(sanitize(position(f.File, f.Line, f.Column))),
		sev.Sprint(sanitize(string(f.Severity))),
		sanitize(first),
		p.faint.Sprint(sanitize(f.RuleID)))
	for line := range strings.SplitSeq(rest, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(w, "    %s\n", sanitize(line))
		}
	}
	if lines != nil && f.Line > 0 {
		writeFrame(w, p, sev, f, lines)
	}
	if f.Help != "" {
		fmt.Fprintf(w, "  %s %s\n", p.help.Sprint("help:"), indentLines(f.Help, "        "))
	}
	for _, rel := range f.Related {
		fmt.Fprintf(w, "  %s %s %s\n", p.noteLabel.Sprint("note:"),
			sanitize(position(rel.File, rel.Line, rel.Column)), indentLines(rel.Message, "        "))
	}
	w.WriteString("\n")
}

// writeFrame prints the line before the finding (context: usually the
// signature or the guard that is missing), the finding's line and a caret line.
func writeFrame(w *bufio.Writer, p *palette, sev *color.Color, f *result.Finding, lines func(string, int) string) {
	text := lines(f.File, f.Line)
	if text == "" && f.Snippet != "" {
		text, _, _ = strings.Cut(f.Snippet, "\n")
		text = strings.TrimSuffix(text, "\r")
	}
	if text == "" {
		return
	}
	endCol := f.EndColumn
	if f.EndLine > f.Line {
		endCol = 0 // the range runs on: underline to the end of this line
	} else if f.EndLine > 0 && f.EndLine < f.Line || endCol <= f.Column {
		endCol = f.Column + 1
	}
	fl := renderFrameLine(text, f.Column, endCol)

	numW := len(strconv.Itoa(f.Line))
	if f.Line > 1 {
		if prev := lines(f.File, f.Line-1); prev != "" {
			pl := renderFrameLine(prev, f.Column, f.Column+1) // same clipping window as the finding line
			fmt.Fprintf(w, "%s\n", strings.TrimRight(fmt.Sprintf("    %s %s", p.gutter.Sprintf("%*d |", numW, f.Line-1), pl.text), " "))
		}
	}
	fmt.Fprintf(w, "%s\n", strings.TrimRight(fmt.Sprintf("  %s %s %s", sev.Sprint(">"), p.gutter.Sprintf("%*d |", numW, f.Line), fl.text), " "))
	fmt.Fprintf(w, "    %s %s%s\n", p.gutter.Sprintf("%*s |", numW, ""), strings.Repeat(" ", fl.caretStart), sev.Sprint(caret(fl.caretWidth)))
}

// indentLines sanitizes s line by line and indents every line after the first,
// so multi-line messages stay inside their block instead of being escaped to
// one unreadable line.
func indentLines(s, indent string) string {
	var b strings.Builder
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if i > 0 {
			b.WriteByte('\n')
			if line != "" {
				b.WriteString(indent) // no trailing blanks on empty lines
			}
		}
		b.WriteString(sanitize(line))
	}
	return b.String()
}

func summary(p *palette, r *result.Result, n, nErr, nWarn, nNote, nFiles int) string {
	var b strings.Builder
	if n == 0 {
		b.WriteString(p.ok.Sprint("✔ no problems"))
	} else {
		head := fmt.Sprintf("✖ %s (%s, %s, %s) in %s", plural(n, "problem", "problems"),
			plural(nErr, "error", "errors"), plural(nWarn, "warning", "warnings"),
			plural(nNote, "note", "notes"), plural(nFiles, "file", "files"))
		if nErr > 0 {
			b.WriteString(p.err.Sprint(head))
		} else {
			b.WriteString(p.warn.Sprint(head))
		}
	}
	eps := r.Stats.EntryPoints
	if eps == 0 {
		eps = len(r.EntryPoints)
	}
	fmt.Fprintf(&b, " · %s · %s (%d parsed) in %s", plural(eps, "entry point", "entry points"),
		plural(r.Stats.Files, "file", "files"), r.Stats.ParsedFiles, duration(r.Stats.DurationMs))
	if len(r.Errors) > 0 {
		fmt.Fprintf(&b, " · %s", plural(len(r.Errors), "analysis error", "analysis errors"))
	}
	return b.String()
}

func duration(ms int64) string {
	switch {
	case ms < 1000:
		return strconv.FormatInt(ms, 10) + "ms"
	case ms < 60_000:
		return strconv.FormatFloat(float64(ms)/1000, 'f', 1, 64) + "s"
	}
	s := ms / 1000
	return fmt.Sprintf("%dm%02ds", s/60, s%60)
}
