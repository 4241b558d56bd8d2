package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	fileA = "app/(group)/[id]/my actions#1.ts"
	fileB = "app/café/路由/route.ts"
)

// sources backs Options.Lines for the sample: file A has a tab-indented line
// and a unicode string; file B has an emoji (a surrogate pair) and CJK text
// before a finding's column.
var sources = map[string]string{
	fileA: "'use server'\n" +
		"import { db } from '@/lib/db'\n" +
		"export async function deletePost(formData: FormData) {\n" +
		"\tconst id = formData.get('id') as string // «id»\n" +
		"\tawait db.post.delete({ where: { id } })\n" +
		"}\n",
	fileB: "export async function GET(req: Request) {\n" +
		"  const 用户 = await db.user.findMany() // 👀\n" +
		"  return Response.json({ ok: '✓', 用户 })\n" +
		"}\n",
}

func sampleLines(file string, line int) string {
	src, ok := sources[file]
	if !ok {
		return ""
	}
	ls := strings.Split(src, "\n")
	if line < 1 || line > len(ls) {
		return ""
	}
	return ls[line-1]
}

func sampleRules() []result.RuleInfo {
	return []result.RuleInfo{
		{
			ID: "raw-orm-return", Name: "RawOrmReturn",
			Short:           "Entry point returns raw ORM rows",
			Full:            "Returning whole database rows sends every column, including secrets, to the browser.",
			Help:            "# raw-orm-return\n\nReturn a DTO with `select`.",
			HelpText:        "raw-orm-return\n\nReturn a DTO with select.",
			DefaultSeverity: result.Warning, SecuritySeverity: 5.3, Precision: "high",
			CWE: []string{"CWE-200", "CWE-213"}, Tags: []string{"nextjs", "data-exposure"},
		},
		{
			ID: "missing-auth", Name: "MissingAuth",
			Short:           "Server entry point without authentication",
			Full:            "A Server Action or Route Handler performs a sensitive operation without checking the session.",
			Help:            "# missing-auth\n\nCall `auth()` and reject anonymous callers.",
			HelpText:        "missing-auth\n\nCall auth() and reject anonymous callers.",
			DefaultSeverity: result.Error, SecuritySeverity: 8.1, Precision: "high",
			CWE: []string{"CWE-306"}, Tags: []string{"nextjs", "security"},
		},
		{
			ID: "missing-ownership", Name: "MissingOwnership",
			Short:           "Object selected by a client-controlled id without an ownership check",
			Full:            "The query selects its target by a value the client controls and is not tied to the caller.",
			Help:            "# missing-ownership\n\nScope the query by the session user.",
			HelpText:        "missing-ownership\n\nScope the query by the session user.",
			DefaultSeverity: result.Error, SecuritySeverity: 8, Precision: "medium",
			CWE: []string{"cwe-639", "862"}, Tags: []string{"nextjs"},
		},
		{
			ID: "missing-validation", Name: "MissingValidation",
			Short:           "Client input used without schema validation",
			DefaultSeverity: result.Warning, SecuritySeverity: 4, Precision: "medium",
			CWE: []string{"CWE-20"},
		},
	}
}

