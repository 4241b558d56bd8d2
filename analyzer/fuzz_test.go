package analyzer_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/report"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// fuzzPaths are where FuzzPipeline puts the fuzzed file: each place gives it a
// different role (Server Action module, Route Handler, Pages API route, page
// with inline actions, middleware, a helper an action calls, a plain module).
var fuzzPaths = []string{
	"app/fuzz/actions.ts",
	"app/api/fuzz/route.ts",
	"pages/api/fuzz.ts",
	"app/fuzz/page.tsx",
	"middleware.ts",
	"lib/helper.ts",
	"lib/plain.js",
}

// fuzzScaffold is the project around the fuzzed file: a Next.js app with an
// auth helper, a Prisma client and schema, a tsconfig with the @/ alias, and
// an action that calls lib/helper.ts, so that a fuzzed helper is reached by
// the interprocedural analysis too.
var fuzzScaffold = map[string]string{
	"package.json":   `{"name":"fuzz","private":true,"dependencies":{"next":"15.2.3","next-auth":"5.0.0-beta.25","@prisma/client":"6.1.0","zod":"3.24.1","next-safe-action":"7.0.0"}}`,
	"next.config.ts": "export default {};\n",
	// vulnerable-next reads only package.json and lockfiles, never the fuzzed
	// file, and its advisory matching would be most of each run's time.
	"nextguard.json": `{"rules": {"vulnerable-next": "off"}}`,
	"tsconfig.json":  "{\n  // JSONC\n  \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"./*\"] }, },\n}\n",
	"lib/db.ts":      "import { PrismaClient } from \"@prisma/client\";\nexport const prisma = new PrismaClient();\n",
	"lib/auth.ts":    "import NextAuth from \"next-auth\";\nexport const { auth, signIn, signOut } = NextAuth({ providers: [] });\n",
	"prisma/schema.prisma": "model User {\n  id String @id\n  passwordHash String\n  posts Post[]\n}\n" +
		"model Post {\n  id String @id\n  authorId String\n  author User @relation(fields: [authorId], references: [id])\n}\n",
	"app/base/actions.ts": "\"use server\";\nimport { helper } from \"@/lib/helper\";\nimport { prisma } from \"@/lib/db\";\n" +
		"export async function viaHelper(id: string) {\n  const x = await helper(id);\n  return prisma.post.findMany({ where: { id: x } });\n}\n",
}

// writeTree writes files (rel path -> content) below dir.
func writeTree(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// fuzzSeeds returns the distinct source fixtures of the repository (rule
// fixtures and the example app), each with the fuzzPaths index matching its
// role. Fixtures repeat helpers (lib/db.ts) verbatim; each text is seeded once
// to keep the seed run cheap in CI.
func fuzzSeeds(tb testing.TB) (sels []uint8, srcs []string) {
	tb.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(filepath.Join("..", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(p) {
		case ".ts", ".tsx", ".js", ".jsx", ".mjs":
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || seen[string(b)] {
			return err
		}
		seen[string(b)] = true
		slash := filepath.ToSlash(p)
		sel := 0
		switch {
		case strings.HasSuffix(slash, "/route.ts") || strings.HasSuffix(slash, "/route.js"):
			sel = 1
		case strings.Contains(slash, "/pages/api/"):
			sel = 2
		case strings.HasSuffix(slash, "/page.tsx"):
			sel = 3
		case strings.Contains(slash, "middleware.") || strings.Contains(slash, "proxy."):
			sel = 4
		case strings.Contains(slash, "/lib/"):
			sel = 5
		}
		sels = append(sels, uint8(sel))
		srcs = append(srcs, string(b))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return sels, srcs
}

// FuzzPipeline runs the whole pipeline (discover, read, parse, index, entry
// points, flow summaries, rules, suppressions, every reporter) on a project
// whose one file is the fuzz input. Any internal error (a recovered panic), a
// Run error, an out-of-range position, a reporter error or a run longer than
// 30 s fails. The seeds are every source fixture of the repository.
func FuzzPipeline(f *testing.F) {
	sels, srcs := fuzzSeeds(f)
	for i := range sels {
		f.Add(sels[i], srcs[i])
	}
	for i, s := range []string{
		"", "\x00\x01\x02", "\uFEFF\"use server\";\r\nexport async function a(x) { return x }\r\n",
		"\"use server\"\nexport const a = async (\xff\xfe) => 1\n",
		"\"use server\"\nexport async function a(){ return " + strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500) + " }\n",
		// Regression: 100 000 levels of nesting overflowed the parser's stack
		// (a fatal error, not a recoverable panic) before parse's pre-check.
		"\"use server\"\nexport async function a(){ return " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + " }\n",
		"\"use server\"\nexport const a = " + strings.Repeat("x=>", 100_000) + "1\n",
		"export async function GET(r) { /* nextguard-ignore-next-line missing-auth -- x */\n return Response.json(await (await import('@/lib/db')).prisma.user.findMany()) }\n",
		"\"use server\"\nexport async function a(id){ for(;;){ id = id.x } }\n",
		"\"use server\"\nexport async function a(id){ const f = (n) => n ? f(n-1) : prisma.user.delete({where:{id}}); return f(3) }\nimport {prisma} from '@/lib/db'\n",
	} {
		f.Add(uint8(i), s)
	}
	// One project per fuzz worker process; only the fuzzed file changes.
	root, err := os.MkdirTemp("", "nextguard-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(root) })
	writeTree(f, root, fuzzScaffold)

	f.Fuzz(func(t *testing.T, sel uint8, src string) {
		rel := fuzzPaths[int(sel)%len(fuzzPaths)]
		abs := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(abs)
		checkPipeline(t, root, map[string]string{rel: src})
	})
}

var fingerprintRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkPipeline runs the analysis on root with a deadline and checks the
// invariants every result must hold whatever the input. known maps files to
// their content, to bound reported positions.
func checkPipeline(t *testing.T, root string, known map[string]string) *result.Result {
	t.Helper()
	stop := time.AfterFunc(30*time.Second, func() {
		debug.SetTraceback("all")
		panic(fmt.Sprintf("analyzer.Run on %v did not finish within 30s", known))
	})
	res, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{root}, Jobs: 1})
	stop.Stop()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, e := range res.Errors {
		if e.Internal {
			t.Fatalf("internal error in %s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
		}
		if e.Line < 0 || e.Column < 0 || e.Line == 0 && e.Column != 0 {
			t.Fatalf("bad diagnostic position %+v", e)
		}
	}
	lines := func(file string) int {
		if text, ok := known[file]; ok {
			return source.New("", file, text).Lines()
		}
		return 1 << 30
	}
	checkLoc := func(what string, l result.Location) {
		if l.File == "" || strings.HasPrefix(l.File, "/") || strings.HasPrefix(l.File, "../") {
			t.Fatalf("%s: bad file %q", what, l.File)
		}
		if l.Line < 1 || l.Column < 1 || l.Line > lines(l.File) || l.EndLine < l.Line || l.EndLine == l.Line && l.EndColumn < l.Column || l.EndLine > lines(l.File) {
			t.Fatalf("%s: bad range %s:%d:%d-%d:%d (%d lines)", what, l.File, l.Line, l.Column, l.EndLine, l.EndColumn, lines(l.File))
		}
	}
	for _, fd := range res.Findings {
		checkLoc(fd.RuleID, fd.Location)
		for _, r := range fd.Related {
			checkLoc(fd.RuleID+" related", r.Location)
		}
		if fd.Message == "" || !fingerprintRE.MatchString(fd.Fingerprint) {
			t.Fatalf("bad finding %+v", fd)
		}
	}
	for _, ep := range res.EntryPoints {
		if ep.Line < 1 || ep.Column < 1 || ep.Line > lines(ep.File) {
			t.Fatalf("bad entry point position %+v", ep)
		}
	}
	opts := report.Options{Version: "1.0.0", Lines: func(string, int) string { return "" }}
	for name, r := range map[string]func(io.Writer, *result.Result, report.Options) error{
		"text": report.Text, "json": report.JSON, "sarif": report.SARIF, "github": report.GitHub, "inventory": report.Inventory,
	} {
		if err := r(io.Discard, res, opts); err != nil {
			t.Fatalf("%s reporter: %v", name, err)
		}
	}
	return res
}
