package analyzer

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/nextguard/nextguard/analyzer/config"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
	"github.com/nextguard/nextguard/analyzer/suppress"
	"github.com/nextguard/nextguard/docs"
	"github.com/nextguard/nextguard/rules"
)

// UnusedSuppression is the id of findings about suppressions that matched nothing.
const UnusedSuppression = "unused-suppression"

// collector turns rule diagnostics into findings.
type collector struct {
	root     string
	cfg      *config.Config
	filter   []string
	mu       sync.Mutex
	findings []pending
	errors   []result.Diagnostic
}

// pending is a finding with what suppression matching needs.
type pending struct {
	result.Finding
	file *source.File
	// fnFirst..fnLast: the lines of the entry function the finding belongs to.
	fnFirst, fnLast int
}

func (c *collector) reporter(r *rules.Rule, en *entry.Entry) func(rules.Diagnostic) {
	return func(d rules.Diagnostic) {
		if d.File == nil {
			return
		}
		if !inFilter(c.filter, d.File.Rel) {
			return
		}
		sev := r.Severity
		if d.Severity != "" {
			sev = d.Severity
		}
		if s, ok := c.cfg.Severity(r.ID); ok && s != "off" {
			sev = result.Severity(s)
		}
		loc := location(d.File, d.Start, d.End)
		f := result.Finding{RuleID: r.ID, Severity: sev, Message: d.Message, Location: loc, Help: d.Help}
		p := pending{file: d.File}
		name := ""
		if en != nil {
			line, _ := en.Mod.File.Position(en.Loc.Start)
			f.EntryPoint = &result.EntryRef{Name: en.Name, Line: line}
			name = en.Name
			if en.Fn != nil && en.Mod == en.Fn.Mod {
				p.fnFirst = line
				if fl, _ := en.Mod.File.Position(en.Fn.Loc.Start); fl < p.fnFirst {
					p.fnFirst = fl
				}
				p.fnLast, _ = en.Mod.File.Position(en.Fn.Body.Block.CloseBraceLoc.Start)
			}
		}
		f.Fingerprint = fingerprint(r.ID, d.File.Rel, name, d.File.LineText(loc.Line))
		for _, rel := range d.Related {
			if rel.File == nil {
				continue
			}
			f.Related = append(f.Related, result.Related{Location: location(rel.File, rel.Start, rel.End), Message: rel.Message})
		}
		p.Finding = f
		c.mu.Lock()
		c.findings = append(c.findings, p)
		c.mu.Unlock()
	}
}

