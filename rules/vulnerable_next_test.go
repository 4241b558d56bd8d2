package rules

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/deps"
	"github.com/nextguard/nextguard/analyzer/source"
)

// vnProject is an in-memory project for the vulnerable-next tests.
type vnProject map[string]string

func (m vnProject) read(rel string) (*source.File, error) {
	s, ok := m[rel]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", rel, fs.ErrNotExist)
	}
	return source.New("/proj/"+rel, rel, s), nil
}

func runVulnerableNext(t *testing.T, files vnProject, dirs ...string) []Diagnostic {
	t.Helper()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	r := Get("vulnerable-next")
	if r == nil || r.CheckProject == nil {
		t.Fatal("vulnerable-next is not registered")
	}
	var got []Diagnostic
	p := NewProjectPass("/proj", dirs, files.read, nil, func(d Diagnostic) { got = append(got, d) })
	r.CheckProject(p)
	for _, d := range got {
		if d.File == nil || d.Start < 0 || d.End > int32(len(d.File.Text)) || d.Start >= d.End {
			t.Fatalf("bad diagnostic range %+v", d)
		}
	}
	return got
}

// packageLock builds a v3 package-lock.json with one installed copy of pkg.
func packageLock(pkg, version string) string {
	return fmt.Sprintf(`{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "dependencies": {%q: "*"}},
    "node_modules/%s": {
      "version": %q
    }
  }
}
`, pkg, pkg, version)
}

func projectWith(pkg, version string) vnProject {
	return vnProject{
		"package.json":      fmt.Sprintf(`{"name":"app","dependencies":{%q:"*"}}`, pkg),
		"package-lock.json": packageLock(pkg, version),
	}
}

func ids(ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		// "next 15.2.1 is affected by CVE-… (GHSA-…): …"
		_, rest, _ := strings.Cut(d.Message, " is affected by ")
		id, _, _ := strings.Cut(rest, ":")
		out = append(out, id)
	}
	return out
}

func has(ds []Diagnostic, label string) bool { return slices.Contains(ids(ds), label) }

// TestAdvisoryTable checks every range of every entry: its first affected version
// is reported, its first fixed version is not (for that advisory).
func TestAdvisoryTable(t *testing.T) {
	if len(advisories) == 0 {
		t.Fatal("no advisories loaded")
	}
	for _, a := range advisories {
		for _, pkg := range a.Packages {
			for _, r := range a.Ranges {
				t.Run(fmt.Sprintf("%s/%s/%s", a.ID, pkg, r.Introduced), func(t *testing.T) {
					got := runVulnerableNext(t, projectWith(pkg, r.Introduced))
					if !has(got, a.label()) {
						t.Errorf("%s %s not reported for %s; got %q", pkg, r.Introduced, a.label(), ids(got))
					}
					if r.Fixed == "" {
						return
					}
					got = runVulnerableNext(t, projectWith(pkg, r.Fixed))
					if has(got, a.label()) {
						t.Errorf("fixed %s %s reported for %s", pkg, r.Fixed, a.label())
					}
				})
			}
		}
	}
}

func TestAdvisoryDataValid(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range advisories {
		if seen[a.label()+a.Packages[0]] {
			t.Errorf("duplicate advisory %s", a.label())
		}
		seen[a.label()+a.Packages[0]] = true
		if !strings.HasPrefix(a.CWE, "CWE-") || a.Severity <= 0 || a.Severity > 10 || a.Source == "" {
			t.Errorf("%s: cwe %q severity %v source %q", a.ID, a.CWE, a.Severity, a.Source)
		}
		// "fixed" must list exactly the ranges' fixed versions.
		var fixed []string
		for _, r := range a.Ranges {
			if r.Fixed != "" {
				fixed = append(fixed, r.Fixed)
			}
		}
		if !slices.Equal(fixed, a.Fixed) {
			t.Errorf("%s: fixed %q does not match ranges %q", a.ID, a.Fixed, fixed)
		}
	}
	if _, err := loadAdvisories([]byte(`[{"id":"X","packages":["next"],"summary":"s","url":"u","ranges":[{"introduced":"^1"}]}]`)); err == nil {
		t.Error("bad range accepted")
	}
	if _, err := loadAdvisories([]byte(`[{"id":"X"}]`)); err == nil {
		t.Error("incomplete entry accepted")
	}
}

