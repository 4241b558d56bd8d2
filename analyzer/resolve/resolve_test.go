package resolve

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"
)

// project is an in-memory project: source files (content irrelevant) and
// config files the resolver reads.
type project struct {
	files   []string
	configs map[string]string
}

func (p project) resolver(t testing.TB) *Resolver {
	t.Helper()
	var tsconfigs, pkgDirs []string
	for name := range p.configs {
		base := name[strings.LastIndexByte(name, '/')+1:]
		dir := "."
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			dir = name[:i]
		}
		switch base {
		case "tsconfig.json", "jsconfig.json":
			tsconfigs = append(tsconfigs, name)
		case "package.json":
			pkgDirs = append(pkgDirs, dir)
		}
	}
	sort.Strings(tsconfigs)
	sort.Strings(pkgDirs)
	read := func(rel string) ([]byte, error) {
		if s, ok := p.configs[rel]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
	return New("/proj", p.files, tsconfigs, pkgDirs, read)
}

var monorepo = project{
	files: []string{
		"src/app/actions.ts",
		"src/app/page.tsx",
		"src/lib/db.ts",
		"src/lib/session.ts",
		"src/lib/both.js",
		"src/lib/both.ts",
		"src/lib/comp.tsx",
		"src/lib/esm.mts",
		"src/lib/auth/index.ts",
		"src/lib/auth/guard.ts",
		"src/lib/jsonly.js",
		"src/components/Button.tsx",
		"src/server/index.js",
		"apps/web/src/app/actions.ts",
		"apps/web/src/lib/auth.ts",
		"apps/docs/app/page.tsx",
		"apps/legacy/src/components/Nav.tsx",
		"apps/legacy/pages/index.tsx",
		"apps/js/lib/a.js",
		"apps/js/pages/x.js",
		"packages/db/src/index.ts",
		"packages/db/src/schema.ts",
		"packages/db/src/client/edge.ts",
		"packages/db/src/internal/secret.ts",
		"packages/ui/src/index.tsx",
		"packages/ui/src/button.tsx",
		"packages/auth/index.ts",
		"packages/str/src/main.ts",
		"packages/imp/src/x.ts",
		"packages/imp/src/lib/a.ts",
		"packages/esm/src/index.ts",
		"cyc/a.ts",
		"bad/a.ts",
		"bad/b.ts",
	},
	configs: map[string]string{
		"package.json": `{"name":"root","workspaces":["apps/*","packages/*"]}`,
		"tsconfig.json": `{
			// Root app: Next's default aliases.
			"compilerOptions": {
				"baseUrl": ".",
				/* "paths": {"broken": ["x"]}, */
				"paths": {
					"@/*": ["./src/*"],
					"~/*": ["./src/*",],
					"@/lib/special": ["./src/lib/db.ts"],
					"@/components/*": ["./src/missing/*", "./src/components/*"],
					"@/guards/*": ["./src/lib/auth/*"],
				},
			},
		}`,
		"apps/web/tsconfig.json":         `{"extends": ["@repo/tsconfig/nextjs.json", "./tsconfig.alias.json"]}`,
		"apps/web/tsconfig.alias.json":   `{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}`,
		"apps/docs/tsconfig.json":        `{"extends": "@repo/tsconfig/nextjs"}`,
		"apps/legacy/tsconfig.json":      `{"extends": "./tsconfig.base"}`,
		"apps/legacy/tsconfig.base.json": `{"compilerOptions": {"baseUrl": "./src"}}`,
		"apps/js/jsconfig.json":          `{"compilerOptions": {"paths": {"@/*": ["./*"]}}}`,
		"packages/tsconfig/package.json": `{"name": "@repo/tsconfig"}`,
		"packages/tsconfig/nextjs.json":  `{"extends": "./base.json", "compilerOptions": {"paths": {"@ui/*": ["../ui/src/*"]}}}`,
		"packages/tsconfig/base.json":    `{"compilerOptions": {"strict": true}}`,
		"packages/db/package.json": `{"name": "@acme/db", "exports": {
			".": {"types": "./dist/index.d.ts", "import": "./dist/index.mjs", "require": "./dist/index.js"},
			"./schema": "./src/schema.ts",
			"./client/*": {"import": "./dist/client/*.js"},
			"./internal/*": null,
			"./package.json": "./package.json"
		}}`,
		"packages/ui/package.json":   `{"name": "@acme/ui", "main": "./dist/index.js"}`,
		"packages/auth/package.json": `{"name": "@acme/auth"}`,
		"packages/str/package.json":  `{"name": "str-pkg", "exports": "./src/main.ts"}`,
		"packages/imp/package.json":  `{"name": "imp", "imports": {"#lib/*": "./src/lib/*.ts", "#dep": "some-npm-pkg"}}`,
		"packages/esm/package.json":  `{"name": "esm-pkg", "exports": {".": {"import": {"types": "./dist/esm/index.d.ts", "default": "./dist/esm/index.js"}}}}`,
		"cyc/tsconfig.json":          `{"extends": "./a.json"}`,
		"cyc/a.json":                 `{"extends": "./tsconfig.json", "compilerOptions": {"paths": {"x": ["./a.ts"]}}}`,
		"bad/tsconfig.json":          `{{{ not json "`,
	},
}

