package index

import (
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/source"
)

func program(files map[string]string) *Program {
	src := map[string]*source.File{}
	for rel, text := range files {
		src[rel] = source.New("/p/"+rel, rel, text)
	}
	return NewProgram("/p", src, func(from, spec string) Target {
		rel := strings.TrimPrefix(spec, "./") + ".ts"
		if _, ok := files[rel]; ok {
			return Target{File: rel}
		}
		return Target{Package: spec}
	})
}

// A barrel's `export *` targets are parsed only when they may hold the name.
func TestResolveThroughBarrelParsesOnlyCandidates(t *testing.T) {
	p := program(map[string]string{
		"index.ts":  "export * from \"./a\";\nexport * from \"./b\";\nexport * from \"./c\";\nexport * from \"./d\";\n",
		"a.ts":      "export const alpha = 1;\n",
		"b.ts":      "export function findUser() { return 1; }\n",
		"c.ts":      "export * from \"./deep\";\n",
		"deep.ts":   "export const other = 2;\n",
		"d.ts":      "export const findUserById = 3;\n",
		"broken.ts": "export const = ;\n",
	})
	barrel := p.Module("index.ts")
	b := p.ResolveExport(barrel, "findUser", 0)
	if !b.Found() || b.Mod.Rel != "b.ts" || b.Decl.Name != "findUser" {
		t.Fatalf("findUser resolved to %+v", b)
	}
	// index and b are parsed; a does not spell the name, so it is not.
	if got := p.Parsed(); got != 2 {
		t.Fatalf("%d files parsed, want 2 (index.ts, b.ts)", got)
	}
	// A name only a nested barrel can forward: c has `export *`, so it is parsed.
	if b := p.ResolveExport(barrel, "other", 0); !b.Found() || b.Mod.Rel != "deep.ts" {
		t.Fatalf("other resolved to %+v", b)
	}
	if b := p.ResolveExport(barrel, "missing", 0); b.Found() {
		t.Fatalf("missing resolved to %+v", b)
	}
	if len(p.Diagnostics()) != 0 {
		t.Fatalf("unexpected diagnostics: %v", p.Diagnostics())
	}
}

func TestHasExportStar(t *testing.T) {
	for text, want := range map[string]bool{
		"export * from './a'":          true,
		"export  *  as ns from './a'":  true,
		"export\n\t* from './a'":       true,
		"export /* c */ * from './a'":  true,
		"export const x = 1; // star*": false,
		"export { a as b }":            false,
		"const exported = a * b":       false,
		"":                             false,
	} {
		if got := hasExportStar(text); got != want {
			t.Errorf("hasExportStar(%q) = %v, want %v", text, got, want)
		}
	}
}