func TestVulnerableNextExplicit(t *testing.T) {
	tests := []struct {
		pkg, version string
		want         []string // labels that must be reported
		not          []string // labels that must not be
	}{
		{"next", "15.2.1", []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}, nil},
		{"next", "15.2.3", nil, []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}},
		{"next", "11.1.4", []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}, nil},
		{"next", "11.1.3", nil, []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}},
		{"next", "12.3.4", []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}, nil},
		{"next", "13.5.9", nil, []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}},
		{"next", "14.2.24", []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}, nil},
		{"next", "14.2.25", nil, []string{"CVE-2025-29927 (GHSA-f82v-jwr5-mffw)"}},
		{"next", "14.1.0", []string{"CVE-2024-34351 (GHSA-fr5h-rqp8-mj6g)"}, nil},
		{"next", "14.1.1", nil, []string{"CVE-2024-34351 (GHSA-fr5h-rqp8-mj6g)"}},
		{"next", "13.3.9", nil, []string{"CVE-2024-34351 (GHSA-fr5h-rqp8-mj6g)"}},
		{"next", "14.2.20", []string{"CVE-2024-56332"}, nil},
		{"next", "14.2.21", nil, []string{"CVE-2024-56332"}},
		{"next", "15.1.1", []string{"CVE-2024-56332"}, nil},
		{"next", "15.1.2", nil, []string{"CVE-2024-56332"}},
		{"react-server-dom-webpack", "19.2.0", []string{"CVE-2025-55182 (GHSA-fv66-9v8q-g76r)"}, nil},
		{"react-server-dom-turbopack", "19.1.1", []string{"CVE-2025-55182 (GHSA-fv66-9v8q-g76r)"}, nil},
		{"react-server-dom-parcel", "19.0.0", []string{"CVE-2025-55182 (GHSA-fv66-9v8q-g76r)"}, nil},
		{"react-server-dom-webpack", "19.2.1", []string{"CVE-2025-55184", "CVE-2025-55183"}, []string{"CVE-2025-55182 (GHSA-fv66-9v8q-g76r)"}},
		{"react-server-dom-webpack", "19.2.3", []string{"CVE-2026-23864 (GHSA-83fc-fqcc-2hmg)"}, []string{"CVE-2025-55184", "CVE-2025-55183"}},
		{"react-server-dom-webpack", "19.2.4", nil, []string{"CVE-2026-23864 (GHSA-83fc-fqcc-2hmg)"}},
		{"react-server-dom-webpack", "18.3.1", nil, []string{"CVE-2025-55182 (GHSA-fv66-9v8q-g76r)"}},
		{"next", "15.4.7", []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)"}, nil},
		{"next", "15.4.8", nil, []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)"}},
		{"next", "14.3.0-canary.77", []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)"}, nil},
		{"next", "14.3.0-canary.76", nil, []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)"}},
		{"next", "14.2.35", nil, []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)", "CVE-2025-67779 (GHSA-5j59-xgg2-r9c4)"}},
		{"next", "16.0.6", []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)"}, nil},
		{"next", "16.0.7", nil, []string{"CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)"}},
		{"next", "15.4.9", []string{"CVE-2025-67779 (GHSA-5j59-xgg2-r9c4)"}, nil},
		{"next", "15.4.10", []string{"CVE-2026-23864 (GHSA-h25m-26qc-wcjf)"}, []string{"CVE-2025-67779 (GHSA-5j59-xgg2-r9c4)"}},
		{"next", "15.4.11", nil, []string{"CVE-2026-23864 (GHSA-h25m-26qc-wcjf)"}},
		{"next", "14.2.35", []string{"CVE-2026-23864 (GHSA-h25m-26qc-wcjf)"}, nil},
		{"next", "12.3.5", nil, []string{"CVE-2026-23864 (GHSA-h25m-26qc-wcjf)", "CVE-2025-67779 (GHSA-5j59-xgg2-r9c4)"}},
		{"next", "16.1.5", []string{"CVE-2026-27978 (GHSA-mq59-m269-xvcx)"}, []string{"CVE-2026-23864 (GHSA-h25m-26qc-wcjf)"}},
		{"next", "16.0.0", nil, []string{"CVE-2026-27978 (GHSA-mq59-m269-xvcx)"}},
		{"next", "16.1.7", nil, []string{"CVE-2026-27978 (GHSA-mq59-m269-xvcx)"}},
		{"next", "15.5.15", []string{"CVE-2026-44575 (GHSA-267c-6grr-h53f)", "CVE-2026-45109 (GHSA-26hh-7cqf-hhc6)"}, nil},
		{"next", "15.5.17", []string{"CVE-2026-45109 (GHSA-26hh-7cqf-hhc6)"}, []string{"CVE-2026-44575 (GHSA-267c-6grr-h53f)"}},
		{"next", "16.2.5", []string{"CVE-2026-45109 (GHSA-26hh-7cqf-hhc6)"}, []string{"CVE-2026-44575 (GHSA-267c-6grr-h53f)"}},
		{"next", "15.1.9", nil, []string{"CVE-2026-44575 (GHSA-267c-6grr-h53f)"}},
		{"next", "15.5.20", []string{"CVE-2026-64643 (GHSA-955p-x3mx-jcvp)"}, nil},
		{"next", "16.2.11", nil, []string{"CVE-2026-64643 (GHSA-955p-x3mx-jcvp)"}},
		{"next", "12.3.5", nil, []string{"CVE-2026-64643 (GHSA-955p-x3mx-jcvp)"}},
		{"next", "16.2.11", nil, nil}, // sanity: nothing in the table affects it
	}
	for _, tt := range tests {
		t.Run(tt.pkg+"@"+tt.version, func(t *testing.T) {
			got := runVulnerableNext(t, projectWith(tt.pkg, tt.version))
			for _, w := range tt.want {
				if !has(got, w) {
					t.Errorf("missing %s; got %q", w, ids(got))
				}
			}
			for _, n := range tt.not {
				if has(got, n) {
					t.Errorf("unexpected %s", n)
				}
			}
		})
	}
	if got := runVulnerableNext(t, projectWith("next", "16.2.11")); len(got) != 0 {
		t.Errorf("16.2.11: %q", ids(got))
	}
}

