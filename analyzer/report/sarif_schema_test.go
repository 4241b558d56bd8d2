package report_test

import (
	"bytes"
	"testing"

	"github.com/nextguard/nextguard/analyzer/report"
	"github.com/nextguard/nextguard/analyzer/report/sariftest"
	"github.com/nextguard/nextguard/analyzer/result"
)

func sarifBytes(t *testing.T, r *result.Result, o report.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := report.SARIF(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSARIFSchema validates real output against both SARIF schemas: the
// sample (every feature at once), an empty run with rules, a completely empty
// result, and the awkward cases that take other code paths (paths outside the
// root, unknown rules, missing positions, odd versions, Windows roots).
func TestSARIFSchema(t *testing.T) {
	edge := &result.Result{
		Root: `C:\work\my app`,
		Findings: []result.Finding{
			{RuleID: "unregistered", Severity: "", Message: "no position", Location: result.Location{File: "a.ts"}},
			{RuleID: "missing-auth", Severity: result.Note, Message: "outside", Location: result.Location{File: "../secret/a.ts", Line: 1, Column: 1}},
			{RuleID: "missing-auth", Severity: result.Error, Message: "absolute", Location: result.Location{File: "/etc/passwd", Line: 1}},
			{RuleID: "missing-auth", Severity: result.Warning, Message: "reversed range [x]", Location: result.Location{File: "b:c.ts", Line: 5, Column: 9, EndLine: 5, EndColumn: 2},
				Related: []result.Related{{Location: result.Location{File: "../x.ts", Line: 1}}, {Location: result.Location{File: "c.ts"}}}},
			{RuleID: "missing-auth", Severity: result.Warning, Message: "line only", Location: result.Location{File: "d.ts", Line: 3, EndLine: 4}},
		},
		Errors: []result.Diagnostic{{Message: "no file"}, {File: "/abs.ts", Line: 2, Message: "outside"}, {File: "e.ts", Line: 1, Column: 0, Message: "line only"}},
		Rules:  []result.RuleInfo{{ID: "missing-auth"}, {ID: "missing-auth"}, {ID: ""}},
	}
	cases := map[string]struct {
		r *result.Result
		o report.Options
	}{
		"sample":                {report.Sample(), report.Options{Version: "1.2.3"}},
		"sample-automation":     {report.Sample(), report.Options{Version: "v1.2.3-rc.1+abc", AutomationID: "nextguard/main/"}},
		"empty-run-with-rules":  {&result.Result{Root: "/repo", Rules: report.Sample().Rules}, report.Options{}},
		"empty-result":          {&result.Result{}, report.Options{}},
		"edge-cases":            {edge, report.Options{Version: "(devel)"}},
		"relative-root-ignored": {&result.Result{Root: "relative/dir"}, report.Options{}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			sariftest.Validate(t, sarifBytes(t, c.r, c.o))
		})
	}
}
