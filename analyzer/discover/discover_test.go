package discover

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeTree creates files under root; a value of "<dir>" makes a directory.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if content == "<dir>" {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rels(p *Project) []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, f.Rel)
	}
	return out
}

func diagMap(p *Project) map[string]string {
	m := map[string]string{}
	for _, d := range p.Diagnostics {
		m[d.File] = d.Message
	}
	return m
}

func mustDiscover(t *testing.T, root string, opts Options) *Project {
	t.Helper()
	p, err := Discover(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiscoverFilesAndSkips(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"package.json":                   `{"dependencies":{"next":"15"}}`,
		"a.ts":                           "x",
		"b.tsx":                          "x",
		"c.js":                           "x",
		"d.jsx":                          "x",
		"e.mjs":                          "x",
		"f.cjs":                          "x",
		"g.mts":                          "x",
		"h.cts":                          "x",
		"types.d.ts":                     "x",
		"types.d.mts":                    "x",
		"style.css":                      "x",
		"README.md":                      "x",
		"a-c/x.ts":                       "x",
		"a/x.ts":                         "x",
		"node_modules/next/index.js":     "x",
		"src/node_modules/x/index.js":    "x",
		".next/server/app.js":            "x",
		".git/hooks/x.js":                "x",
		".turbo/x.js":                    "x",
		".vercel/x.js":                   "x",
		".cache/x.js":                    "x",
		"out/x.js":                       "x",
		"dist/x.js":                      "x",
		"build/x.js":                     "x",
		"coverage/x.js":                  "x",
		"app/build/page.tsx":             "x", // a route segment named build is source
		"app/dist/actions.ts":            "x",
		"src/lib/out/helper.ts":          "x",
		"app/route.ts/page.tsx":          "x", // a directory named like a source file
		"packages/ui/package.json":       `{}`,
		"packages/ui/dist/index.js":      "x",
		"packages/ui/src/index.ts":       "x",
		"packages/ui/src/build/index.ts": "x",
	})
	p := mustDiscover(t, root, Options{})
	want := []string{
		"a-c/x.ts", "a.ts", "a/x.ts", "app/build/page.tsx", "app/dist/actions.ts",
		"app/route.ts/page.tsx", "b.tsx", "c.js", "d.jsx", "e.mjs", "f.cjs", "g.mts", "h.cts",
		"packages/ui/src/build/index.ts", "packages/ui/src/index.ts", "src/lib/out/helper.ts",
	}
	if got := rels(p); !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}
	if len(p.Diagnostics) != 0 {
		t.Errorf("unexpected diagnostics: %+v", p.Diagnostics)
	}
	for _, f := range p.Files {
		if f.Size != 1 || f.Abs != filepath.Join(root, filepath.FromSlash(f.Rel)) {
			t.Errorf("bad file %+v", f)
		}
	}
	if p.Root != root {
		t.Errorf("root %q", p.Root)
	}
}

func TestGitignore(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore": strings.Join([]string{
			"# comment",
			"generated/",
			"*.gen.ts",
			"!keep.gen.ts",
			"/top.ts",
			"docs/api",
			"tmp?.ts",
			"[!a]x.ts",
			"lib/**/secret.ts",
			"logs/**",
			"!logs/keep.ts",
			"name.ts/", // dir-only: the file name.ts is kept
			"",
		}, "\r\n"),
		"generated/a.ts":            "x",
		"src/generated/b.ts":        "x",
		"a.gen.ts":                  "x",
		"src/keep.gen.ts":           "x",
		"top.ts":                    "x",
		"src/top.ts":                "x",
		"docs/api/x.ts":             "x",
		"src/docs/api/x.ts":         "x",
		"tmp1.ts":                   "x",
		"tmp12.ts":                  "x",
		"bx.ts":                     "x",
		"ax.ts":                     "x",
		"lib/secret.ts":             "x",
		"lib/a/b/secret.ts":         "x",
		"src/lib/secret.ts":         "x",
		"logs/a.ts":                 "x",
		"logs/keep.ts":              "x",
		"name.ts":                   "x",
		"pkg/.gitignore":            "local.ts\nsub/file.ts\n!/reinclude.gen.ts\n",
		"pkg/local.ts":              "x",
		"pkg/deep/local.ts":         "x",
		"pkg/sub/file.ts":           "x",
		"pkg/other/sub/file.ts":     "x",
		"pkg/reinclude.gen.ts":      "x",
		"pkg/deep/reinclude.gen.ts": "x",
		"other/local.ts":            "x",
		"other/sub/file.ts":         "x",
	})
	p := mustDiscover(t, root, Options{})
	want := []string{
		"ax.ts", "lib/a/b/secret.ts", "logs/keep.ts", "name.ts", "other/local.ts", "other/sub/file.ts",
		"pkg/other/sub/file.ts", "pkg/reinclude.gen.ts", "src/docs/api/x.ts", "src/keep.gen.ts",
		"src/lib/secret.ts", "src/top.ts", "tmp12.ts",
	}
	// lib/**/secret.ts: "**" matches zero or more directories, so lib/a/b/secret.ts
	// is ignored too.
	want = remove(want, "lib/a/b/secret.ts")
	if got := rels(p); !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}
}