func TestVulnerableNextMessage(t *testing.T) {
	files := projectWith("next", "15.2.1")
	files["middleware.ts"] = "export function middleware() {}"
	files["app/layout.tsx"] = "export default function L() {}"
	got := runVulnerableNext(t, files)
	var d *Diagnostic
	for i := range got {
		if strings.Contains(got[i].Message, "CVE-2025-29927") {
			d = &got[i]
		}
	}
	if d == nil {
		t.Fatalf("no CVE-2025-29927 finding: %q", ids(got))
	}
	want := "next 15.2.1 is affected by CVE-2025-29927 (GHSA-f82v-jwr5-mffw): middleware can be bypassed with the x-middleware-subrequest header, so authentication done only in middleware.ts is skipped. This package has middleware.ts, and any check done only there can be skipped. Upgrade next to 15.2.3 or later."
	if d.Message != want {
		t.Errorf("message\n got %q\nwant %q", d.Message, want)
	}
	if !strings.Contains(d.Help, "15.2.3") || !strings.Contains(d.Help, "15.2 line") || !strings.Contains(d.Help, "https://github.com/advisories/GHSA-f82v-jwr5-mffw") {
		t.Errorf("help %q", d.Help)
	}
	if d.File.Rel != "package-lock.json" || d.File.Text[d.Start:d.End] != "15.2.1" {
		t.Errorf("location %s %q", d.File.Rel, d.File.Text[d.Start:d.End])
	}
	if line, _ := d.File.Position(d.Start); line != 7 {
		t.Errorf("line %d, want 7", line)
	}
	for _, g := range got {
		if strings.Contains(g.Message, "CVE-2025-66478") && !strings.Contains(g.Message, "App Router (app/)") {
			t.Errorf("RSC finding lacks app/ context: %s", g.Message)
		}
		if len(g.Message) > 400 {
			t.Errorf("message too long (%d): %s", len(g.Message), g.Message)
		}
	}

	// Without middleware the sentence is omitted.
	got = runVulnerableNext(t, projectWith("next", "15.2.1"))
	for _, g := range got {
		if strings.Contains(g.Message, "This package has") || strings.Contains(g.Message, "uses the App Router (app/)") {
			t.Errorf("context without files: %s", g.Message)
		}
	}

	// SSRF: self-hosted context.
	files = projectWith("next", "14.1.0")
	files["next.config.js"] = "module.exports = { output: 'standalone' }"
	got = runVulnerableNext(t, files)
	found := false
	for _, g := range got {
		if strings.Contains(g.Message, "CVE-2024-34351") {
			found = strings.Contains(g.Message, "self-hosted (output: 'standalone' in next.config.js)")
		}
	}
	if !found {
		t.Errorf("no self-hosted context: %q", ids(got))
	}
}