func TestResolve(t *testing.T) {
	r := monorepo.resolver(t)
	file := func(f string) Target { return Target{File: f} }
	tests := []struct {
		name, from, spec string
		want             Target
	}{
		// Relative specifiers and extension probing.
		{"relative ts", "src/app/actions.ts", "../lib/db", file("src/lib/db.ts")},
		{"relative tsx", "src/app/page.tsx", "../components/Button", file("src/components/Button.tsx")},
		{"explicit ext", "src/app/page.tsx", "../lib/db.ts", file("src/lib/db.ts")},
		{"js to ts", "src/lib/db.ts", "./session.js", file("src/lib/session.ts")},
		{"jsx to tsx", "src/lib/db.ts", "./comp.jsx", file("src/lib/comp.tsx")},
		{"mjs to mts", "src/lib/db.ts", "./esm.mjs", file("src/lib/esm.mts")},
		{"exact js first", "src/lib/db.ts", "./both.js", file("src/lib/both.js")},
		{"extension order", "src/lib/db.ts", "./both", file("src/lib/both.ts")},
		{"real js file", "src/lib/db.ts", "./jsonly.js", file("src/lib/jsonly.js")},
		{"index file", "src/app/actions.ts", "../lib/auth", file("src/lib/auth/index.ts")},
		{"index js", "src/app/actions.ts", "../server", file("src/server/index.js")},
		{"dot", "src/lib/auth/guard.ts", ".", file("src/lib/auth/index.ts")},
		{"dot dot", "src/lib/auth/guard.ts", "..", Target{}},
		{"trailing slash", "src/app/actions.ts", "../lib/auth/", file("src/lib/auth/index.ts")},
		{"unresolved relative", "src/app/actions.ts", "./nope", Target{}},
		{"css", "src/app/page.tsx", "./globals.css", Target{}},
		{"query suffix", "src/app/actions.ts", "../lib/db?server", file("src/lib/db.ts")},
		{"outside root", "src/app/actions.ts", "../../../x", Target{}},

		// tsconfig paths and baseUrl.
		{"@ alias", "src/app/actions.ts", "@/lib/db", Target{File: "src/lib/db.ts", Subpath: "@/lib/db"}},
		{"~ alias", "src/app/actions.ts", "~/lib/session", Target{File: "src/lib/session.ts", Subpath: "~/lib/session"}},
		{"exact beats wildcard", "src/app/actions.ts", "@/lib/special", Target{File: "src/lib/db.ts", Subpath: "@/lib/special"}},
		{"longest prefix wins", "src/app/actions.ts", "@/guards/guard", Target{File: "src/lib/auth/guard.ts", Subpath: "@/guards/guard"}},
		// Like tsc: a matched pattern whose targets all miss does not fall
		// back to a shorter pattern.
		{"no fallback to shorter pattern", "src/app/actions.ts", "@/guards/Button", Target{Package: "@/guards", Subpath: "@/guards/Button"}},
		{"second target", "src/app/actions.ts", "@/components/Button", Target{File: "src/components/Button.tsx", Subpath: "@/components/Button"}},
		{"alias to index", "src/app/actions.ts", "@/lib/auth", Target{File: "src/lib/auth/index.ts", Subpath: "@/lib/auth"}},
		{"alias js to ts", "src/app/actions.ts", "@/lib/session.js", Target{File: "src/lib/session.ts", Subpath: "@/lib/session.js"}},
		{"baseUrl", "src/app/actions.ts", "src/lib/db", Target{File: "src/lib/db.ts", Subpath: "src/lib/db"}},
		{"alias miss is a package", "src/app/actions.ts", "@/nope", Target{Package: "@/nope", Subpath: "@/nope"}},

		// Nested configs, extends.
		{"array extends: last wins", "apps/web/src/app/actions.ts", "@/lib/auth", Target{File: "apps/web/src/lib/auth.ts", Subpath: "@/lib/auth"}},
		{"array extends: paths replaced", "apps/web/src/app/actions.ts", "@ui/button", Target{Package: "@ui/button", Subpath: "@ui/button"}},
		{"package extends, paths relative to declaring file", "apps/docs/app/page.tsx", "@ui/button", Target{File: "packages/ui/src/button.tsx", Subpath: "@ui/button"}},
		{"extends adds .json, inherited baseUrl", "apps/legacy/pages/index.tsx", "components/Nav", Target{File: "apps/legacy/src/components/Nav.tsx", Subpath: "components/Nav"}},
		{"jsconfig", "apps/js/pages/x.js", "@/lib/a", Target{File: "apps/js/lib/a.js", Subpath: "@/lib/a"}},
		{"cycle still resolves", "cyc/a.ts", "x", Target{File: "cyc/a.ts", Subpath: "x"}},
		{"bad tsconfig: relative works", "bad/a.ts", "./b", file("bad/b.ts")},
		{"bad tsconfig: bare is package", "bad/a.ts", "zod", Target{Package: "zod", Subpath: "zod"}},

		// Workspace packages.
		{"exports dist to src", "apps/web/src/app/actions.ts", "@acme/db", Target{File: "packages/db/src/index.ts", Subpath: "@acme/db"}},
		{"exports subpath", "apps/web/src/app/actions.ts", "@acme/db/schema", Target{File: "packages/db/src/schema.ts", Subpath: "@acme/db/schema"}},
		{"exports pattern", "apps/web/src/app/actions.ts", "@acme/db/client/edge", Target{File: "packages/db/src/client/edge.ts", Subpath: "@acme/db/client/edge"}},
		{"exports null blocks", "apps/web/src/app/actions.ts", "@acme/db/internal/secret", Target{Package: "@acme/db", Subpath: "@acme/db/internal/secret"}},
		{"exports string", "src/app/actions.ts", "str-pkg", Target{File: "packages/str/src/main.ts", Subpath: "str-pkg"}},
		{"nested conditions, dist/esm", "src/app/actions.ts", "esm-pkg", Target{File: "packages/esm/src/index.ts", Subpath: "esm-pkg"}},
		{"main dist to src", "apps/web/src/app/actions.ts", "@acme/ui", Target{File: "packages/ui/src/index.tsx", Subpath: "@acme/ui"}},
		{"no exports subpath via src", "apps/web/src/app/actions.ts", "@acme/ui/button", Target{File: "packages/ui/src/button.tsx", Subpath: "@acme/ui/button"}},
		{"root index.ts", "apps/web/src/app/actions.ts", "@acme/auth", Target{File: "packages/auth/index.ts", Subpath: "@acme/auth"}},
		{"imports field", "packages/imp/src/x.ts", "#lib/a", Target{File: "packages/imp/src/lib/a.ts", Subpath: "#lib/a"}},
		{"imports field outside package", "src/app/actions.ts", "#lib/a", Target{Subpath: "#lib/a"}},

		// npm packages and builtins.
		{"npm", "src/app/actions.ts", "next-auth", Target{Package: "next-auth", Subpath: "next-auth"}},
		{"npm subpath", "src/app/actions.ts", "next/navigation", Target{Package: "next", Subpath: "next/navigation"}},
		{"scoped subpath", "src/app/actions.ts", "@clerk/nextjs/server", Target{Package: "@clerk/nextjs", Subpath: "@clerk/nextjs/server"}},
		{"scoped", "src/app/actions.ts", "@prisma/client", Target{Package: "@prisma/client", Subpath: "@prisma/client"}},
		{"node: builtin", "src/app/actions.ts", "node:fs", Target{Package: "node:fs", Subpath: "node:fs"}},
		{"node: subpath", "src/app/actions.ts", "node:fs/promises", Target{Package: "node:fs", Subpath: "node:fs/promises"}},
		{"bare builtin", "src/app/actions.ts", "fs", Target{Package: "fs", Subpath: "fs"}},
		{"empty", "src/app/actions.ts", "", Target{}},
		{"url", "src/app/actions.ts", "https://esm.sh/x", Target{}},
		{"unknown importer", "nowhere/deep/x.ts", "@/lib/db", Target{File: "src/lib/db.ts", Subpath: "@/lib/db"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Resolve(tc.from, tc.spec); got != tc.want {
				t.Errorf("Resolve(%q, %q) = %+v, want %+v", tc.from, tc.spec, got, tc.want)
			}
		})
	}
}