// location converts a byte range into a reported location; an empty range is
// widened to the identifier or token that starts there.
func location(f *source.File, start, end int32) result.Location {
	if end <= start {
		end = start
		for int(end) < len(f.Text) && isWordByte(f.Text[end]) {
			end++
		}
		if end == start && int(end) < len(f.Text) {
			end++
		}
	}
	line, col := f.Position(start)
	eline, ecol := f.Position(end)
	return result.Location{File: f.Rel, Line: line, Column: col, EndLine: eline, EndColumn: ecol, Snippet: f.LineText(line)}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// run calls a check, turning a panic into an internal error that names the
// rule and file; the rest of the run goes on.
func (c *collector) run(r *rules.Rule, file string, check func()) {
	defer func() {
		if p := recover(); p != nil {
			c.mu.Lock()
			c.errors = append(c.errors, result.Diagnostic{File: file, Message: fmt.Sprintf("internal error in rule %s: %v\n%s", r.ID, p, firstFrames(debug.Stack())), Internal: true})
			c.mu.Unlock()
		}
	}()
	check()
}

// applySuppressions drops findings covered by a nextguard-ignore comment and
// reports comments that suppress nothing or are malformed.
func applySuppressions(ps []pending, files map[string]*source.File, c *collector) []result.Finding {
	byFile := map[*source.File][]int{}
	for i := range ps {
		byFile[ps[i].file] = append(byFile[ps[i].file], i)
	}
	// Files with findings, plus every analysed file that mentions a directive
	// (so unused ones are reported even when nothing is found there).
	var scan []*source.File
	for f := range byFile {
		scan = append(scan, f)
	}
	for _, f := range files {
		if _, ok := byFile[f]; !ok && strings.Contains(f.Text, "nextguard-ignore") && inFilter(c.filter, f.Rel) {
			scan = append(scan, f)
		}
	}
	sort.Slice(scan, func(i, j int) bool { return scan[i].Rel < scan[j].Rel })
	dropped := make([]bool, len(ps))
	var out []result.Finding
	for _, f := range scan {
		if !strings.Contains(f.Text, "nextguard-ignore") {
			continue
		}
		dirs, probs := suppress.Scan(f.Text)
		for _, pr := range probs {
			out = append(out, result.Finding{RuleID: UnusedSuppression, Severity: result.Warning, Message: pr.Message,
				Location: location(f, pr.Offset, pr.Offset), Fingerprint: fingerprint(UnusedSuppression, f.Rel, "", f.LineText(pr.Line))})
		}
		for _, d := range dirs {
			used := false
			for _, i := range byFile[f] {
				p := &ps[i]
				if !d.Covers(p.RuleID) {
					continue
				}
				if covers(d, p) {
					dropped[i] = true
					used = true
				}
			}
			for _, id := range d.Rules {
				if rules.Get(id) == nil && id != UnusedSuppression {
					out = append(out, result.Finding{RuleID: UnusedSuppression, Severity: result.Warning,
						Message:  fmt.Sprintf("Unknown rule %q in a nextguard-ignore comment. It suppresses nothing; run `nextguard rules` for the rule ids.", id),
						Location: location(f, d.Offset, d.Offset+2), Fingerprint: fingerprint(UnusedSuppression, f.Rel, id, f.LineText(d.Line))})
					used = true
				}
			}
			if !used && c.cfgEnabled(d.Rules) {
				out = append(out, result.Finding{RuleID: UnusedSuppression, Severity: result.Warning,
					Message:     fmt.Sprintf("This nextguard-ignore comment for %s suppresses nothing. Remove it, so that it cannot hide a future finding unnoticed.", strings.Join(d.Rules, ", ")),
					Location:    location(f, d.Offset, d.Offset+2),
					Fingerprint: fingerprint(UnusedSuppression, f.Rel, strings.Join(d.Rules, ","), f.LineText(d.Line))})
			}
		}
	}
	for i := range ps {
		if !dropped[i] {
			out = append(out, ps[i].Finding)
		}
	}
	return out
}

func (c *collector) cfgEnabled(ids []string) bool {
	for _, id := range ids {
		if s, ok := c.cfg.Severity(id); ok && s == "off" {
			return false
		}
	}
	return true
}

// covers decides whether directive d applies to finding p: next-line comments
// cover findings that start on their target line; function comments cover
// every finding of the function that starts on their target line.
func covers(d suppress.Directive, p *pending) bool {
	if d.TargetLine == 0 {
		return false
	}
	if d.Kind == suppress.NextLine {
		return p.Line == d.TargetLine
	}
	if p.Line == d.TargetLine {
		return true
	}
	return p.fnFirst != 0 && p.fnFirst == d.TargetLine || p.fnFirst != 0 && d.TargetLine <= p.fnFirst && p.EntryPoint != nil && p.EntryPoint.Line == d.TargetLine
}

// ruleInfo describes a rule for reporters, with its doc.
func ruleInfo(r *rules.Rule) result.RuleInfo {
	doc, _ := docs.Rule(r.ID)
	return result.RuleInfo{ID: r.ID, Name: r.Name, Short: r.Short, Full: r.Full, Help: doc, HelpText: doc,
		DefaultSeverity: r.Severity, SecuritySeverity: r.SecuritySeverity, Precision: r.Precision, CWE: r.CWE, Tags: r.Tags}
}
