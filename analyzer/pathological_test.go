package analyzer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextguard/nextguard/analyzer"
)

// pathologicalProject writes an action reaching a query through n helpers that
// each call the next one twice: without deduplicated summaries the work is
// 2^n (found by fuzzing).
func pathologicalProject(t *testing.T, n int, closures bool) string {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("\"use server\";\nimport { prisma } from \"../../lib/db\";\n")
	if closures {
		b.WriteString("export async function act(id: string) {\n  const f0 = (x: string) => prisma.post.findMany({ where: { id: x } });\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "  const f%d = (x: string) => [f%d(x), f%d(x)];\n", i, i-1, i-1)
		}
		fmt.Fprintf(&b, "  return f%d(id);\n}\n", n-1)
	} else {
		b.WriteString("function f0(x: string) { return prisma.post.findMany({ where: { id: x } }); }\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "function f%d(x: string) { f%d(x); return f%d(x); }\n", i, i-1, i-1)
		}
		fmt.Fprintf(&b, "export async function act(id: string) { return f%d(id); }\n", n-1)
	}
	files := map[string]string{
		"package.json":     `{"name":"x","dependencies":{"next":"15.5.21","@prisma/client":"6.1.0"}}`,
		"lib/db.ts":        "import { PrismaClient } from \"@prisma/client\";\nexport const prisma = new PrismaClient();\n",
		"app/x/actions.ts": b.String(),
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestHelperChainsStayLinear: a helper chain that doubles its calls at every
// level is analysed in bounded time, and its findings are still reported (or
// the truncation is, never silently nothing).
func TestHelperChainsStayLinear(t *testing.T) {
	for _, closures := range []bool{false, true} {
		dir := pathologicalProject(t, 40, closures)
		start := time.Now()
		res, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}})
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("closures=%v: took %v", closures, d)
		}
		auth := 0
		for _, f := range res.Findings {
			if f.RuleID == "missing-auth" {
				auth++
			}
		}
		limited := false
		for _, e := range res.Errors {
			if strings.Contains(e.Message, "work limit") {
				limited = true
			}
		}
		if auth == 0 && !limited {
			t.Errorf("closures=%v: no missing-auth finding and no work-limit diagnostic: the result was lost silently", closures)
		}
	}
}