func remove(s []string, x string) []string {
	var out []string
	for _, v := range s {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

func TestIgnoreRuleParsing(t *testing.T) {
	tests := []struct {
		line  string
		rel   string
		dir   bool
		match bool
		neg   bool
	}{
		{"foo", "a/foo", false, true, false},
		{"foo", "foo", true, true, false},
		{"foo/", "foo", false, false, false},
		{"foo/", "a/foo", true, true, false},
		{"/foo", "a/foo", false, false, false},
		{"a/foo", "a/foo", false, true, false},
		{"a/foo", "x/a/foo", false, false, false},
		{"**/foo", "x/y/foo", false, true, false},
		{"*.js", "x/y.js", false, true, false},
		{"x/*.js", "x/y/z.js", false, false, false},
		{"!keep.js", "keep.js", false, true, true},
		{`\!bang.js`, "!bang.js", false, true, false},
		{`\#hash.js`, "#hash.js", false, true, false},
		{"a{b,c}.js", "a{b,c}.js", false, true, false},
		{"a{b,c}.js", "ab.js", false, false, false},
		{"foo[", "foo[", false, true, false},
		{"trail.js   ", "trail.js", false, true, false},
		{"c++.js", "c++.js", false, true, false},
	}
	for _, tc := range tests {
		r, ok := parseIgnoreLine(tc.line)
		if !ok {
			t.Errorf("%q: not parsed", tc.line)
			continue
		}
		f := &ignoreFile{rules: []ignoreRule{r}}
		base := tc.rel[strings.LastIndexByte(tc.rel, '/')+1:]
		ign, matched := f.match(tc.rel, base, tc.dir)
		if matched != tc.match || (matched && ign == tc.neg) {
			t.Errorf("%q vs %q (dir=%v): ignored=%v matched=%v", tc.line, tc.rel, tc.dir, ign, matched)
		}
	}
	for _, l := range []string{"", "# c", "/", "!", "   "} {
		if _, ok := parseIgnoreLine(l); ok {
			t.Errorf("%q should be no rule", l)
		}
	}
}

func TestAncestorGitignore(t *testing.T) {
	repo := t.TempDir()
	writeTree(t, repo, map[string]string{
		".git/HEAD":                    "ref",
		".git/info/exclude":            "excluded-by-info.ts\n",
		".gitignore":                   "apps/web/gen/\n",
		"apps/.gitignore":              "web/tmp.ts\n",
		"apps/web/package.json":        "{}",
		"apps/web/gen/x.ts":            "x",
		"apps/web/tmp.ts":              "x",
		"apps/web/ok.ts":               "x",
		"apps/web/excluded-by-info.ts": "x",
	})
	p := mustDiscover(t, filepath.Join(repo, "apps", "web"), Options{})
	if got, want := rels(p), []string{"ok.ts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}

	// Outside a git repository, an ancestor's .gitignore is unrelated.
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{".gitignore": "*.ts\n", "proj/a.ts": "x"})
	p = mustDiscover(t, filepath.Join(dir, "proj"), Options{})
	if got := rels(p); len(got) != 1 {
		t.Errorf("got %q", got)
	}
}

func TestIncludeExcludeAndSize(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"apps/web/a.ts":                "x",
		"apps/web/generated/g.ts":      "x",
		"apps/docs/b.ts":               "x",
		"apps/web/src/x.test.ts":       "x",
		"apps/web/big.ts":              strings.Repeat("x", 3<<20),
		"apps/web/generated/deep/g.ts": "x",
	})
	p := mustDiscover(t, root, Options{
		Include: []string{"./apps/web/"},
		Exclude: []string{"**/generated/**", "**/*.test.ts"},
	})
	if got, want := rels(p), []string{"apps/web/a.ts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	if msg := diagMap(p)["apps/web/big.ts"]; msg != "skipped: 3.0 MB exceeds the size limit (maxFileSize)" {
		t.Errorf("big file diagnostic %q", msg)
	}

	p = mustDiscover(t, root, Options{MaxFileSize: 4 << 20, Include: []string{"apps/web/*.ts"}})
	if got, want := rels(p), []string{"apps/web/a.ts", "apps/web/big.ts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}

	if _, err := Discover(root, Options{Exclude: []string{"[unclosed"}}); err == nil {
		t.Error("invalid glob accepted")
	}
	if _, err := Discover(filepath.Join(root, "missing"), Options{}); err == nil {
		t.Error("missing root accepted")
	}
}

func TestSymlinksAndSpecialFiles(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeTree(t, root, map[string]string{
		"src/real.ts":     "x",
		"src/dir.ts/a.ts": "x",
	})
	writeTree(t, outside, map[string]string{"secret.ts": "x", "d/x.ts": "x"})
	links := map[string]string{
		"src/loop":        "..",                                // dir loop
		"src/self":        "self",                              // self loop
		"src/selfloop.ts": "selfloop.ts",                       // looping file link
		"src/alias.ts":    "real.ts",                           // inside root: read
		"src/out.ts":      filepath.Join(outside, "secret.ts"), // outside: diagnostic
		"src/outdir":      filepath.Join(outside, "d"),         // dir: not followed, silent
		"src/broken.ts":   "nope.ts",                           // broken: diagnostic
		"src/broken.png":  "nope.png",                          // not source: silent
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "src", "pipe.ts"), 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}

	done := make(chan *Project)
	go func() {
		p, err := Discover(root, Options{})
		if err != nil {
			t.Error(err)
		}
		done <- p
	}()
	var p *Project
	select {
	case p = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Discover hung")
	}
	if got, want := rels(p), []string{"src/alias.ts", "src/dir.ts/a.ts", "src/real.ts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	d := diagMap(p)
	for file, want := range map[string]string{
		"src/out.ts":      "outside the project root",
		"src/broken.ts":   "broken or looping symlink",
		"src/selfloop.ts": "broken or looping symlink",
		"src/pipe.ts":     "not a regular file (named pipe)",
	} {
		if !strings.Contains(d[file], want) {
			t.Errorf("%s: diagnostic %q, want %q", file, d[file], want)
		}
	}
	if len(d) != 4 {
		t.Errorf("diagnostics: %+v", p.Diagnostics)
	}
	for _, m := range d {
		if strings.Contains(m, root) {
			t.Errorf("diagnostic leaks absolute path: %q", m)
		}
	}
}

func TestUnreadableDirectory(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/x.ts": "x", "b/y.ts": "x", "c.ts": "x"})
	orig := readDir
	t.Cleanup(func() { readDir = orig })
	readDir = func(name string) ([]os.DirEntry, error) {
		if filepath.Base(name) == "a" {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return orig(name)
	}
	p := mustDiscover(t, root, Options{})
	if got, want := rels(p), []string{"b/y.ts", "c.ts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	if got := diagMap(p)["a"]; got != "skipped: cannot read directory: open: permission denied" {
		t.Errorf("diagnostic %q", got)
	}
}

func TestApps(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"package.json":                  `{"name":"mono","workspaces":["apps/*","packages/*","!packages/ignored"]}`,
		"tsconfig.json":                 "{}",
		"apps/web/package.json":         `{"name":"web","dependencies":{"next":"16"}}`,
		"apps/web/next.config.ts":       "export default {}",
		"apps/web/tsconfig.json":        "{}",
		"apps/web/src/app/page.tsx":     "x",
		"apps/web/src/middleware.ts":    "x",
		"apps/docs/package.json":        `{"devDependencies":{"next":"15"}}`,
		"apps/docs/pages/index.tsx":     "x",
		"apps/docs/app/page.tsx":        "x",
		"apps/docs/src/app/page.tsx":    "x", // ignored by Next when app/ exists
		"apps/docs/proxy.ts":            "x",
		"apps/docs/jsconfig.json":       "{}",
		"apps/docs/tsconfig.json":       "{}",
		"apps/api/package.json":         `{"dependencies":{"express":"4"}}`,
		"apps/api/app/x.ts":             "x",
		"apps/bare/next.config.mjs":     "export default {}",
		"packages/ui/package.json":      `{"name":"@acme/ui"}`,
		"packages/ui/tsconfig.json":     "{}",
		"packages/ignored/package.json": `{}`,
		"tools/package.json":            `{"dependencies":{"next":"1"}}`,
		"tools/nested/tsconfig.json":    "{}",
	})
	writeTree(t, root, map[string]string{"apps/web/src/pages": "<dir>"})
	p := mustDiscover(t, root, Options{})
	want := []App{
		{Dir: "apps/bare", NextConfig: "apps/bare/next.config.mjs", TSConfig: "tsconfig.json"},
		{Dir: "apps/docs", AppDir: "apps/docs/app", PagesDir: "apps/docs/pages", Middleware: "apps/docs/proxy.ts", TSConfig: "apps/docs/tsconfig.json"},
		{Dir: "apps/web", NextConfig: "apps/web/next.config.ts", AppDir: "apps/web/src/app", PagesDir: "apps/web/src/pages", Middleware: "apps/web/src/middleware.ts", TSConfig: "apps/web/tsconfig.json"},
	}
	if !reflect.DeepEqual(p.Apps, want) {
		t.Errorf("apps:\n got %+v\nwant %+v", p.Apps, want)
	}
	if want := []string{".", "apps/api", "apps/docs", "apps/web", "packages/ui"}; !reflect.DeepEqual(p.PackageDirs, want) {
		t.Errorf("package dirs %q want %q", p.PackageDirs, want)
	}
	if want := []string{"apps/docs/jsconfig.json", "apps/docs/tsconfig.json", "apps/web/tsconfig.json", "packages/ui/tsconfig.json", "tools/nested/tsconfig.json", "tsconfig.json"}; !reflect.DeepEqual(p.TSConfigs, want) {
		t.Errorf("tsconfigs %q", p.TSConfigs)
	}
}