// sample is a hand-built result covering what the reporters must get right:
// paths needing percent-encoding, non-ASCII, tabs, related locations, every
// severity, an internal error and a parse error. Findings are deliberately
// out of order to prove the reporters sort.
func sample() *result.Result {
	return &result.Result{
		Version: result.Version,
		Tool:    result.Tool{Name: "nextguard", Version: "1.2.3"},
		Root:    "/home/dev/my app#1",
		EntryPoints: []result.EntryPoint{
			{Kind: result.KindRouteHandler, Name: "GET", File: fileB, Line: 1, Column: 8, Method: "GET",
				Sensitive: true, ReturnsRawRows: true, Params: []string{"req"}},
			{Kind: result.KindServerAction, Name: "deletePost", File: fileA, Line: 3, Column: 8, Directive: "file",
				Sensitive: true, Params: []string{"formData"}},
			{Kind: result.KindServerAction, Name: "", File: fileA, Line: 9, Column: 3, Directive: "inline",
				Authenticated: true},
			{Kind: result.KindAPIRoute, Name: "handler", File: "pages/api/ünïcode.ts", Line: 4, Column: 16,
				Authenticated: true, Authorized: true, Validated: true, Sensitive: true, Params: []string{"req", "res"}},
		},
		Findings: []result.Finding{
			{
				RuleID: "raw-orm-return", Severity: result.Warning,
				Message:    "`GET` returns rows from `db.user.findMany()` without a `select`, so every column reaches the client.",
				Location:   result.Location{File: fileB, Line: 3, Column: 24, EndLine: 3, EndColumn: 39, Snippet: "  return Response.json({ ok: '✓', 用户 })"},
				Help:       "Select only the fields the client needs, or map rows to a DTO.",
				EntryPoint: &result.EntryRef{Name: "GET", Line: 1}, Fingerprint: "b2c4e6f8a0b2c4e6",
				Related: []result.Related{{Location: result.Location{File: fileB, Line: 2, Column: 14, EndLine: 2, EndColumn: 38}, Message: "the rows are read here"}},
			},
			{
				RuleID: "missing-ownership", Severity: result.Error,
				Message:    "`deletePost` deletes a post selected by `id`, which comes from `formData.get('id')` in app/[id], without checking that the caller owns it.",
				Location:   result.Location{File: fileA, Line: 5, Column: 8, EndLine: 5, EndColumn: 41, Snippet: "\tawait db.post.delete({ where: { id } })"},
				Help:       "Add the session user to the `where` clause: `where: { id, authorId: session.user.id }`.",
				EntryPoint: &result.EntryRef{Name: "deletePost", Line: 3}, Fingerprint: "0f1e2d3c4b5a6978",
				Related: []result.Related{
					{Location: result.Location{File: fileA, Line: 4, Column: 13, EndLine: 4, EndColumn: 31}, Message: "the id comes from `formData.get('id')`"},
					{Location: result.Location{File: fileA, Line: 5, Column: 8, EndLine: 5, EndColumn: 41}, Message: "the delete happens here"},
				},
			},
			{
				RuleID: "missing-auth", Severity: result.Error,
				Message:    "Server action `deletePost` writes to the database without checking the session.\n\nAnyone can call it with any arguments.",
				Location:   result.Location{File: fileA, Line: 3, Column: 23, EndLine: 3, EndColumn: 33},
				Help:       "Call `await auth()` first and return or throw when there is no session.",
				EntryPoint: &result.EntryRef{Name: "deletePost", Line: 3}, Fingerprint: "a1b2c3d4e5f60718",
			},
			{
				RuleID: "missing-validation", Severity: result.Note,
				Message:    "`GET` uses `req` without validating it.",
				Location:   result.Location{File: fileB, Line: 2, Column: 3, EndLine: 4, EndColumn: 2},
				EntryPoint: &result.EntryRef{Name: "GET", Line: 1}, Fingerprint: "c3d4e5f60718a1b2",
			},
		},
		Errors: []result.Diagnostic{
			{File: "lib/broken.ts", Line: 7, Column: 12, Message: `Expected ";" but found "}"`},
			{File: fileA, Message: "panic in summary: index out of range [3] with length 3", Internal: true},
		},
		Stats: result.Stats{Files: 120, ParsedFiles: 35, EntryPoints: 4, DurationMs: 85},
		Rules: sampleRules(),
	}
}

type renderer func(w *bytes.Buffer, r *result.Result, o Options) error

func render(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the diff):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

var formats = []struct {
	name string
	fn   func(w *bytes.Buffer, r *result.Result, o Options) error
	opts Options
}{
	{"text.golden", func(w *bytes.Buffer, r *result.Result, o Options) error { return Text(w, r, o) }, Options{Lines: sampleLines}},
	{"text-noframes.golden", func(w *bytes.Buffer, r *result.Result, o Options) error { return Text(w, r, o) }, Options{}},
	{"json.golden", func(w *bytes.Buffer, r *result.Result, o Options) error { return JSON(w, r, o) }, Options{}},
	{"sarif.golden", func(w *bytes.Buffer, r *result.Result, o Options) error { return SARIF(w, r, o) }, Options{Version: "v1.2.3", AutomationID: "nextguard/pr-42"}},
	{"github.golden", func(w *bytes.Buffer, r *result.Result, o Options) error { return GitHub(w, r, o) }, Options{}},
	{"inventory.golden", func(w *bytes.Buffer, r *result.Result, o Options) error { return Inventory(w, r, o) }, Options{}},
}

// TestGolden renders the sample in every format and compares byte for byte.
// Each format is rendered twice, once from a shuffled copy, to prove the
// output depends on the content only, not on input order or map iteration.
func TestGolden(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			got := render(t, func(b *bytes.Buffer) error { return f.fn(b, sample(), f.opts) })
			again := render(t, func(b *bytes.Buffer) error { return f.fn(b, reversed(sample()), f.opts) })
			if !bytes.Equal(got, again) {
				t.Errorf("output depends on input order:\n%s\n---\n%s", got, again)
			}
			golden(t, f.name, got)
		})
	}
}

func reversed(r *result.Result) *result.Result {
	rev := func(n int, swap func(i, j int)) {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			swap(i, j)
		}
	}
	rev(len(r.Findings), func(i, j int) { r.Findings[i], r.Findings[j] = r.Findings[j], r.Findings[i] })
	rev(len(r.EntryPoints), func(i, j int) { r.EntryPoints[i], r.EntryPoints[j] = r.EntryPoints[j], r.EntryPoints[i] })
	rev(len(r.Errors), func(i, j int) { r.Errors[i], r.Errors[j] = r.Errors[j], r.Errors[i] })
	rev(len(r.Rules), func(i, j int) { r.Rules[i], r.Rules[j] = r.Rules[j], r.Rules[i] })
	return r
}

