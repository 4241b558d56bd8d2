package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
)

func TestGitHubEscaping(t *testing.T) {
	if got, want := EscapeGitHubData("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b"; got != want {
		t.Errorf("data: got %q, want %q", got, want)
	}
	if got, want := EscapeGitHubProperty("app/a,b:c%\n.ts"), "app/a%2Cb%3Ac%25%0A.ts"; got != want {
		t.Errorf("property: got %q, want %q", got, want)
	}
	// %0A in the input must survive as text, not turn into a newline.
	if got, want := EscapeGitHubData("%0A"), "%250A"; got != want {
		t.Errorf("data: got %q, want %q", got, want)
	}
}

// TestGitHubCommands checks whole commands for hostile input: one line per
// command whatever the message holds, so nothing can start a second command
// (such as ::add-mask:: or ::stop-commands::) from inside a message.
func TestGitHubCommands(t *testing.T) {
	r := &result.Result{
		Findings: []result.Finding{
			{RuleID: "missing-auth", Severity: result.Error, Message: "line1\n::stop-commands::x\r\n100%",
				Location: result.Location{File: "app/a,b:c.ts", Line: 3, Column: 5, EndLine: 3, EndColumn: 9}},
			{RuleID: "raw-orm-return", Severity: result.Warning, Message: "w",
				Location: result.Location{File: "b.ts", Line: 2, Column: 4, EndLine: 6, EndColumn: 1}},
			{RuleID: "missing-validation", Severity: result.Note, Message: "n", Location: result.Location{File: "c.ts"}},
		},
		Errors: []result.Diagnostic{
			{File: "d.ts", Line: 1, Column: 2, Message: "parse"},
			{Message: "boom", Internal: true},
		},
	}
	var buf bytes.Buffer
	if err := GitHub(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "::error file=app/a%2Cb%3Ac.ts,line=3,col=5,endLine=3,endColumn=9,title=missing-auth::line1%0A::stop-commands::x%0D%0A100%25\n" +
		"::warning file=b.ts,line=2,endLine=6,title=raw-orm-return::w\n" +
		"::notice file=c.ts,title=missing-validation::n\n" +
		"::warning title=nextguard internal error::boom\n" +
		"::warning file=d.ts,line=1,col=2,title=nextguard::parse\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "::error ") && !strings.HasPrefix(line, "::warning ") && !strings.HasPrefix(line, "::notice ") {
			t.Errorf("not a workflow command: %q", line)
		}
	}

	buf.Reset()
	if err := GitHub(&buf, &result.Result{}, Options{}); err != nil || buf.Len() != 0 {
		t.Errorf("empty result must write nothing, wrote %q (%v)", buf.String(), err)
	}
}
