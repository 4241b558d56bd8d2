package analyzer_test

// Reliability tests (issue 7): odd and hostile input never crashes, hangs or
// silently drops a result; output is deterministic; a run writes nothing.
// Every project is built at test time: no binaries are committed.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/report"
	"github.com/nextguard/nextguard/analyzer/report/sariftest"
	"github.com/nextguard/nextguard/analyzer/result"
)

// exampleDir is the example app: 6 entry points, 8 findings.
var exampleDir = filepath.Join("..", "testdata", "example")

// copyTree copies the regular files of src into dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// runBounded runs the analysis and fails the test if it does not end within
// limit (the goroutine is abandoned: a hang must fail, not stall CI).
func runBounded(t testing.TB, limit time.Duration, opts analyzer.Options) *result.Result {
	t.Helper()
	type out struct {
		res *result.Result
		err error
	}
	done := make(chan out, 1)
	start := time.Now()
	go func() {
		res, err := analyzer.Run(context.Background(), opts)
		done <- out{res, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			t.Fatalf("Run(%v): %v", opts.Paths, o.err)
		}
		for _, e := range o.res.Errors {
			if e.Internal {
				t.Errorf("internal error: %s: %s", e.File, e.Message)
			}
		}
		t.Logf("run took %v", time.Since(start).Round(time.Millisecond))
		return o.res
	case <-time.After(limit):
		t.Fatalf("Run(%v) did not end within %v", opts.Paths, limit)
		return nil
	}
}