func TestDiagnostics(t *testing.T) {
	p := project{
		files: []string{"a/x.ts"},
		configs: map[string]string{
			"cyc/tsconfig.json":     `{"extends": "./a.json"}`,
			"cyc/a.json":            `{"extends": "./b.json"}`,
			"cyc/b.json":            `{"extends": "./a.json"}`,
			"bad/tsconfig.json":     `{{{ not json "`,
			"missing/tsconfig.json": `{"extends": "./nope.json"}`,
			"npm/tsconfig.json":     `{"extends": ["@tsconfig/next/tsconfig.json", "@repo/missing"]}`,
			"types/tsconfig.json":   `{"extends": 42, "compilerOptions": {"paths": {"@/*": "src/*"}}}`,
			"self/tsconfig.json":    `{"extends": "./tsconfig.json"}`,
		},
	}
	r := p.resolver(t)
	var got []string
	for _, d := range r.Diagnostics() {
		got = append(got, d.File+": "+d.Message)
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		"bad/tsconfig.json: cannot parse tsconfig.json",
		"cyc/a.json: tsconfig extends cycle: cyc/tsconfig.json -> cyc/a.json -> cyc/b.json -> cyc/a.json",
		"missing/tsconfig.json: tsconfig extends \"./nope.json\": file not found",
		"types/tsconfig.json: tsconfig \"extends\" must be a string or an array of strings",
		"types/tsconfig.json: tsconfig \"paths\" must map patterns to arrays of strings",
		"self/tsconfig.json: tsconfig extends cycle: self/tsconfig.json -> self/tsconfig.json",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing diagnostic %q in:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "npm/") {
		t.Errorf("unresolvable package extends must be silent:\n%s", joined)
	}
	if len(got) != 6 {
		t.Errorf("got %d diagnostics:\n%s", len(got), joined)
	}
}

