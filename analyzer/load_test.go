package analyzer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/source"
)

// readFile trusts the size discovery saw only when the file still has it.
func TestReadFileSizeChanged(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.ts")
	text := strings.Repeat("export const a = 1;\n", 500)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{int64(len(text)), 0, 10, int64(len(text)) + 100} {
		got, err := readFile(p, size)
		if err != nil || got != text {
			t.Fatalf("size %d: got %d bytes, err %v", size, len(got), err)
		}
	}
	empty := filepath.Join(dir, "e.ts")
	os.WriteFile(empty, nil, 0o644)
	if got, err := readFile(empty, 0); err != nil || got != "" {
		t.Fatalf("empty file: %q, %v", got, err)
	}
	if _, err := readFile(filepath.Join(dir, "missing.ts"), 3); err == nil {
		t.Fatal("no error for a missing file")
	}
}

// parseAll parses the candidates' import closure (named imports and
// re-exports), and nothing outside it.
func TestParseAllClosure(t *testing.T) {
	texts := map[string]string{
		"app/actions.ts": "\"use server\";\nimport { h } from \"./lib/h\";\nexport async function act() { return h(); }\n",
		"lib/h.ts":       "import { g } from \"./g\";\nexport { k } from \"./k\";\nexport function h() { return g(); }\n",
		"lib/g.ts":       "export function g() { return 1; }\n",
		"lib/k.ts":       "export const k = 2;\n",
		"lib/barrel.ts":  "export * from \"./g\";\n",
		"lib/unused.ts":  "export const u = 3;\n",
	}
	files := map[string]*source.File{}
	for rel, text := range texts {
		files[rel] = source.New("/p/"+rel, rel, text)
	}
	resolve := func(from, spec string) index.Target {
		dir := filepath.Dir(from)
		if from == "app/actions.ts" {
			dir = "app"
		}
		rel := filepath.ToSlash(filepath.Join(dir, spec)) + ".ts"
		if strings.HasPrefix(spec, "./lib/") {
			rel = strings.TrimPrefix(spec, "./") + ".ts"
		}
		return index.Target{File: rel}
	}
	prog := index.NewProgram("/p", files, resolve)
	cands := candidateFiles(files, entry.Layout{AppDirs: []string{"app"}})
	if len(cands) != 1 || cands[0] != "app/actions.ts" {
		t.Fatalf("candidates %v", cands)
	}
	mods := parseAll(prog, cands, 2)
	if len(mods) != 1 || mods[0].Rel != "app/actions.ts" {
		t.Fatalf("modules %v", mods)
	}
	if got := prog.Parsed(); got != 4 {
		t.Fatalf("%d files parsed, want 4 (actions, h, g, k)", got)
	}
}