// TestReportersDoNotMutate guards the caller's Result: the CLI renders the
// same Result more than once (e.g. --output plus a summary).
func TestReportersDoNotMutate(t *testing.T) {
	r := sample()
	before := render(t, func(b *bytes.Buffer) error { return JSON(b, r, Options{}) })
	for _, f := range formats {
		render(t, func(b *bytes.Buffer) error { return f.fn(b, r, f.opts) })
	}
	if r.Findings[0].RuleID != "raw-orm-return" {
		t.Errorf("reporters reordered the caller's findings")
	}
	after := render(t, func(b *bytes.Buffer) error { return JSON(b, r, Options{}) })
	if !bytes.Equal(before, after) {
		t.Errorf("reporters modified the result")
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestColor checks that colour is exactly Options.Color: on, the text differs
// from the plain rendering only by SGR sequences; off, there are none — even
// when fatih/color's global state says otherwise.
func TestColor(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(*bytes.Buffer, *result.Result, Options) error
	}{
		{"text", func(w *bytes.Buffer, r *result.Result, o Options) error { return Text(w, r, o) }},
		{"inventory", func(w *bytes.Buffer, r *result.Result, o Options) error { return Inventory(w, r, o) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := render(t, func(b *bytes.Buffer) error { return tc.fn(b, sample(), Options{Lines: sampleLines}) })
			colored := render(t, func(b *bytes.Buffer) error {
				return tc.fn(b, sample(), Options{Lines: sampleLines, Color: true})
			})
			if bytes.Contains(plain, []byte("\x1b")) {
				t.Errorf("escape sequences with Color off:\n%q", plain)
			}
			if !ansi.Match(colored) {
				t.Errorf("no colour with Color on:\n%s", colored)
			}
			if stripped := ansi.ReplaceAll(colored, nil); !bytes.Equal(stripped, plain) {
				t.Errorf("coloured output differs from plain beyond SGR sequences:\n%s\n---\n%s", stripped, plain)
			}
		})
	}
}

func TestTextQuietAndEmpty(t *testing.T) {
	r := sample()
	quiet := string(render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{Quiet: true}) }))
	if strings.Contains(quiet, "✖") || strings.Contains(quiet, "entry points") {
		t.Errorf("quiet output has a summary:\n%s", quiet)
	}
	if !strings.Contains(quiet, "missing-auth") || !strings.Contains(quiet, "internal error") {
		t.Errorf("quiet output lost findings or errors:\n%s", quiet)
	}

	empty := &result.Result{Stats: result.Stats{Files: 1, ParsedFiles: 1, EntryPoints: 1, DurationMs: 1500}}
	got := string(render(t, func(b *bytes.Buffer) error { return Text(b, empty, Options{}) }))
	if want := "✔ no problems · 1 entry point · 1 file (1 parsed) in 1.5s\n"; got != want {
		t.Errorf("empty text = %q, want %q", got, want)
	}
	if got := string(render(t, func(b *bytes.Buffer) error { return Text(b, empty, Options{Quiet: true}) })); got != "" {
		t.Errorf("quiet empty text = %q, want nothing", got)
	}
	got = string(render(t, func(b *bytes.Buffer) error { return Inventory(b, empty, Options{}) }))
	if want := "0 entry points (0 server actions, 0 route handlers, 0 API routes)\n"; got != want {
		t.Errorf("empty inventory = %q, want %q", got, want)
	}
}

func TestSummaryCounts(t *testing.T) {
	got := string(render(t, func(b *bytes.Buffer) error { return Text(b, sample(), Options{}) }))
	want := "✖ 4 problems (2 errors, 1 warning, 1 note) in 2 files · 4 entry points · 120 files (35 parsed) in 85ms · 2 analysis errors\n"
	if !strings.HasSuffix(got, want) {
		t.Errorf("summary line:\n got %q\nwant suffix %q", got[strings.LastIndex(got[:len(got)-1], "\n")+1:], want)
	}
}

func TestDuration(t *testing.T) {
	for ms, want := range map[int64]string{0: "0ms", 999: "999ms", 1000: "1.0s", 59_949: "59.9s", 61_000: "1m01s", 3_600_000: "60m00s"} {
		if got := duration(ms); got != want {
			t.Errorf("duration(%d) = %q, want %q", ms, got, want)
		}
	}
}

// TestTerminalSafety: a file name or source line is attacker-controlled (a
// cloned repository); it must not be able to send escape sequences to the
// reviewer's terminal.
func TestTerminalSafety(t *testing.T) {
	r := &result.Result{Findings: []result.Finding{{
		RuleID: "missing-auth", Severity: result.Error, Message: "bad \x1b[2J",
		Location: result.Location{File: "app/\x1b]0;pwned\x07.ts", Line: 1, Column: 1, EndLine: 1, EndColumn: 2},
		Help:     "\u202eevil",
	}}, EntryPoints: []result.EntryPoint{{Kind: "server-action", Name: "x\x1b[31m", File: "a.ts", Line: 1, Column: 1}}}
	lines := func(string, int) string { return "\x1b[31mred" }
	for _, out := range [][]byte{
		render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{Lines: lines}) }),
		render(t, func(b *bytes.Buffer) error { return Inventory(b, r, Options{}) }),
	} {
		if bytes.ContainsAny(out, "\x1b\x07\u202e") {
			t.Errorf("control characters reached the terminal:\n%q", out)
		}
	}
}
