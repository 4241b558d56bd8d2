package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/rules"
)

// panicRuleID is a rule registered only by TestRulePanicIsIsolated. The rule
// registry is global to the test binary, so it is registered lazily (tests
// that run earlier never see it) and it panics only on a file named
// panic_here.ts or in a project holding panicProjectMarker: any other test
// that runs after it is unaffected but for one more rule in lists.
const (
	panicRuleID        = "zz-test-panic"
	panicProjectRuleID = "zz-test-panic-project"
	panicProjectMarker = ".nextguard-test-panic"
)

var registerPanicRules sync.Once

func panicRules() {
	registerPanicRules.Do(func() {
		rules.Register(&rules.Rule{
			Meta: rules.Meta{ID: panicRuleID, Name: "TestPanic", Short: "Panics on panic_here.ts (test only)", Severity: result.Error, Precision: "low"},
			CheckEntry: func(p *rules.Pass) {
				if filepath.Base(p.Entry.Mod.Rel) == "panic_here.ts" {
					var m map[string]int
					m["boom"]++ // a nil-map write: a runtime panic, as a real bug would be
				}
			},
		})
		rules.Register(&rules.Rule{
			Meta: rules.Meta{ID: panicProjectRuleID, Name: "TestPanicProject", Short: "Panics in a marked project (test only)", Severity: result.Error, Precision: "low"},
			CheckProject: func(p *rules.ProjectPass) {
				if _, err := os.Stat(filepath.Join(p.Root, panicProjectMarker)); err == nil {
					panic("project rule failure")
				}
			},
		})
	})
}

// copyDir copies the regular files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// TestRulePanicIsIsolated: a panic in a rule (per entry point or per project)
// is recovered and reported as an internal error naming the rule and the
// file; every other finding is still reported; the exit code is 2 in every
// format, even with --fail-on never, and SARIF says the run did not succeed.
func TestRulePanicIsIsolated(t *testing.T) {
	panicRules()
	example := filepath.Join("..", "..", "..", "..", "testdata", "example")
	dir := t.TempDir()
	copyDir(t, example, dir)
	clean := t.TempDir()
	copyDir(t, example, clean)
	action := "\"use server\";\nimport { prisma } from \"@/lib/db\";\nexport async function boom(id: string) {\n  await prisma.post.delete({ where: { id } });\n}\n"
	for rel, content := range map[string]string{"app/panic/panic_here.ts": action, "app/panic/fine.ts": action, panicProjectMarker: ""} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	main := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Main(args, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	// Without the panic the clean example exits 1 (it has findings).
	code, out, _ := main("--format", "json", clean)
	var want result.Result
	if err := json.Unmarshal([]byte(out), &want); err != nil || code != ExitFindings {
		t.Fatalf("clean run: exit %d, %v", code, err)
	}

	code, out, stderr := main("--format", "json", "--fail-on", "never", dir)
	if code != ExitError {
		t.Errorf("exit code %d, want %d (stderr %q)", code, ExitError, stderr)
	}
	var got result.Result
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out)
	}
	var entryErr, projectErr bool
	for _, e := range got.Errors {
		if !e.Internal {
			t.Errorf("unexpected diagnostic %+v", e)
			continue
		}
		switch {
		case e.File == "app/panic/panic_here.ts" && strings.Contains(e.Message, panicRuleID) && strings.Contains(e.Message, "assignment to entry in nil map"):
			entryErr = true
		case strings.Contains(e.Message, panicProjectRuleID) && strings.Contains(e.Message, "project rule failure"):
			projectErr = true
		default:
			t.Errorf("unexpected internal error %+v", e)
		}
	}
	if !entryErr || !projectErr {
		t.Errorf("internal errors naming the rule and file: entry %v, project %v; errors %+v", entryErr, projectErr, got.Errors)
	}
	// The rest of the run completed: the example's findings, and the other
	// rules' findings on the file whose check panicked, are all there.
	have := map[string]bool{}
	for _, f := range got.Findings {
		have[f.RuleID+" "+f.File+" "+f.Message] = true
	}
	for _, f := range want.Findings {
		if !have[f.RuleID+" "+f.File+" "+f.Message] {
			t.Errorf("lost finding %s %s:%d", f.RuleID, f.File, f.Line)
		}
	}
	for _, file := range []string{"app/panic/panic_here.ts", "app/panic/fine.ts"} {
		n := 0
		for _, f := range got.Findings {
			if f.File == file && f.RuleID == "missing-auth" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d missing-auth findings, want 1", file, n)
		}
	}
	if len(got.EntryPoints) != len(want.EntryPoints)+2 {
		t.Errorf("%d entry points, want %d", len(got.EntryPoints), len(want.EntryPoints)+2)
	}

	for _, format := range []string{"text", "sarif", "github"} {
		code, out, _ := main("--format", format, "--color", "never", dir)
		if code != ExitError {
			t.Errorf("--format %s: exit code %d, want %d", format, code, ExitError)
		}
		if !strings.Contains(out, panicRuleID) || !strings.Contains(out, "panic_here.ts") {
			t.Errorf("--format %s does not name the rule and file:\n%s", format, out)
		}
		if format == "sarif" && !strings.Contains(out, `"executionSuccessful": false`) {
			t.Errorf("SARIF does not say the run failed")
		}
	}
	// Quiet text still prints the internal error, since it explains exit 2.
	if code, out, _ := main("--quiet", "--color", "never", dir); code != ExitError || !strings.Contains(out, panicRuleID) {
		t.Errorf("--quiet: exit %d\n%s", code, out)
	}
}
