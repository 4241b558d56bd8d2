package cli

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
)

func TestParseUnifiedDiff(t *testing.T) {
	diff := strings.Join([]string{
		"diff --git a/app/a.ts b/app/a.ts",
		"index 1111111..2222222 100644",
		"--- a/app/a.ts",
		"+++ b/app/a.ts",
		"@@ -3 +3 @@ export async function a() {",
		"-  old();",
		"+  new();",
		"@@ -10,2 +9,0 @@ export async function b() {", // pure deletion after line 9
		"-  await auth();",
		"--- a/looks/like/a/header", // a deleted line that reads "-- a/looks/like/a/header"
		"@@ -20,0 +19,3 @@",
		"+x",
		"++++ b/not/a/header", // an added line that reads "+++ b/not/a/header"
		"+z",
		`\ No newline at end of file`,
		"diff --git a/new.ts b/new.ts",
		"new file mode 100644",
		"--- /dev/null",
		"+++ b/new.ts",
		"@@ -0,0 +1,2 @@",
		"+a",
		"+b",
		"diff --git a/gone.ts b/gone.ts",
		"deleted file mode 100644",
		"--- a/gone.ts",
		"+++ /dev/null",
		"@@ -1 +0,0 @@",
		"-a",
		"diff --git a/top.ts b/top.ts",
		"--- a/top.ts",
		"+++ b/top.ts",
		"@@ -1 +0,0 @@", // deleting the first line
		"-a",
		`diff --git "a/sp ace\tü.ts" "b/sp ace\tü.ts"`,
		`--- "a/sp ace\tü.ts"`,
		`+++ "b/sp ace\tü.ts"`,
		"@@ -5 +5 @@",
		"-a",
		"+b",
		"diff --git a/with space.ts b/with space.ts",
		"--- a/with space.ts\t",
		"+++ b/with space.ts\t",
		"@@ -1 +1 @@",
		"-a",
		"+b",
		"diff --git a/img.png b/img.png",
		"Binary files a/img.png and b/img.png differ",
		"diff --cc conflict.ts",
		"index 1,2..3",
		"--- a/conflict.ts",
		"+++ b/conflict.ts",
		"@@@ -1,1 -1,1 +1,5 @@@",
		"++<<<<<<< HEAD",
		"",
	}, "\n")
	got, err := parseUnifiedDiff([]byte(diff))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]lineRange{
		"app/a.ts":      {{3, 3}, {9, 10}, {19, 21}},
		"new.ts":        {{1, 2}},
		"top.ts":        {{1, 1}},
		"sp ace\tü.ts":  {{5, 5}},
		"with space.ts": {{1, 1}},
		"conflict.ts":   {wholeFile},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseUnifiedDiff:\n got %v\nwant %v", got, want)
	}
}

func TestParseUnifiedDiffErrors(t *testing.T) {
	for _, diff := range []string{
		"+++ b/a.ts\n@@ -1 +1 @@\n-a\n",             // hunk ends early
		"+++ b/a.ts\n@@ -x +1 @@\n",                 // bad header
		"+++ b/a.ts\n@@ -1 +1,-2 @@\n",              // negative count
		"+++ weird/a.ts\n",                          // no b/ prefix
		"+++ \"b/unterminated\n",                    // bad quoting
		"+++ b/a.ts\n@@ -1 +1\n-a\n+b\n",            // header without closing @@
		"+++ b/a.ts\n@@ -1 +1 @@\n-a\ndiff --git\n", // header where a line was due
	} {
		if _, err := parseUnifiedDiff([]byte(diff)); err == nil {
			t.Errorf("parseUnifiedDiff(%q): no error", diff)
		}
	}
}