// findingsJSON renders findings for comparison (all fields, report order).
func findingsJSON(t testing.TB, fs []result.Finding) string {
	t.Helper()
	b, err := json.MarshalIndent(fs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diagsByFile groups the diagnostics of a run by file.
func diagsByFile(res *result.Result) map[string][]string {
	out := map[string][]string{}
	for _, e := range res.Errors {
		out[e.File] = append(out[e.File], e.Message)
	}
	return out
}

// oneLineAction is a Server Action that deletes by a client id without
// authentication: missing-auth and missing-validation on known columns.
const oneLineAction = `"use server"; import { prisma } from "@/lib/db"; export async function drop(id: string) { await prisma.post.delete({ where: { id } }); }` + "\n"

const multiLineAction = "\"use server\";\nimport { prisma } from \"@/lib/db\";\n\n// café, naïve: non-ASCII before the action\nexport async function drop(id: string) {\n  const s = \"😀\"; await prisma.post.delete({ where: { id } });\n}\n"

// TestBadInputs builds a project holding every kind of bad input next to the
// example app. Each unanalysable file becomes a diagnostic naming it; odd
// but valid files (BOM, CRLF, invalid UTF-8 in a comment, empty) are analysed
// with exact positions and no diagnostic; the example's findings are the same
// as without the bad files; nothing outside the root is read; the run ends.
func TestBadInputs(t *testing.T) {
	clean := t.TempDir()
	copyTree(t, exampleDir, clean)
	want := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{clean}})
	if len(want.Findings) == 0 || len(want.Errors) != 0 {
		t.Fatalf("the clean example has %d findings and errors %+v", len(want.Findings), want.Errors)
	}

	dirty := t.TempDir()
	copyTree(t, exampleDir, dirty)
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret.ts": oneLineAction})
	huge := "var a=[" + strings.Repeat("1,", 10<<20) + "1];" // 20 MiB on one line
	writeTree(t, dirty, map[string]string{
		"app/broken/actions.ts": "\"use server\";\nexport async function broken() {\n  return 1 +;\n}\n",
		"app/api/bin/route.ts":  "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\xff\xfe\xfd",
		"app/vendor.min.js":     huge,
		"app/deep/actions.ts":   "\"use server\";\nexport async function deep() {\n  return " + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + ";\n}\n",
		"app/deep2/actions.ts":  "\"use server\";\nexport const a = " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + ";\n",
		"app/nul/actions.ts":    "\"use server\";\nexport async function a() {}\nconst s = \"\x00\";\n",
		"app/x.ts/helper.ts":    "export const helper = 1;\n",
		// Odd but valid: analysed, no diagnostic.
		"app/bom/actions.ts":     "\uFEFF" + oneLineAction,
		"app/lf/actions.ts":      multiLineAction,
		"app/crlf/actions.ts":    strings.ReplaceAll(multiLineAction, "\n", "\r\n"),
		"app/utf8/actions.ts":    "\"use server\";\n// \xff\xfe\xc3 not UTF-8\nimport { prisma } from \"@/lib/db\";\nexport async function drop(id: string) { const s = \"\xe9\"; await prisma.post.delete({ where: { id } }); }\n",
		"app/api/empty/route.ts": "",
		"app/empty.ts":           "",
	})
	mustSymlink(t, "loop2.ts", filepath.Join(dirty, "app", "loop1.ts"))
	mustSymlink(t, "loop1.ts", filepath.Join(dirty, "app", "loop2.ts"))
	mustSymlink(t, "self.ts", filepath.Join(dirty, "app", "self.ts"))
	mustSymlink(t, "..", filepath.Join(dirty, "app", "up"))
	mustSymlink(t, filepath.Join(outside, "secret.ts"), filepath.Join(dirty, "app", "outside.ts"))
	mustSymlink(t, outside, filepath.Join(dirty, "app", "outdir"))
	if err := syscall.Mkfifo(filepath.Join(dirty, "app", "a.ts"), 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}

	got := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{dirty}})

	// Every unanalysable file has a diagnostic saying why.
	wantDiag := map[string]string{
		"app/broken/actions.ts": "syntax error",
		"app/api/bin/route.ts":  "looks binary",
		"app/vendor.min.js":     "exceeds the size limit",
		"app/deep/actions.ts":   "nests too deeply",
		"app/deep2/actions.ts":  "nests too deeply",
		"app/nul/actions.ts":    "looks binary",
		"app/loop1.ts":          "looping symlink",
		"app/loop2.ts":          "looping symlink",
		"app/self.ts":           "looping symlink",
		"app/outside.ts":        "outside the project root",
		"app/a.ts":              "not a regular file",
	}
	diags := diagsByFile(got)
	for file, sub := range wantDiag {
		found := false
		for _, m := range diags[file] {
			found = found || strings.Contains(m, sub)
		}
		if !found {
			t.Errorf("%s: no diagnostic containing %q; got %q", file, sub, diags[file])
		}
	}
	for file, msgs := range diags {
		if _, ok := wantDiag[file]; !ok {
			t.Errorf("unexpected diagnostic for %s: %q", file, msgs)
		}
	}
	for _, e := range got.Errors {
		if e.File == "app/broken/actions.ts" && (e.Line != 3 || e.Column != 13) {
			t.Errorf("syntax error position %d:%d, want 3:13", e.Line, e.Column)
		}
	}

	// The example's findings are unchanged; the odd files' are exact.
	byFile := map[string][]result.Finding{}
	for _, f := range got.Findings {
		byFile[f.File] = append(byFile[f.File], f)
	}
	var exampleFindings []result.Finding
	for _, f := range got.Findings {
		if _, err := os.Stat(filepath.Join(clean, filepath.FromSlash(f.File))); err == nil {
			exampleFindings = append(exampleFindings, f)
		}
	}
	if a, b := findingsJSON(t, want.Findings), findingsJSON(t, exampleFindings); a != b {
		t.Errorf("the bad files changed the example's findings:\nwithout: %s\nwith: %s", a, b)
	}
	if len(byFile["app/outside.ts"]) != 0 || len(byFile["secret.ts"]) != 0 {
		t.Errorf("a symlink out of the root was followed: %+v", byFile["app/outside.ts"])
	}
	for file := range byFile {
		if strings.HasPrefix(file, "app/outdir/") || strings.HasPrefix(file, "app/up/") {
			t.Errorf("a directory symlink was followed: %s", file)
		}
	}

	// BOM: columns do not count it.
	dropCol := utf8.RuneCountInString(oneLineAction[:strings.Index(oneLineAction, "drop(")]) + 1
	checkRules(t, byFile["app/bom/actions.ts"], map[string][2]int{"missing-auth": {1, dropCol}})
	// CRLF: the same positions as LF, and no '\r' in snippets.
	lf, crlf := byFile["app/lf/actions.ts"], byFile["app/crlf/actions.ts"]
	if len(lf) == 0 || len(lf) != len(crlf) {
		t.Fatalf("LF findings %d, CRLF findings %d", len(lf), len(crlf))
	}
	checkRules(t, lf, map[string][2]int{"missing-auth": {5, 23}})
	for i := range lf {
		a, b := lf[i], crlf[i]
		if a.RuleID != b.RuleID || a.Line != b.Line || a.Column != b.Column || a.EndLine != b.EndLine || a.EndColumn != b.EndColumn || a.Snippet != b.Snippet {
			t.Errorf("CRLF finding differs from LF:\n%+v\n%+v", b.Location, a.Location)
		}
		if strings.ContainsRune(b.Snippet, '\r') {
			t.Errorf("CRLF snippet holds \\r: %q", b.Snippet)
		}
	}
	// Invalid UTF-8: analysed; the output is still valid UTF-8 JSON and SARIF.
	checkRules(t, byFile["app/utf8/actions.ts"], map[string][2]int{"missing-auth": {4, 23}})
	var js, sarif bytes.Buffer
	if err := report.JSON(&js, got, report.Options{}); err != nil || !utf8.Valid(js.Bytes()) || !json.Valid(js.Bytes()) {
		t.Errorf("JSON report: %v (valid UTF-8 %v)", err, utf8.Valid(js.Bytes()))
	}
	if err := report.SARIF(&sarif, got, report.Options{Version: "1.0.0"}); err != nil || !utf8.Valid(sarif.Bytes()) {
		t.Errorf("SARIF report: %v (valid UTF-8 %v)", err, utf8.Valid(sarif.Bytes()))
	}
	// In a subtest: without the schemas only the schema check is skipped.
	t.Run("sarif-schema", func(t *testing.T) { sariftest.Validate(t, sarif.Bytes()) })
	if got.Stats.Files < want.Stats.Files {
		t.Errorf("stats: %d files with the bad ones, %d without", got.Stats.Files, want.Stats.Files)
	}
}

