// Package ruletest runs rule fixtures through the whole nextguard pipeline and
// compares the findings with the expectations written in the fixtures' comments,
// in the manner of golang.org/x/tools/go/analysis/analysistest.
//
// A fixture is a directory holding a tiny Next.js project (package.json, optional
// tsconfig.json, app/, lib/, ...) or a .txtar archive of one, which is extracted
// into a temporary directory. Expectations are comments in the sources:
//
//	await prisma.post.delete({ where: { id } }) // want "missing-validation"
//	export async function del(id: string) { // want "missing-auth" "missing-validation"
//	/* want "raw-orm-return" */
//	{/* want "missing-auth" */}              (inside JSX)
//	// want+1 "missing-auth"                 (expects the finding on the next line)
//	// want "missing-validation:warning"     (also checks the severity)
//
// A finding matches an expectation when the rule ids are equal, the file is the
// same and the finding's start line is the comment's line (+N). Every finding of
// a checked rule must be expected and every expectation must be met.
//
// The checked rules are the rule under test, unused-suppression, and any rule an
// expectation in the fixture names: a fixture of missing-auth need not annotate
// the validation findings its code also produces, but once it expects one
// missing-validation finding it must expect all of them.
package ruletest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/result"
)

// UnusedSuppression is always checked, whatever the rule under test.
const UnusedSuppression = "unused-suppression"

// KnownFailuresDir is the directory, inside a rule's fixture directory, that holds
// cases the analyzer gets wrong today; they run in a test that only logs.
const KnownFailuresDir = "known_failures"

// Expectation is one expected finding.
type Expectation struct {
	File     string // relative to the fixture root, '/' separators
	Line     int    // the line the finding must start on (1-based)
	Rule     string
	Severity result.Severity // "" when the comment does not say
	// CommentLine is where the want comment is (differs from Line with want+N).
	CommentLine int
}

func (e Expectation) String() string {
	s := fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Rule)
	if e.Severity != "" {
		s += ":" + string(e.Severity)
	}
	return s
}

// Mismatch kinds.
const (
	Missing    = "missing"    // an expectation no finding met
	Unexpected = "unexpected" // a finding no expectation named
	Severity   = "severity"   // the finding is there, with another severity
	Internal   = "internal"   // the analyzer failed internally
)

// Mismatch is one difference between the expectations and the findings.
type Mismatch struct {
	Kind    string
	File    string
	Line    int
	Rule    string
	Message string // the finding's message, or what was expected
}

func (m Mismatch) String() string {
	switch m.Kind {
	case Missing:
		return fmt.Sprintf("%s:%d: missing %s finding (%s)", m.File, m.Line, m.Rule, m.Message)
	case Unexpected:
		return fmt.Sprintf("%s:%d: unexpected %s finding: %s", m.File, m.Line, m.Rule, m.Message)
	case Severity:
		return fmt.Sprintf("%s:%d: %s finding has the wrong severity: %s", m.File, m.Line, m.Rule, m.Message)
	default:
		return fmt.Sprintf("%s:%d: internal error: %s", m.File, m.Line, m.Message)
	}
}

// Run checks the fixture at path (a directory or a .txtar file) for rule ruleID
// and fails t on every mismatch. An empty ruleID checks every rule.
func Run(t testing.TB, path, ruleID string) *result.Result {
	t.Helper()
	dir := Materialize(t, path)
	res, ms, err := Check(context.Background(), dir, ruleID)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, d := range res.Errors {
		if !d.Internal {
			t.Logf("%s: diagnostic: %s:%d: %s", path, d.File, d.Line, d.Message)
		}
	}
	for _, m := range ms {
		t.Errorf("%s: %s", path, m)
	}
	if len(res.EntryPoints) == 0 {
		// A fixture without entry points passes vacuously: its negative claims
		// would hold for any analyzer.
		t.Errorf("%s: the analyzer found no entry point in the fixture", path)
	}
	return res
}