func TestConcurrentResolve(t *testing.T) {
	r := monorepo.resolver(t)
	specs := []string{"@/lib/db", "../lib/db", "@acme/db/schema", "next/navigation", "#lib/a", "@ui/button"}
	froms := []string{"src/app/actions.ts", "apps/docs/app/page.tsx", "packages/imp/src/x.ts", "new/dir/x.ts"}
	want := map[string]Target{}
	for _, f := range froms {
		for _, s := range specs {
			want[f+"|"+s] = r.Resolve(f, s)
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				f, s := froms[i%len(froms)], specs[(i/len(froms))%len(specs)]
				if got := r.Resolve(f, s); got != want[f+"|"+s] {
					t.Errorf("%s %s: %+v", f, s, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestJSONC(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": 1, // c` + "\n" + `}`, `{"a":1}`},
		{`{"a": "http://x//y", /* b */ "b": [1, 2,],}`, `{"a":"http://x//y","b":[1,2]}`},
		{`{"a": "q\"//x", "b": ",}"}`, `{"a":"q\"//x","b":",}"}`},
		{"\ufeff{\"a\": [ /* , */ ],\n}", `{"a":[]}`},
		{`{"a": 1 /* unterminated`, ``},
		{`{"a": "unterminated`, ``},
	}
	for _, tc := range tests {
		var v any
		err := json.Unmarshal(jsoncToJSON([]byte(tc.in)), &v)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: expected an error", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v (%q)", tc.in, err, jsoncToJSON([]byte(tc.in)))
			continue
		}
		b, _ := json.Marshal(v)
		if string(b) != tc.want {
			t.Errorf("%q: got %s want %s", tc.in, b, tc.want)
		}
	}
}

func FuzzJSONC(f *testing.F) {
	for _, s := range []string{`{"a":1,}`, `/*`, `"\`, `//`, `"\\"`, `{"a":"\"/*"}`, "\xef\xbb", `,]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = jsoncToJSON(b)
		r := New("/p", []string{"a.ts"}, []string{"tsconfig.json"}, []string{"."}, func(rel string) ([]byte, error) {
			return b, nil
		})
		_ = r.Resolve("a.ts", "@/x")
		_ = r.Resolve("a.ts", "x/y")
	})
}

func TestSplitPackage(t *testing.T) {
	for spec, want := range map[string]string{
		"a": "a .", "a/b/c": "a ./b/c", "@s/a": "@s/a .", "@s/a/b": "@s/a ./b", "@s": "@s .", "node:fs/promises": "node:fs ./promises",
	} {
		n, s := splitPackage(spec)
		if got := fmt.Sprintf("%s %s", n, s); got != want {
			t.Errorf("%s: %s want %s", spec, got, want)
		}
	}
}