// checkRules asserts that findings include each rule at its line and column.
func checkRules(t *testing.T, fs []result.Finding, want map[string][2]int) {
	t.Helper()
	for rule, pos := range want {
		ok := false
		for _, f := range fs {
			if f.RuleID == rule {
				ok = true
				if f.Line != pos[0] || f.Column != pos[1] {
					t.Errorf("%s in %s at %d:%d, want %d:%d", rule, f.File, f.Line, f.Column, pos[0], pos[1])
				}
			}
		}
		if !ok {
			t.Errorf("no %s finding among %d", rule, len(fs))
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// unreadableChildEnv tells a re-executed test binary to run the unreadable
// project in the directory it names and print the result as JSON.
const unreadableChildEnv = "NEXTGUARD_TEST_UNREADABLE_PROJECT"

// TestUnreadableFiles: a file and a directory the scanner may not read are
// reported and the rest is analysed. Root reads everything regardless of
// mode bits, so as root the run is repeated in a child process that drops to
// the nobody user; only if that is impossible is the case skipped.
func TestUnreadableFiles(t *testing.T) {
	if dir := os.Getenv(unreadableChildEnv); dir != "" {
		res, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	base, err := os.MkdirTemp("", "nextguard-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			os.Chmod(p, 0o755)
			return nil
		})
		os.RemoveAll(base)
	})
	proj := filepath.Join(base, "proj")
	copyTree(t, exampleDir, proj)
	writeTree(t, proj, map[string]string{"app/secret/actions.ts": oneLineAction, "app/locked/actions.ts": oneLineAction})
	for _, p := range []string{base, proj} {
		os.Chmod(p, 0o755)
	}
	os.Chmod(filepath.Join(proj, "app", "secret", "actions.ts"), 0)
	os.Chmod(filepath.Join(proj, "app", "locked"), 0)

	var res *result.Result
	if os.Geteuid() != 0 {
		res = runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{proj}})
	} else {
		res = runAsNobody(t, base, proj)
	}
	diags := diagsByFile(res)
	for file, sub := range map[string]string{"app/secret/actions.ts": "cannot read the file", "app/locked": "cannot read directory"} {
		if len(diags[file]) != 1 || !strings.Contains(diags[file][0], sub) || !strings.Contains(diags[file][0], "permission denied") {
			t.Errorf("%s: want one diagnostic containing %q and the reason; got %q", file, sub, diags[file])
		}
	}
	if len(diags) != 2 {
		t.Errorf("diagnostics %q", diags)
	}
	n := 0
	for _, f := range res.Findings {
		if strings.HasPrefix(f.File, "app/posts/") || strings.HasPrefix(f.File, "app/api/") {
			n++
		}
	}
	if n != 8 {
		t.Errorf("%d findings in the example's files, want 8: %+v", n, res.Findings)
	}
}

