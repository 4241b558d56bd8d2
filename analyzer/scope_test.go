package analyzer_test

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/nextguard/nextguard/analyzer"
)

// scopeTree: two actions that use lib/posts.ts, one that does not, and a
// module whose function becomes an action through a re-export.
var scopeTree = map[string]string{
	"package.json":  `{"name":"x","dependencies":{"next":"15.5.21","@prisma/client":"6.0.0"}}`,
	"lib/db.ts":     `import { PrismaClient } from "@prisma/client"; export const prisma = new PrismaClient();`,
	"lib/posts.ts":  "import { prisma } from \"./db\";\nexport const removePost = (id: string) => prisma.post.delete({ where: { id } });\n",
	"lib/impl.ts":   "import { prisma } from \"./db\";\nexport async function purge(id: string) {\n  await prisma.post.delete({ where: { id } });\n}\n",
	"app/a.ts":      "\"use server\";\nimport { removePost } from \"../lib/posts\";\nexport async function a(id: string) { await removePost(id); }\n",
	"app/b.ts":      "\"use server\";\nimport { removePost } from \"@/lib/posts\";\nexport async function b(id: string) { await removePost(id); }\n",
	"app/c.ts":      "\"use server\";\nimport { prisma } from \"../lib/db\";\nexport async function c() { return prisma.post.count(); }\n",
	"app/d.ts":      "\"use server\";\nexport { purge } from \"../lib/impl\";\n",
	"tsconfig.json": `{"compilerOptions":{"paths":{"@/*":["./*"]}}}`,
}

func TestFocusAnalysesOnlyAffectedEntryPoints(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, scopeTree)
	for _, tc := range []struct {
		focus []string
		want  []string // analysed entry points
	}{
		{[]string{"lib/posts.ts"}, []string{"a", "b"}},
		{[]string{"app/c.ts"}, []string{"c"}},
		{[]string{"lib/impl.ts"}, []string{"purge"}},
		{[]string{"lib/db.ts"}, []string{"a", "b", "c", "purge"}},
		{[]string{"README.md"}, nil},
	} {
		var focus []string
		for _, f := range tc.focus {
			focus = append(focus, filepath.Join(dir, f))
		}
		res, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}, Focus: focus})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ep := range res.EntryPoints {
			got = append(got, ep.Name)
		}
		sort.Strings(got)
		if !equalStrings(got, tc.want) {
			t.Errorf("focus %v: analysed %v, want %v", tc.focus, got, tc.want)
		}
	}
}

// A path scope reports the findings in it, also those of entry points in
// files that were not given.
func TestPathScopeKeepsFindingsOfImportingEntryPoints(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, scopeTree)
	full, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"lib/impl.ts", "app/a.ts", "lib"} {
		scoped, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{filepath.Join(dir, rel)}})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range full.Findings {
			if f.File == rel || len(f.File) > len(rel) && f.File[:len(rel)+1] == rel+"/" {
				want = append(want, f.RuleID+" "+f.File)
			}
		}
		var got []string
		for _, f := range scoped.Findings {
			got = append(got, f.RuleID+" "+f.File)
		}
		if len(want) == 0 || !equalStrings(got, want) {
			t.Errorf("%s: findings %v, want %v (non-empty)", rel, got, want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
