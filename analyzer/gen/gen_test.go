package gen

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// treeHash hashes every file's path and content.
func treeHash(t *testing.T, dir string) ([32]byte, int) {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	h := sha256.New()
	src := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(filepath.ToSlash(rel) + "\x00"))
		h.Write(b)
		if strings.HasSuffix(p, ".ts") || strings.HasSuffix(p, ".tsx") {
			src++
		}
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out, src
}

func TestWriteDeterministicAndSized(t *testing.T) {
	opts := Options{Files: 300, Apps: 2, Packages: 3}
	a, b := t.TempDir(), t.TempDir()
	if err := Write(a, opts); err != nil {
		t.Fatal(err)
	}
	if err := Write(b, opts); err != nil {
		t.Fatal(err)
	}
	ha, na := treeHash(t, a)
	hb, _ := treeHash(t, b)
	if ha != hb {
		t.Fatal("two writes with the same options differ")
	}
	if na != 300 || Count(opts) != 300 {
		t.Fatalf("wrote %d source files (Count says %d), want 300", na, Count(opts))
	}
	c := t.TempDir()
	if err := Write(c, Options{Files: 300, Apps: 2, Packages: 3, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if hc, _ := treeHash(t, c); hc == ha {
		t.Fatal("a different seed gave the same tree")
	}
}

func TestMix(t *testing.T) {
	p := makePlan(Options{Files: 5000}.normalized())
	counts := map[kind]int{}
	for _, f := range p.files {
		counts[f.kind]++
	}
	n := len(p.files)
	if n != 5000 {
		t.Fatalf("planned %d files", n)
	}
	// Server-side entry files: a few per cent, like real monorepos.
	actions := counts[kAction] + counts[kSafeAction]
	if pct := 100 * actions / n; pct < 2 || pct > 6 {
		t.Errorf("action files are %d%% of the project", pct)
	}
	if pct := 100 * counts[kComponent] / n; pct < 20 || pct > 40 {
		t.Errorf("components are %d%% of the project", pct)
	}
	if counts[kBarrel] != 10 {
		t.Errorf("%d barrels for 10 packages", counts[kBarrel])
	}
}