// Materialize returns a directory holding the fixture: path itself when it is a
// directory, or a temporary directory the .txtar archive at path is extracted to.
func Materialize(t testing.TB, path string) string {
	t.Helper()
	if !strings.HasSuffix(path, ".txtar") {
		return path
	}
	dir := t.TempDir()
	if err := Extract(path, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Extract writes the files of the txtar archive at path below dir.
func Extract(path, dir string) error {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return err
	}
	for _, f := range ar.Files {
		name := filepath.FromSlash(f.Name)
		if filepath.IsAbs(name) || !filepath.IsLocal(name) {
			return fmt.Errorf("%s: file name %q escapes the fixture", path, f.Name)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Check runs the pipeline on the fixture directory dir and returns the result and
// the mismatches with its expectations, sorted by file and line. The error reports
// fixtures that cannot be read or analysed at all, and malformed want comments.
func Check(ctx context.Context, dir, ruleID string) (*result.Result, []Mismatch, error) {
	wants, err := Expectations(dir)
	if err != nil {
		return nil, nil, err
	}
	res, err := analyzer.Run(ctx, analyzer.Options{Paths: []string{dir}})
	if err != nil {
		return nil, nil, fmt.Errorf("analyzer.Run: %w", err)
	}
	return res, Compare(res, wants, ruleID), nil
}

// Compare matches the findings of res against wants. Only the findings of the
// checked rules (see the package doc) take part; internal errors always count.
func Compare(res *result.Result, wants []Expectation, ruleID string) []Mismatch {
	checked := map[string]bool{UnusedSuppression: true}
	if ruleID != "" {
		checked[ruleID] = true
	}
	for _, w := range wants {
		checked[w.Rule] = true
	}
	type key struct {
		file string
		line int
		rule string
	}
	pending := map[key][]Expectation{}
	for _, w := range wants {
		k := key{w.File, w.Line, w.Rule}
		pending[k] = append(pending[k], w)
	}
	var out []Mismatch
	for _, f := range res.Findings {
		if ruleID != "" && !checked[f.RuleID] {
			continue
		}
		k := key{f.File, f.Line, f.RuleID}
		ws := pending[k]
		if len(ws) == 0 {
			out = append(out, Mismatch{Kind: Unexpected, File: f.File, Line: f.Line, Rule: f.RuleID, Message: fmt.Sprintf("[%s] %s", f.Severity, f.Message)})
			continue
		}
		w := ws[0]
		pending[k] = ws[1:]
		if w.Severity != "" && w.Severity != f.Severity {
			out = append(out, Mismatch{Kind: Severity, File: f.File, Line: f.Line, Rule: f.RuleID, Message: fmt.Sprintf("got %s, want %s: %s", f.Severity, w.Severity, f.Message)})
		}
	}
	for _, ws := range pending {
		for _, w := range ws {
			msg := fmt.Sprintf("want comment at line %d", w.CommentLine)
			if w.Severity != "" {
				msg += ", severity " + string(w.Severity)
			}
			out = append(out, Mismatch{Kind: Missing, File: w.File, Line: w.Line, Rule: w.Rule, Message: msg})
		}
	}
	for _, d := range res.Errors {
		if d.Internal {
			out = append(out, Mismatch{Kind: Internal, File: d.File, Line: d.Line, Message: d.Message})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Kind < b.Kind
	})
	return out
}

// sourceExts are the files whose comments may hold expectations.
var sourceExts = map[string]bool{".ts": true, ".tsx": true, ".mts": true, ".cts": true, ".js": true, ".jsx": true, ".mjs": true, ".cjs": true}

// wantRE finds a want comment: `//` or `/*`, optional blanks, `want`, optional +N,
// then the rest of the line (the quoted ids are read from it).
var wantRE = regexp.MustCompile(`(?://|/\*)\s*want(\+\d+)?\b(.*)`)

var quotedRE = regexp.MustCompile(`^\s*"([^"]*)"`)

// Expectations reads the want comments of every source file below dir
// (node_modules and dot-directories excluded).
func Expectations(dir string) ([]Expectation, error) {
	var out []Expectation
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !sourceExts[filepath.Ext(p)] {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		ws, err := ParseWants(filepath.ToSlash(rel), string(b))
		out = append(out, ws...)
		return err
	})
	return out, err
}

// ParseWants reads the want comments of one file's text.
func ParseWants(file, text string) ([]Expectation, error) {
	var out []Expectation
	for i, line := range strings.Split(text, "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n := i + 1
		target := n
		if m[1] != "" {
			k, _ := strconv.Atoi(m[1][1:])
			target += k
		}
		rest := m[2]
		found := false
		for {
			q := quotedRE.FindStringSubmatch(rest)
			if q == nil {
				break
			}
			rest = rest[len(q[0]):]
			id, sev, _ := strings.Cut(q[1], ":")
			if id == "" {
				return out, fmt.Errorf("%s:%d: empty rule id in want comment", file, n)
			}
			switch result.Severity(sev) {
			case "", result.Error, result.Warning, result.Note:
			default:
				return out, fmt.Errorf("%s:%d: unknown severity %q in want comment", file, n, sev)
			}
			out = append(out, Expectation{File: file, Line: target, Rule: id, Severity: result.Severity(sev), CommentLine: n})
			found = true
		}
		if !found {
			return out, fmt.Errorf("%s:%d: want comment names no rule: %s", file, n, strings.TrimSpace(line))
		}
	}
	return out, nil
}

// Case is one fixture in a fixture tree.
type Case struct {
	Rule string // the rule directory it is under
	Name string // directory or archive name, without .txtar
	Path string
	// KnownFailure marks the cases under <rule>/known_failures/.
	KnownFailure bool
}

// IsNegative reports whether the name says the case expects no finding.
func (c Case) IsNegative() bool {
	return strings.HasPrefix(c.Name, "safe_") || strings.HasPrefix(c.Name, "ok_")
}

// Cases lists the fixtures below root, laid out as <root>/<rule-id>/<case> and
// <root>/<rule-id>/known_failures/<case>, where a case is a directory or a
// .txtar file. They are sorted by rule, then known failures last, then name.
func Cases(root string) ([]Case, error) {
	rulesDirs, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, rd := range rulesDirs {
		if !rd.IsDir() {
			continue
		}
		ruleDir := filepath.Join(root, rd.Name())
		cs, err := casesIn(rd.Name(), ruleDir, false)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		kf := filepath.Join(ruleDir, KnownFailuresDir)
		if fi, err := os.Stat(kf); err == nil && fi.IsDir() {
			cs, err := casesIn(rd.Name(), kf, true)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	}
	return out, nil
}

func casesIn(rule, dir string, known bool) ([]Case, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, e := range ents {
		name := e.Name()
		switch {
		case e.IsDir() && name != KnownFailuresDir && !strings.HasPrefix(name, "."):
			out = append(out, Case{Rule: rule, Name: name, Path: filepath.Join(dir, name), KnownFailure: known})
		case !e.IsDir() && strings.HasSuffix(name, ".txtar"):
			out = append(out, Case{Rule: rule, Name: strings.TrimSuffix(name, ".txtar"), Path: filepath.Join(dir, name), KnownFailure: known})
		}
	}
	return out, nil
}

// CaseExpectations reads the expectations of a case, extracting it first if it
// is an archive.
func CaseExpectations(t testing.TB, c Case) []Expectation {
	t.Helper()
	ws, err := Expectations(Materialize(t, c.Path))
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
