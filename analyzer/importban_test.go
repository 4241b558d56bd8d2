package analyzer_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// bannedImports may not be used by the analysis: a static analyzer runs on
// untrusted code in CI and must neither run programs nor talk to the network.
var bannedImports = map[string]bool{"os/exec": true, "net": true, "net/http": true}

func banned(path string) bool {
	return bannedImports[path] || strings.HasPrefix(path, "net/http/")
}

// analysisDirs are the trees whose non-test code is the analysis.
var analysisDirs = []string{".", filepath.Join("..", "rules")}

// TestAnalysisImportsNoExecOrNetwork parses the imports of every non-test Go
// file under analyzer/ and rules/ (offline, no build) and fails on os/exec,
// net or net/http.
func TestAnalysisImportsNoExecOrNetwork(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	for _, root := range analysisDirs {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			files++
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if banned(path) {
					t.Errorf("%s imports %q", fset.Position(imp.Pos()), path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 20 {
		t.Fatalf("only %d Go files found under %v: wrong directory?", files, analysisDirs)
	}
}

// TestAnalysisDependenciesNoExecOrNetwork checks the transitive dependencies
// too (a library could open a connection on the analysis's behalf), with
// `go list -deps`, which reads the module cache and needs no network.
func TestAnalysisDependenciesNoExecOrNetwork(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", "../analyzer/...", "../rules/...")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	// Every package linked into the analysis is listed once, with its imports.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, line := range lines {
		pkg, imports, _ := strings.Cut(line, ":")
		for _, imp := range strings.Fields(imports) {
			if banned(imp) {
				t.Errorf("%s imports %q, so the analysis links it", pkg, imp)
			}
		}
	}
	if len(lines) < 50 {
		t.Fatalf("go list listed only %d packages", len(lines))
	}
}