func TestAppsPnpmAndRootApp(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"package.json":                     `{"name":"mono","workspaces":{"packages":["web"]}}`,
		"pnpm-workspace.yaml":              "packages:\n  - 'packages/**'\n  - '!**/fixtures/**'\n",
		"packages/a/b/package.json":        `{"name":"ab"}`,
		"packages/fixtures/x/package.json": `{}`,
		"web/package.json":                 `{"name":"web"}`,
		"other/package.json":               `{"name":"other"}`,
	})
	p := mustDiscover(t, root, Options{})
	if want := []string{".", "packages/a/b", "web"}; !reflect.DeepEqual(p.PackageDirs, want) {
		t.Errorf("package dirs %q want %q", p.PackageDirs, want)
	}
	if len(p.Apps) != 0 {
		t.Errorf("apps %+v", p.Apps)
	}

	root = t.TempDir()
	writeTree(t, root, map[string]string{
		"package.json":   `{"dependencies":{"next":"15"}}`,
		"jsconfig.json":  "{}",
		"pages/api/x.js": "x",
		"middleware.js":  "x",
	})
	p = mustDiscover(t, root, Options{})
	want := []App{{Dir: ".", PagesDir: "pages", Middleware: "middleware.js", TSConfig: "jsconfig.json"}}
	if !reflect.DeepEqual(p.Apps, want) {
		t.Errorf("apps %+v", p.Apps)
	}

	root = t.TempDir()
	writeTree(t, root, map[string]string{"package.json": `{bad`, "a.ts": "x"})
	p = mustDiscover(t, root, Options{})
	if !strings.Contains(diagMap(p)["package.json"], "cannot parse package.json") {
		t.Errorf("diagnostics %+v", p.Diagnostics)
	}
}

