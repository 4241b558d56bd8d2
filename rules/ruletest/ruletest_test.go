package ruletest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
)

func TestParseWants(t *testing.T) {
	src := strings.Join([]string{
		`export async function del(id: string) { // want "missing-auth" "missing-validation:warning"`,
		`  /* want "raw-orm-return" */ return x;`,
		`  {/* want "missing-auth" */}`,
		`  // want+2 "missing-ownership"`,
		`  const u = "https://example.com/want"; // a URL is not a want`,
		`  // wanted: nothing, not a want comment`,
	}, "\n")
	got, err := ParseWants("a.ts", src)
	if err != nil {
		t.Fatal(err)
	}
	want := []Expectation{
		{File: "a.ts", Line: 1, Rule: "missing-auth", CommentLine: 1},
		{File: "a.ts", Line: 1, Rule: "missing-validation", Severity: result.Warning, CommentLine: 1},
		{File: "a.ts", Line: 2, Rule: "raw-orm-return", CommentLine: 2},
		{File: "a.ts", Line: 3, Rule: "missing-auth", CommentLine: 3},
		{File: "a.ts", Line: 6, Rule: "missing-ownership", CommentLine: 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseWants:\n got %v\nwant %v", got, want)
	}
	for _, bad := range []string{`// want`, `// want missing-auth`, `// want "x:fatal"`, `// want ""`} {
		if _, err := ParseWants("b.ts", bad); err == nil {
			t.Errorf("ParseWants(%q): no error", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	f := func(line int, rule string, sev result.Severity) result.Finding {
		return result.Finding{RuleID: rule, Severity: sev, Message: "m", Location: result.Location{File: "a.ts", Line: line}}
	}
	res := &result.Result{
		Findings: []result.Finding{
			f(1, "missing-auth", result.Error),         // expected
			f(2, "missing-auth", result.Error),         // unexpected
			f(3, "missing-validation", result.Warning), // other rule, not named by a want: ignored
			f(4, "raw-orm-return", result.Warning),     // named by a want with another severity
			f(5, "unused-suppression", result.Warning), // always checked
		},
		Errors: []result.Diagnostic{{File: "b.ts", Message: "panic", Internal: true}, {File: "c.ts", Message: "parse"}},
	}
	wants := []Expectation{
		{File: "a.ts", Line: 1, Rule: "missing-auth"},
		{File: "a.ts", Line: 4, Rule: "raw-orm-return", Severity: result.Error},
		{File: "a.ts", Line: 9, Rule: "missing-auth"},
	}
	var got []string
	for _, m := range Compare(res, wants, "missing-auth") {
		got = append(got, m.Kind+" "+m.File+" "+m.Rule)
	}
	want := []string{
		"unexpected a.ts missing-auth",
		"severity a.ts raw-orm-return",
		"unexpected a.ts unused-suppression",
		"missing a.ts missing-auth",
		"internal b.ts ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare:\n got %q\nwant %q", got, want)
	}
}