func TestUpgradeTarget(t *testing.T) {
	find := func(label string) *advisory {
		for _, a := range advisories {
			if a.label() == label && a.Packages[0] == "next" {
				return a
			}
		}
		t.Fatalf("no advisory %s", label)
		return nil
	}
	mw := find("CVE-2025-29927 (GHSA-f82v-jwr5-mffw)")
	rce := find("CVE-2025-66478 (GHSA-9qr9-h5gf-34mp)")
	dos := find("CVE-2026-23864 (GHSA-h25m-26qc-wcjf)")
	tests := []struct {
		a       *advisory
		version string
		want    string
	}{
		{mw, "15.2.1", "15.2.3"},
		{mw, "15.1.7", "15.2.3"},  // no fix on 15.1: next fixed above
		{mw, "14.1.0", "14.2.25"}, // same major, later minor
		{mw, "11.1.4", "12.3.5"},  // 11.x never got a fix
		{rce, "15.3.1", "15.3.6"}, // same line
		{rce, "15.0.0", "15.0.5"}, // same line
		{rce, "14.3.0-canary.80", "15.0.5"},
		{dos, "14.2.35", "15.0.8"}, // no 14.x fix
		{dos, "16.1.0", "16.1.5"},
	}
	for _, tt := range tests {
		v, _ := deps.ParseVersion(tt.version)
		if got := tt.a.upgradeTarget(v); got != tt.want {
			t.Errorf("%s %s: got %s want %s", tt.a.ID, tt.version, got, tt.want)
		}
	}
	files := projectWith("next", "14.2.35")
	for _, g := range runVulnerableNext(t, files) {
		if strings.Contains(g.Message, "CVE-2026-23864") && !strings.Contains(g.Help, "no fixed 14.2 release") {
			t.Errorf("help %q", g.Help)
		}
	}
}