// runAsNobody runs TestUnreadableFiles' child as uid/gid 65534 on proj and
// returns its result. The test binary is copied into base so that nobody may
// execute it (the go build directory is private to root).
func runAsNobody(t *testing.T, base, proj string) *result.Result {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "analyzer.test")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestUnreadableFiles$")
	cmd.Dir = base
	cmd.Env = []string{unreadableChildEnv + "=" + proj, "HOME=" + base, "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Skipf("SKIPPING the unreadable-file case: running as root and cannot start a process as nobody to simulate one: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child as nobody: %v\n%s\n%s", err, stderr.String(), stdout.String())
	}
	// The child prints the result, then the test framework's "PASS".
	dec := json.NewDecoder(&stdout)
	var res result.Result
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("child output: %v\n%s", err, stdout.String())
	}
	return &res
}

// TestMaxFileSizeConfig: nextguard.json's maxFileSize skips larger sources
// with a diagnostic; smaller ones are analysed.
func TestMaxFileSizeConfig(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, exampleDir, dir)
	big := oneLineAction + "// " + strings.Repeat("x", 3000) + "\n"
	writeTree(t, dir, map[string]string{
		"nextguard.json":        `{"maxFileSize": 2500}`,
		"app/big/actions.ts":    big,
		"app/small/actions.ts":  oneLineAction,
		"app/exact/actions.ts":  oneLineAction + "//" + strings.Repeat("y", 2500-len(oneLineAction)-3) + "\n",
		"app/api/huge/route.ts": strings.Repeat("// padding\n", 1000),
	})
	res := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{dir}})
	diags := diagsByFile(res)
	for _, f := range []string{"app/big/actions.ts", "app/api/huge/route.ts"} {
		if len(diags[f]) != 1 || !strings.Contains(diags[f][0], "exceeds the size limit") {
			t.Errorf("%s: diagnostics %q", f, diags[f])
		}
	}
	if len(diags) != 2 {
		t.Errorf("diagnostics %q", diags)
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		seen[f.File] = true
	}
	if seen["app/big/actions.ts"] || !seen["app/small/actions.ts"] || !seen["app/exact/actions.ts"] {
		t.Errorf("files with findings: %v", seen)
	}
}