func TestFindRoot(t *testing.T) {
	base := t.TempDir()
	writeTree(t, base, map[string]string{
		// A monorepo inside a git repository.
		"mono/.git/HEAD":                            "x",
		"mono/package.json":                         `{"workspaces":["apps/*"]}`,
		"mono/apps/web/package.json":                `{}`,
		"mono/apps/web/src/app/actions.ts":          "x",
		"mono/apps/web/node_modules/x/package.json": `{}`,
		"mono/scripts/package.json":                 `{}`, // not a workspace
		"mono/scripts/run.ts":                       "x",
		// A repo with a fixture app that has its own package.json.
		"repo/.git/HEAD":                     "x",
		"repo/package.json":                  `{"name":"tool"}`,
		"repo/testdata/example/package.json": `{}`,
		"repo/testdata/example/app/page.tsx": "x",
		"repo/testdata/nomarker/x.ts":        "x",
		// A package.json above a .git must not be reached.
		"outer/package.json":             `{"workspaces":["**"]}`,
		"outer/inner/.git/HEAD":          "x",
		"outer/inner/src/x.ts":           "x",
		"outer/inner/sub/next.config.js": "x",
		// pnpm monorepo, no .git.
		"pn/pnpm-workspace.yaml":      "packages:\n  - packages/*\n",
		"pn/packages/db/package.json": `{}`,
		"pn/packages/db/src/index.ts": "x",
		// nextguard.json marks a root.
		"cfg/nextguard.json": "{}",
		"cfg/src/a.ts":       "x",
	})
	j := func(p string) string { return filepath.Join(base, filepath.FromSlash(p)) }
	tests := []struct{ in, want string }{
		{"mono/apps/web/src/app/actions.ts", "mono"},
		{"mono/apps/web/src/app", "mono"},
		{"mono/apps/web", "mono"},
		{"mono/apps/web/node_modules/x", "mono/apps/web/node_modules/x"},
		{"mono/scripts/run.ts", "mono/scripts"},
		{"mono", "mono"},
		{"repo/testdata/example/app/page.tsx", "repo/testdata/example"},
		{"repo/testdata/nomarker/x.ts", "repo"},
		{"outer/inner/src/x.ts", "outer/inner/src"},
		{"outer/inner/sub", "outer/inner/sub"},
		{"pn/packages/db/src/index.ts", "pn"},
		{"cfg/src/a.ts", "cfg"},
	}
	for _, tc := range tests {
		got, err := FindRoot(j(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got != j(tc.want) {
			t.Errorf("FindRoot(%s) = %s, want %s", tc.in, got, j(tc.want))
		}
	}
	// Relative paths come back absolute and cleaned.
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(j("cfg/src")); err != nil {
		t.Fatal(err)
	}
	if got, _ := FindRoot("./a.ts"); got != j("cfg") {
		t.Errorf("relative: %s", got)
	}
	if _, err := FindRoot(j("does/not/exist")); err == nil {
		t.Error("missing path accepted")
	}
}

func TestDeterministic(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"package.json": `{"workspaces":["p/*"]}`}
	for i := 0; i < 50; i++ {
		files[fmt.Sprintf("p/pkg%d/package.json", i)] = `{}`
		files[fmt.Sprintf("p/pkg%d/src/big.ts", i)] = strings.Repeat("x", 100)
	}
	writeTree(t, root, files)
	a := mustDiscover(t, root, Options{MaxFileSize: 10})
	b := mustDiscover(t, root, Options{MaxFileSize: 10})
	if !reflect.DeepEqual(a, b) || len(a.Diagnostics) != 50 {
		t.Errorf("non-deterministic or wrong: %d diagnostics", len(a.Diagnostics))
	}
}

// BenchmarkDiscover walks a generated 10k-file monorepo.
func BenchmarkDiscover(b *testing.B) {
	root := b.TempDir()
	files := map[string]string{
		"package.json": `{"workspaces":["apps/*","packages/*"]}`,
		".gitignore":   "*.log\ngenerated/\n!keep.log\n/tmp\n",
	}
	for a := 0; a < 20; a++ {
		pkg := fmt.Sprintf("packages/p%d", a)
		files[pkg+"/package.json"] = `{"name":"p"}`
		files[pkg+"/.gitignore"] = "local/\n*.gen.ts\n"
		for d := 0; d < 50; d++ {
			for f := 0; f < 10; f++ {
				files[fmt.Sprintf("%s/src/d%d/f%d.ts", pkg, d, f)] = "x"
			}
			files[fmt.Sprintf("%s/src/d%d/style.css", pkg, d)] = "x"
		}
	}
	writeTree(b, root, files)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := Discover(root, Options{Exclude: []string{"**/generated/**"}})
		if err != nil || len(p.Files) != 10000 {
			b.Fatal(err, len(p.Files))
		}
	}
}