// TestVulnerableNextLockfiles runs the rule on each lockfile format.
func TestVulnerableNextLockfiles(t *testing.T) {
	pkgJSON := `{"name":"app","dependencies":{"next":"^15.2.0"}}`
	tests := map[string]struct {
		file, text, wantFile string
	}{
		"package-lock v3":        {"package-lock.json", packageLock("next", "15.2.1"), "package-lock.json"},
		"package-lock v1":        {"package-lock.json", `{"lockfileVersion":1,"dependencies":{"next":{"version":"15.2.1"}}}`, "package-lock.json"},
		"pnpm v9":                {"pnpm-lock.yaml", "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      next:\n        specifier: ^15.2.0\n        version: 15.2.1(react@19.0.0)\n\npackages:\n\n  next@15.2.1:\n    resolution: {integrity: sha512-x}\n", "pnpm-lock.yaml"},
		"pnpm v6":                {"pnpm-lock.yaml", "lockfileVersion: '6.0'\n\ndependencies:\n  next:\n    specifier: ^15.2.0\n    version: 15.2.1(react@19.0.0)\n", "pnpm-lock.yaml"},
		"pnpm v5":                {"pnpm-lock.yaml", "lockfileVersion: 5.4\n\ndependencies:\n  next: 15.2.1_react@19.0.0\n", "pnpm-lock.yaml"},
		"yarn classic":           {"yarn.lock", "# yarn lockfile v1\n\n\nnext@^15.2.0:\n  version \"15.2.1\"\n  resolved \"https://registry.yarnpkg.com/next/-/next-15.2.1.tgz\"\n", "yarn.lock"},
		"yarn berry":             {"yarn.lock", "__metadata:\n  version: 8\n\n\"next@npm:^15.2.0\":\n  version: 15.2.1\n  resolution: \"next@npm:15.2.1\"\n", "yarn.lock"},
		"bun":                    {"bun.lock", "{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"next\": [\"next@15.2.1\", \"\", {}, \"sha512-x\"],\n  },\n}\n", "bun.lock"},
		"package.json exact pin": {"", "", "package.json"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			files := vnProject{"package.json": pkgJSON}
			if tt.file != "" {
				files[tt.file] = tt.text
			} else {
				files["package.json"] = `{"name":"app","dependencies":{"next":"15.2.1"}}`
			}
			got := runVulnerableNext(t, files)
			if !has(got, "CVE-2025-29927 (GHSA-f82v-jwr5-mffw)") {
				t.Fatalf("not reported: %q", ids(got))
			}
			for _, d := range got {
				if d.File.Rel != tt.wantFile || d.File.Text[d.Start:d.End] != "15.2.1" {
					t.Errorf("location %s %q", d.File.Rel, d.File.Text[d.Start:d.End])
				}
			}
		})
	}

	// A range in package.json with no lockfile is not guessed.
	if got := runVulnerableNext(t, vnProject{"package.json": pkgJSON}); len(got) != 0 {
		t.Errorf("range without lockfile reported: %q", ids(got))
	}
}

func TestVulnerableNextMonorepo(t *testing.T) {
	files := vnProject{
		"package.json":           `{"name":"root","private":true,"workspaces":["apps/*"]}`,
		"apps/web/package.json":  `{"name":"web","dependencies":{"next":"^15.2.0"}}`,
		"apps/web/middleware.ts": "export const config = {}",
		"apps/api/package.json":  `{"name":"api","dependencies":{"express":"^4"}}`,
		"package-lock.json": `{"lockfileVersion":3,"packages":{
  "apps/web":{"name":"web","dependencies":{"next":"^15.2.0"}},
  "node_modules/next":{"version":"15.2.1"}
}}`,
	}
	got := runVulnerableNext(t, files, ".", "apps/api", "apps/web")
	n := 0
	for _, d := range got {
		if strings.Contains(d.Message, "CVE-2025-29927") {
			n++
			if !strings.Contains(d.Message, "This package has middleware.ts") {
				t.Errorf("workspace context missing: %s", d.Message)
			}
		}
	}
	if n != 1 {
		t.Errorf("want one CVE-2025-29927 finding (from apps/web), got %d: %q", n, ids(got))
	}
}

func TestVulnerableNextMeta(t *testing.T) {
	r := Get("vulnerable-next")
	if r.Name != "VulnerableNextVersion" || r.Precision != "very-high" || r.SecuritySeverity != 10.0 {
		t.Errorf("meta %+v", r.Meta)
	}
	for _, cwe := range []string{"CWE-285", "CWE-918", "CWE-502", "CWE-400", "CWE-352", "CWE-200"} {
		if !slices.Contains(r.CWE, cwe) {
			t.Errorf("missing %s in %v", cwe, r.CWE)
		}
	}
}

func TestSafeVersion(t *testing.T) {
	for _, tt := range []struct{ pkg, v, want string }{
		{"next", "15.2.1", "15.5.21"},
		{"next", "16.0.0", "16.2.11"},
		{"next", "14.2.35", "15.5.21"},
		{"react-server-dom-webpack", "19.2.0", "19.2.4"},
		{"react-server-dom-webpack", "19.0.0", "19.0.4"},
	} {
		v, _ := deps.ParseVersion(tt.v)
		if got := safeVersion(tt.pkg, v); got != tt.want {
			t.Errorf("%s %s: got %s want %s", tt.pkg, tt.v, got, tt.want)
		}
	}
}