// TestPathologicalButValidCode: code within the parser's nesting limit but
// built to make the analysis work hard ends quickly, and either completes or
// says that an entry point hit its work limit.
func TestPathologicalButValidCode(t *testing.T) {
	var chain strings.Builder
	chain.WriteString("\"use server\";\nimport { prisma } from \"@/lib/db\";\nexport async function chain(id: string) {\n")
	chain.WriteString("  const f0 = (x: string) => prisma.post.findMany({ where: { id: x } });\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&chain, "  const f%d = (x: string) => { f%d(x); return f%d(x); };\n", i, i-1, i-1)
	}
	chain.WriteString("  return f39(id);\n}\n")
	// Nested arrays build a syntax tree 3000 levels deep (parentheses would
	// not: the parser drops them), deeper than astwalk.MaxDepth but within
	// the parser's nesting limit.
	deep := "\"use server\";\nimport { prisma } from \"@/lib/db\";\nexport async function deep(id: string) {\n  await prisma.post.delete({ where: { id } });\n  return " +
		strings.Repeat("[", 3000) + "prisma.post.delete({ where: { id } })" + strings.Repeat("]", 3000) + ";\n}\n"
	var wide strings.Builder
	wide.WriteString("\"use server\";\nimport { prisma } from \"@/lib/db\";\nexport async function wide(id: string) {\n  let v = id;\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&wide, "  if (v === %q) { v = v + %d; } else { v = await prisma.post.count({ where: { id: v } }) ? v : id; }\n", fmt.Sprint(i), i)
	}
	wide.WriteString("  return prisma.post.delete({ where: { id: v } });\n}\n")

	dir := t.TempDir()
	copyTree(t, exampleDir, dir)
	writeTree(t, dir, map[string]string{"app/chain/actions.ts": chain.String(), "app/deep/actions.ts": deep, "app/wide/actions.ts": wide.String()})
	start := time.Now()
	res := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{dir}})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the run took %v", d)
	}
	diags := diagsByFile(res)
	found := map[string]bool{}
	for _, f := range res.Findings {
		found[f.File] = true
	}
	for _, f := range []string{"app/chain/actions.ts", "app/deep/actions.ts", "app/wide/actions.ts"} {
		limited := false
		for _, m := range diags[f] {
			limited = limited || strings.Contains(m, "work limit") || strings.Contains(m, "nests too deeply")
		}
		if !found[f] && !limited {
			t.Errorf("%s: neither a finding nor a work-limit diagnostic (diagnostics %q)", f, diags[f])
		}
	}
	if !found["app/deep/actions.ts"] {
		t.Errorf("app/deep/actions.ts nests 3000 levels, within the parser's limit: its finding is missing (diagnostics %q)", diags["app/deep/actions.ts"])
	}
}

// genProject writes a multi-file project for the determinism and side-effect
// tests: many actions sharing helpers, suppressions, a syntax error, routes.
func genProject(t testing.TB, dir string) {
	t.Helper()
	copyTree(t, exampleDir, dir)
	files := map[string]string{
		"lib/guard.ts":       "import { auth } from \"@/lib/auth\";\nexport async function guard() { const s = await auth(); if (!s?.user) throw new Error(\"no\"); return s.user; }\n",
		"app/bad/actions.ts": "\"use server\";\nexport async function = ;\n",
	}
	for i := 0; i < 12; i++ {
		files[fmt.Sprintf("app/g%02d/actions.ts", i)] = fmt.Sprintf(`"use server";
import { prisma } from "@/lib/db";
import { guard } from "@/lib/guard";
export async function del%[1]d(id: string) { await prisma.post.delete({ where: { id } }); }
export async function upd%[1]d(id: string, title: string) { const u = await guard(); await prisma.post.update({ where: { id }, data: { title } }); return u.id; }
// nextguard-ignore-next-line missing-auth -- public by design in this test
export async function pub%[1]d(id: string) { return prisma.user.findUnique({ where: { id } }); }
export const inline%[1]d = async (fd: FormData) => prisma.post.create({ data: { title: String(fd.get("t")) } });
`, i)
		files[fmt.Sprintf("app/api/r%02d/route.ts", i)] = fmt.Sprintf("import { prisma } from \"@/lib/db\";\nexport async function GET(req: Request) { return Response.json(await prisma.user.findMany({ where: { id: new URL(req.url).searchParams.get(\"id\") ?? \"%d\" } })); }\nexport async function POST(req: Request) { const b = await req.json(); return Response.json(await prisma.post.update({ where: { id: b.id }, data: b })); }\n", i)
	}
	writeTree(t, dir, files)
}

var durationRE = regexp.MustCompile(`"durationMs": [0-9]+`)