// A FIFO named like a config file must never be opened: that blocks forever.
func TestFIFOConfigFiles(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"apps/web/package.json": `{}`, "apps/web/a.ts": "x"})
	for _, n := range []string{"package.json", "pnpm-workspace.yaml", ".gitignore", "apps/web/next.config.js"} {
		if err := syscall.Mkfifo(filepath.Join(root, n), 0o644); err != nil {
			t.Skip("mkfifo:", err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if r, err := FindRoot(filepath.Join(root, "apps", "web", "a.ts")); err != nil || r != filepath.Join(root, "apps", "web") {
			t.Errorf("FindRoot = %q, %v", r, err)
		}
		p, err := Discover(root, Options{})
		if err != nil {
			t.Error(err)
			return
		}
		if got := rels(p); !reflect.DeepEqual(got, []string{"apps/web/a.ts"}) {
			t.Errorf("files %q", got)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("blocked on a FIFO")
	}
}

func TestSchemaFiles(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":                            "generated.prisma\nignored-dir/\n",
		"package.json":                          `{"prisma":{"schema":"db/schema.prisma"}}`,
		"db/schema.prisma":                      "x",
		"prisma/generated.prisma":               "x", // gitignored, still a schema
		"ignored-dir/x.prisma":                  "x", // inside an ignored directory: not walked
		"apps/web/package.json":                 `{}`,
		"apps/web/page.tsx":                     "x",
		"packages/db/prisma.config.ts":          "x",
		"packages/db/prisma.config.mjs":         "x",
		"packages/db/schema/main.prisma":        "x",
		"packages/db/schema/nested/more.prisma": "x",
		"packages/db/schema/notes.md":           "x",
		"node_modules/.prisma/client/x.prisma":  "x",
		"node_modules/pkg/package.json":         `{}`,
	})
	writeTree(t, outside, map[string]string{"shared.prisma": "x", "dir/a.prisma": "x"})
	for name, target := range map[string]string{
		"packages/db/schema/link.prisma":  filepath.Join(outside, "shared.prisma"), // outside: not listed
		"packages/db/schema/linkdir":      filepath.Join(outside, "dir"),           // dir link: not followed
		"packages/db/schema/alias.prisma": "main.prisma",                           // inside: listed
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	// Include narrows the analysed sources, not the schema inputs.
	p := mustDiscover(t, root, Options{Include: []string{"apps/web"}})
	want := []string{
		"apps/web/package.json", "db/schema.prisma", "package.json",
		"packages/db/prisma.config.mjs", "packages/db/prisma.config.ts",
		"packages/db/schema/alias.prisma", "packages/db/schema/main.prisma",
		"packages/db/schema/nested/more.prisma", "prisma/generated.prisma",
	}
	if !reflect.DeepEqual(p.SchemaFiles, want) {
		t.Errorf("schema files:\n got %q\nwant %q", p.SchemaFiles, want)
	}
	if got := rels(p); !reflect.DeepEqual(got, []string{"apps/web/page.tsx"}) {
		t.Errorf("files %q", got)
	}
}