func TestFilter(t *testing.T) {
	root := t.TempDir()
	top := filepath.Dir(root) // the project is a folder of the repository
	project := filepath.Base(root)
	c := &changes{top: top, files: map[string][]lineRange{
		project + "/app/a.ts":   {{12, 12}},
		project + "/lib/h.ts":   {{40, 41}},
		project + "/next.cfg":   {{3, 3}},
		project + "/whole.ts":   {wholeFile},
		"elsewhere/app/a.ts":    {{1, math.MaxInt}},
		project + "/app/b.ts":   {{100, 100}},
		project + "/app/new.ts": {wholeFile},
	}}
	ref := func(name string, line int) *result.EntryRef { return &result.EntryRef{Name: name, Line: line} }
	finding := func(id, file string, line int, ep *result.EntryRef) result.Finding {
		return result.Finding{RuleID: id, Location: result.Location{File: file, Line: line, EndLine: line}, EntryPoint: ep}
	}
	res := &result.Result{
		Root: root,
		EntryPoints: []result.EntryPoint{
			{Name: "first", File: "app/a.ts", Line: 3},
			{Name: "second", File: "app/a.ts", Line: 10}, // extent 10..19: line 12 changed
			{Name: "third", File: "app/a.ts", Line: 20},  // extent 20..: unchanged
			{Name: "viaHelper", File: "app/c.ts", Line: 5},
			{Name: "last", File: "app/b.ts", Line: 50}, // extent 50..EOF: line 100 changed
		},
		Findings: []result.Finding{
			finding("a", "app/a.ts", 3, ref("first", 3)),             // drop: first is 3..9
			finding("b", "app/a.ts", 11, ref("second", 10)),          // keep: extent
			finding("c", "app/a.ts", 20, ref("third", 20)),           // drop
			finding("d", "lib/h.ts", 41, ref("viaHelper", 5)),        // keep: own line changed
			finding("e", "lib/h.ts", 7, ref("viaHelper", 5)),         // drop: helper line and entry unchanged
			finding("f", "next.cfg", 3, nil),                         // keep: project rule, line changed
			finding("g", "next.cfg", 4, nil),                         // drop
			finding("h", "whole.ts", 0, nil),                         // keep: whole-file finding, file changed
			finding("i", "other.ts", 0, nil),                         // drop
			finding("j", "app/b.ts", 51, ref("last", 50)),            // keep: extent to EOF
			finding("k", "app/new.ts", 2, ref("missingFromList", 1)), // keep: new file
			finding("l", "../../outside.ts", 1, nil),                 // drop: outside the work tree
		},
	}
	c.filter(res)
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.RuleID)
	}
	if want := []string{"b", "d", "f", "h", "j", "k"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}

// TestGitChanges runs the real git on a small repository.
func TestGitChanges(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("HOME", dir)
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	for _, kv := range []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	if _, err := gitChanges(dir, "HEAD", false); err == nil || !strings.Contains(err.Error(), "not inside a git work tree") {
		t.Fatalf("outside a repository: %v", err)
	}
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write("web/a.ts", "1\n2\n3\n4\n")
	write(".gitignore", "ignored.ts\n")
	run("init", "-q")
	// --staged before the first commit: everything staged is new.
	run("add", "-A")
	c, err := gitChanges(filepath.Join(dir, "web"), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []lineRange{{1, 4}}; !reflect.DeepEqual(c.files["web/a.ts"], want) {
		t.Errorf("staged before the first commit: %v", c.files)
	}
	run("commit", "-q", "-m", "init")

	write("web/a.ts", "1\nTWO\n3\n4\n")
	write("web/untracked.ts", "x\n")
	write("ignored.ts", "x\n")
	c, err = gitChanges(filepath.Join(dir, "web", "a.ts"), "HEAD", false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]lineRange{"web/a.ts": {{2, 2}}, "web/untracked.ts": {wholeFile}}
	if !reflect.DeepEqual(c.files, want) {
		t.Errorf("--diff HEAD: %v, want %v", c.files, want)
	}
	c, err = gitChanges(dir, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.files) != 0 {
		t.Errorf("--staged with nothing staged: %v", c.files)
	}
	run("add", "web/a.ts")
	c, err = gitChanges(dir, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]lineRange{"web/a.ts": {{2, 2}}}; !reflect.DeepEqual(c.files, want) {
		t.Errorf("--staged: %v, want %v", c.files, want)
	}
	if _, err := gitChanges(dir, "no-such-rev", false); err == nil || !strings.Contains(err.Error(), "--diff no-such-rev: not a revision git knows") {
		t.Errorf("bad revision: %v", err)
	}
	if _, err := gitChanges(filepath.Join(dir, "missing"), "HEAD", false); err == nil {
		t.Errorf("missing path: no error")
	}
}