// renderAll renders a result as JSON and SARIF. The JSON contract's
// stats.durationMs is wall-clock time, the one field that may differ between
// runs; it is zeroed before comparison.
func renderAll(t testing.TB, res *result.Result) (jsonOut, sarifOut []byte) {
	t.Helper()
	var j, s bytes.Buffer
	if err := report.JSON(&j, res, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := report.SARIF(&s, res, report.Options{Version: "1.0.0"}); err != nil {
		t.Fatal(err)
	}
	return durationRE.ReplaceAll(j.Bytes(), []byte(`"durationMs": 0`)), s.Bytes()
}

// TestDeterminism: the same input gives byte-identical JSON and SARIF across
// runs and across --jobs 1..8.
func TestDeterminism(t *testing.T) {
	gen := t.TempDir()
	genProject(t, gen)
	for _, dir := range []string{exampleDir, gen} {
		var firstJSON, firstSARIF []byte
		for _, jobs := range []int{1, 1, 2, 3, 4, 5, 6, 7, 8} {
			res := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{dir}, Jobs: jobs})
			j, s := renderAll(t, res)
			if firstJSON == nil {
				firstJSON, firstSARIF = j, s
				if len(res.Findings) < 8 {
					t.Fatalf("%s: only %d findings", dir, len(res.Findings))
				}
				continue
			}
			if !bytes.Equal(j, firstJSON) {
				t.Errorf("%s: JSON with --jobs %d differs from --jobs 1:\n%s", dir, jobs, firstDiff(firstJSON, j))
			}
			if !bytes.Equal(s, firstSARIF) {
				t.Errorf("%s: SARIF with --jobs %d differs from --jobs 1:\n%s", dir, jobs, firstDiff(firstSARIF, s))
			}
		}
	}
}

// firstDiff shows the first differing line of two outputs.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}

