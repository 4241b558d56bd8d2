package deps

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// memFS is an in-memory project: rel path -> content.
type memFS map[string]string

func (m memFS) read(rel string) ([]byte, error) {
	if s, ok := m[rel]; ok {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("open %s: %w", rel, fs.ErrNotExist)
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// summary renders deps as "name@version file direct" and checks that each
// offset range really covers the version text, which is what findings point at.
func summary(t *testing.T, m memFS, ds []Dep) []string {
	t.Helper()
	var out []string
	for _, d := range ds {
		text := m[d.File]
		if d.Offset < 0 || int(d.End) > len(text) || d.Offset > d.End {
			t.Fatalf("%s: bad range %d..%d", d.File, d.Offset, d.End)
		}
		if got := text[d.Offset:d.End]; got != d.Version {
			t.Errorf("%s: range %d..%d covers %q, want %q", d.File, d.Offset, d.End, got, d.Version)
		}
		out = append(out, fmt.Sprintf("%s@%s %s direct=%v", d.Name, d.Version, d.File, d.Direct))
	}
	return out
}

func TestResolveFormats(t *testing.T) {
	pkg := func(deps string) string { return `{"name":"app","dependencies":{` + deps + `}}` }
	tests := []struct {
		name  string
		files memFS
		dir   string
		want  []string
	}{
		{
			name:  "package-lock v3 hoisted and nested",
			files: memFS{"package.json": pkg(`"next":"^15.2.0"`), "package-lock.json": testdata(t, "package-lock-v3.json")},
			want: []string{
				"next@15.2.1 package-lock.json direct=true",
				"next@14.1.0 package-lock.json direct=true",
			},
		},
		{
			name:  "package-lock v1 nested dependencies",
			files: memFS{"package.json": pkg(`"next":"^12"`), "package-lock.json": testdata(t, "package-lock-v1.json")},
			want: []string{
				"next@12.3.4 package-lock.json direct=true",
				"next@12.2.0 package-lock.json direct=true",
			},
		},
		{
			name:  "npm-shrinkwrap wins over package-lock",
			files: memFS{"package.json": pkg(`"next":"^12"`), "npm-shrinkwrap.json": testdata(t, "package-lock-v1.json"), "package-lock.json": testdata(t, "package-lock-v3.json")},
			want: []string{
				"next@12.3.4 npm-shrinkwrap.json direct=true",
				"next@12.2.0 npm-shrinkwrap.json direct=true",
			},
		},
		{
			name:  "pnpm v5",
			files: memFS{"package.json": pkg(`"next":"^13.4.0"`), "pnpm-lock.yaml": testdata(t, "pnpm-lock-v5.yaml")},
			want:  []string{"next@13.4.19 pnpm-lock.yaml direct=true"},
		},
		{
			name:  "pnpm v6",
			files: memFS{"package.json": pkg(`"next":"^14.1.0"`), "pnpm-lock.yaml": testdata(t, "pnpm-lock-v6.yaml")},
			want:  []string{"next@14.1.0 pnpm-lock.yaml direct=true"},
		},
		{
			name:  "pnpm v9 workspace importer",
			files: memFS{"apps/web/package.json": pkg(`"next":"15.1.0"`), "pnpm-lock.yaml": testdata(t, "pnpm-lock-v9.yaml")},
			dir:   "apps/web",
			want:  []string{"next@15.1.0 pnpm-lock.yaml direct=true"},
		},
		{
			name:  "pnpm v9 other workspace",
			files: memFS{"apps/docs/package.json": pkg(`"next":"^16.0.0"`), "pnpm-lock.yaml": testdata(t, "pnpm-lock-v9.yaml")},
			dir:   "apps/docs",
			want:  []string{"next@16.0.3 pnpm-lock.yaml direct=true"},
		},
		{
			name:  "yarn classic picks the declared range",
			files: memFS{"package.json": pkg(`"next":"^14.1.0"`), "yarn.lock": testdata(t, "yarn-classic.lock")},
			want:  []string{"next@14.2.24 yarn.lock direct=true"},
		},
		{
			name:  "yarn berry",
			files: memFS{"package.json": pkg(`"next":"^15.0.0"`), "yarn.lock": testdata(t, "yarn-berry.lock")},
			want:  []string{"next@15.0.3 yarn.lock direct=true"},
		},
		{
			name:  "bun text lockfile",
			files: memFS{"package.json": pkg(`"next":"15.1.0"`), "bun.lock": testdata(t, "bun.lock")},
			want:  []string{"next@15.1.0 bun.lock direct=true"},
		},
		{
			name:  "no lockfile, exact pin",
			files: memFS{"package.json": pkg(`"next": "15.2.1"`)},
			want:  []string{"next@15.2.1 package.json direct=true"},
		},
		{
			name:  "no lockfile, range is not a version",
			files: memFS{"package.json": pkg(`"next": "^15.2.1"`)},
			want:  nil,
		},
		{
			name:  "lockfile beside the package wins over the root one",
			files: memFS{"apps/web/package.json": pkg(`"next":"^14.1.0"`), "apps/web/yarn.lock": testdata(t, "yarn-classic.lock"), "bun.lock": testdata(t, "bun.lock")},
			dir:   "apps/web",
			want:  []string{"next@14.2.24 apps/web/yarn.lock direct=true"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir
			if dir == "" {
				dir = "."
			}
			ds, diags := Resolve(tt.files.read, dir, ".", []string{"next"})
			if len(diags) != 0 {
				t.Errorf("diagnostics: %v", diags)
			}
			got := summary(t, tt.files, ds)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestResolveTransitive(t *testing.T) {
	files := memFS{
		"package.json":   `{"dependencies":{"next":"^15"}}`,
		"pnpm-lock.yaml": testdata(t, "pnpm-lock-v9.yaml"),
	}
	// react-server-dom-webpack is not declared: it is found through the packages
	// section and marked indirect.
	ds, _ := Resolve(files.read, ".", ".", []string{"react-server-dom-webpack"})
	got := summary(t, files, ds)
	want := []string{"react-server-dom-webpack@19.0.0 pnpm-lock.yaml direct=false"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}

	files = memFS{"package.json": `{}`, "yarn.lock": testdata(t, "yarn-berry.lock")}
	ds, _ = Resolve(files.read, ".", ".", []string{"react-server-dom-webpack", "next"})
	got = summary(t, files, ds)
	want = []string{
		"next@15.0.3 yarn.lock direct=false",
		"react-server-dom-webpack@19.1.0 yarn.lock direct=false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestResolveMalformed(t *testing.T) {
	files := memFS{
		"package.json":      `{"dependencies":{"next":"15.0.0"`,
		"package-lock.json": `{"packages":{"node_modules/next":{"version":"15.0.0"}, "x": [`,
	}
	ds, diags := Resolve(files.read, ".", ".", []string{"next"})
	if len(diags) != 2 {
		t.Errorf("want 2 diagnostics (package.json, lockfile), got %v", diags)
	}
	// What was read before the fault is still used.
	if len(ds) != 1 || ds[0].Version != "15.0.0" {
		t.Errorf("got %+v", ds)
	}
}

func TestResolveUnreadable(t *testing.T) {
	read := func(rel string) ([]byte, error) {
		if rel == "package-lock.json" {
			return nil, fs.ErrPermission
		}
		return nil, fs.ErrNotExist
	}
	_, diags := Resolve(read, ".", ".", []string{"next"})
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "cannot read") {
		t.Errorf("got %v", diags)
	}
}

func TestCompareVersions(t *testing.T) {
	ordered := []string{
		"11.1.4", "12.3.4", "12.3.5", "14.2.24", "14.3.0-canary.9", "14.3.0-canary.76",
		"14.3.0-canary.77", "14.3.0-canary.77.1", "14.3.0-rc", "14.3.0", "15.0.0-0",
		"15.0.0-canary.1", "15.0.0", "15.2.3", "16.0.0",
	}
	for i := range ordered {
		for j := range ordered {
			c, ok := CompareVersions(ordered[i], ordered[j])
			if !ok {
				t.Fatalf("parse %s %s", ordered[i], ordered[j])
			}
			if want := cmpInt(i, j); c != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", ordered[i], ordered[j], c, want)
			}
		}
	}
	for _, bad := range []string{"", "^15.0.0", "15", "15.0", "latest", "15.0.0-", "1.2.3-a..b", "workspace:*", "99999999999.0.0"} {
		if _, ok := ParseVersion(bad); ok {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
	for _, good := range []string{"15.0.0", "v15.0.0", "=15.0.0", "15.0.0+sha.1"} {
		if !IsExact(good) {
			t.Errorf("IsExact(%q) = false", good)
		}
	}
}

func TestWalkJSONC(t *testing.T) {
	var got []string
	err := walkJSON("\uFEFF{ /* c */ \"a\": [\"x\", {\"b\": \"y\\n\",},], // end\n \"n\": 1, \"t\": true }", func(p []string, v string, s, e int) bool {
		got = append(got, strings.Join(p, ".")+"="+v)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.0=x", "a.1.b=y\n"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	if err := walkJSON(strings.Repeat("[", 10000), func([]string, string, int, int) bool { return true }); err == nil {
		t.Error("deep nesting accepted")
	}
}

func FuzzResolve(f *testing.F) {
	for _, name := range []string{"package-lock-v3.json", "pnpm-lock-v9.yaml", "yarn-berry.lock", "bun.lock"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"packages":{"node_modules/next":{"version":"`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, lock := range lockfileNames {
			files := memFS{"package.json": s, lock: s}
			ds, _ := Resolve(files.read, ".", ".", []string{"next", "react-server-dom-webpack"})
			for _, d := range ds {
				text := files[d.File]
				if d.Offset < 0 || d.End < d.Offset || int(d.End) > len(text) || text[d.Offset:d.End] != d.Version {
					t.Fatalf("%s: bad range %d..%d for %q", lock, d.Offset, d.End, d.Version)
				}
			}
		}
	})
}

func BenchmarkResolvePackageLock(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"lockfileVersion":3,"packages":{"":{"dependencies":{"next":"15"}},`)
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&sb, `"node_modules/pkg-%d":{"version":"1.0.%d","resolved":"https://registry.npmjs.org/pkg-%d/-/pkg-%d-1.0.%d.tgz","integrity":"sha512-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","dependencies":{"a":"^1","b":"^2"}},`, i, i, i, i, i)
	}
	sb.WriteString(`"node_modules/next":{"version":"15.2.1"}}}`)
	files := memFS{"package.json": `{"dependencies":{"next":"^15"}}`, "package-lock.json": sb.String()}
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for b.Loop() {
		ds, _ := Resolve(files.read, ".", ".", []string{"next"})
		if len(ds) != 1 {
			b.Fatal(ds)
		}
	}
}