// treeHash hashes everything observable of a tree: paths, types, modes,
// sizes, modification times, file contents and link targets.
func treeHash(t testing.TB, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%q %v %d %d\n", rel, info.Mode(), info.Size(), info.ModTime().UnixNano())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			fmt.Fprintf(h, "-> %q\n", target)
		case info.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			io.Copy(h, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestRunWritesNothing: a run (analysis and every reporter) leaves the
// scanned tree byte-for-byte unchanged, nothing added or removed.
func TestRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	genProject(t, dir)
	writeTree(t, dir, map[string]string{"nextguard.json": `{"rules": {"raw-orm-return": "warning"}}`, ".gitignore": "ignored/\n", "ignored/x.ts": "x"})
	mustSymlink(t, "lib", filepath.Join(dir, "liblink"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.ts"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, dir)
	res := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{dir}})
	opts := report.Options{Version: "1.0.0", Lines: func(string, int) string { return "" }}
	for _, r := range []func(io.Writer, *result.Result, report.Options) error{report.Text, report.JSON, report.SARIF, report.GitHub, report.Inventory} {
		if err := r(io.Discard, res, opts); err != nil {
			t.Fatal(err)
		}
	}
	if after := treeHash(t, dir); after != before {
		t.Errorf("the scanned tree changed during the run")
	}
}

// TestOutputSafety: paths with spaces, non-ASCII, '#', '%', ',', ':' and names
// starting with ".." render exactly in text, JSON and GitHub output, and SARIF
// URIs are valid, decode to the path and resolve inside the root.
func TestOutputSafety(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, exampleDir, dir)
	names := []string{"my folder", "ünïcödé 日本", "#hash", "100%", "%2e%2e", "..foo", "...", "a,b", "c:d", "[slug]", "(group)", "q?x", "tab\tname"}
	files := map[string]string{}
	for _, n := range names {
		files["app/"+n+"/actions.ts"] = oneLineAction
	}
	writeTree(t, dir, files)
	res := runBounded(t, 60*time.Second, analyzer.Options{Paths: []string{dir}})
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	want := map[string]bool{}
	for _, n := range names {
		want["app/"+n+"/actions.ts"] = true
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		if f.RuleID == "missing-auth" && want[f.File] {
			got[f.File] = true
		}
	}
	for f := range want {
		if !got[f] {
			t.Errorf("no missing-auth finding for %q", f)
		}
	}

	// JSON: paths verbatim.
	var js bytes.Buffer
	if err := report.JSON(&js, res, report.Options{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct {
			File string `json:"file"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	inJSON := map[string]bool{}
	for _, f := range doc.Findings {
		inJSON[f.File] = true
	}
	for f := range want {
		if !inJSON[f] {
			t.Errorf("JSON lacks the path %q", f)
		}
	}

	// Text: file:line:col with the path as is (control characters made visible).
	var text bytes.Buffer
	if err := report.Text(&text, res, report.Options{}); err != nil {
		t.Fatal(err)
	}
	for f := range want {
		if strings.ContainsAny(f, "\t") {
			continue
		}
		if !strings.Contains(text.String(), f+":1:") {
			t.Errorf("text output lacks %q", f+":1:")
		}
	}
	if strings.ContainsRune(text.String(), '\t') && strings.Contains(text.String(), "tab\tname") {
		t.Errorf("text output prints a raw tab from a path")
	}

	// GitHub: the file property unescapes to the path.
	var gh bytes.Buffer
	if err := report.GitHub(&gh, res, report.Options{}); err != nil {
		t.Fatal(err)
	}
	unescape := strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",")
	fileProp := regexp.MustCompile(`^::\w+ file=([^,]*),`)
	inGH := map[string]bool{}
	for _, line := range strings.Split(gh.String(), "\n") {
		if m := fileProp.FindStringSubmatch(line); m != nil {
			inGH[unescape.Replace(m[1])] = true
		}
	}
	for f := range want {
		if !inGH[f] {
			t.Errorf("GitHub output lacks file=%q", f)
		}
	}

	// SARIF: valid, and every URI decodes to a known path inside the root.
	var sarif bytes.Buffer
	if err := report.SARIF(&sarif, res, report.Options{Version: "1.0.0"}); err != nil {
		t.Fatal(err)
	}
	t.Run("sarif-schema", func(t *testing.T) { sariftest.Validate(t, sarif.Bytes()) })
	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct {
				URI string `json:"uri"`
			} `json:"originalUriBaseIds"`
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	base, err := url.Parse(run.OriginalURIBaseIDs["%SRCROOT%"].URI)
	if err != nil || base.Scheme != "file" || !strings.HasSuffix(base.Path, "/") {
		t.Fatalf("%%SRCROOT%% = %q: %v", run.OriginalURIBaseIDs["%SRCROOT%"].URI, err)
	}
	rootPath := filepath.ToSlash(res.Root)
	if base.Path != strings.TrimSuffix(rootPath, "/")+"/" {
		t.Errorf("%%SRCROOT%% path %q, root %q", base.Path, rootPath)
	}
	inSARIF := map[string]bool{}
	for _, r := range run.Results {
		for _, l := range r.Locations {
			al := l.PhysicalLocation.ArtifactLocation
			u, err := url.Parse(al.URI)
			if err != nil || u.Scheme != "" || u.Host != "" || al.URIBaseID != "%SRCROOT%" || strings.HasPrefix(al.URI, "/") {
				t.Errorf("bad artifact URI %q (base %q): %v", al.URI, al.URIBaseID, err)
				continue
			}
			resolved := base.ResolveReference(u)
			if !strings.HasPrefix(resolved.Path, base.Path) || path.Clean(resolved.Path) != resolved.Path {
				t.Errorf("URI %q resolves to %q, outside %q", al.URI, resolved.Path, base.Path)
			}
			inSARIF[u.Path] = true
		}
	}
	for f := range want {
		if !inSARIF[f] {
			t.Errorf("SARIF lacks a result URI for %q", f)
		}
	}
	sorted := make([]string, 0, len(inSARIF))
	for k := range inSARIF {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	t.Logf("SARIF paths: %q", sorted)
}
