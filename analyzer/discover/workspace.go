package discover

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"
)

// packageJSON holds the fields of package.json that discovery needs.
type packageJSON struct {
	Name                 string            `json:"name"`
	Workspaces           json.RawMessage   `json:"workspaces"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
}

func (p *packageJSON) dependsOn(name string) bool {
	for _, m := range []map[string]string{p.Dependencies, p.DevDependencies, p.PeerDependencies, p.OptionalDependencies} {
		if _, ok := m[name]; ok {
			return true
		}
	}
	return false
}

// workspacePatterns returns the globs of package.json "workspaces" (npm, yarn
// and bun accept an array; yarn classic also {"packages": [...]}).
func (p *packageJSON) workspacePatterns() []string {
	if len(p.Workspaces) == 0 {
		return nil
	}
	var arr []string
	if json.Unmarshal(p.Workspaces, &arr) == nil {
		return arr
	}
	var obj struct {
		Packages []string `json:"packages"`
	}
	if json.Unmarshal(p.Workspaces, &obj) == nil {
		return obj.Packages
	}
	return nil
}

func readPackageJSON(abs string) (*packageJSON, bool, error) {
	data, err := readRegular(abs)
	if err != nil {
		return nil, false, err
	}
	var p packageJSON
	if err := json.Unmarshal(stripBOM(data), &p); err != nil {
		return nil, true, err
	}
	return &p, true, nil
}

// readRegular reads a config file, refusing anything but a regular file (or
// a link to one): opening a FIFO named package.json would block the run.
func readRegular(abs string) ([]byte, error) {
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(abs)
}

func stripBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// readPnpmWorkspace returns the "packages" globs of pnpm-workspace.yaml.
func readPnpmWorkspace(abs string) ([]string, bool, error) {
	data, err := readRegular(abs)
	if err != nil {
		return nil, false, err
	}
	var w struct {
		Packages []string `yaml:"packages"`
	}
	if err := yaml.Unmarshal(data, &w); err != nil {
		return nil, true, err
	}
	return w.Packages, true, nil
}

// workspaceGlobs reads the workspace globs declared in dir (package.json and
// pnpm-workspace.yaml). Parse errors are returned as messages keyed by file
// name so Discover can report them while FindRoot ignores them.
func workspaceGlobs(dir string) (globs []string, errs map[string]error) {
	add := func(name string, err error) {
		if errs == nil {
			errs = map[string]error{}
		}
		errs[name] = err
	}
	if p, exists, err := readPackageJSON(filepath.Join(dir, "package.json")); err == nil {
		globs = append(globs, p.workspacePatterns()...)
	} else if exists {
		add("package.json", err)
	}
	if pk, exists, err := readPnpmWorkspace(filepath.Join(dir, "pnpm-workspace.yaml")); err == nil {
		globs = append(globs, pk...)
	} else if exists {
		add("pnpm-workspace.yaml", err)
	}
	return globs, errs
}

// workspaceMatcher decides whether a directory (relative to the monorepo
// root, '/'-separated) is a workspace package. Negated globs ("!**/test/**",
// pnpm) remove what earlier globs added.
type workspaceMatcher struct {
	include, exclude []string
}

func newWorkspaceMatcher(globs []string) workspaceMatcher {
	var m workspaceMatcher
	for _, g := range globs {
		neg := strings.HasPrefix(g, "!")
		g = normalizeGlob(strings.TrimPrefix(g, "!"))
		if g == "" || g == "." || !doublestar.ValidatePattern(g) {
			continue
		}
		if neg {
			m.exclude = append(m.exclude, g)
		} else {
			m.include = append(m.include, g)
		}
	}
	return m
}

func (m workspaceMatcher) empty() bool { return len(m.include) == 0 }

func (m workspaceMatcher) match(rel string) bool {
	if rel == "." || rel == "" || strings.HasPrefix(rel, "../") || rel == ".." {
		return false
	}
	ok := false
	for _, g := range m.include {
		if doublestar.MatchUnvalidated(g, rel) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for _, g := range m.exclude {
		if doublestar.MatchUnvalidated(g, rel) {
			return false
		}
	}
	return true
}

// normalizeGlob makes user-written globs ("./packages/*/", "/apps/**")
// comparable with our '/'-separated relative paths.
func normalizeGlob(g string) string {
	g = filepath.ToSlash(strings.TrimSpace(g))
	for strings.HasPrefix(g, "./") {
		g = g[2:]
	}
	g = strings.TrimPrefix(g, "/")
	for len(g) > 1 && strings.HasSuffix(g, "/") {
		g = g[:len(g)-1]
	}
	return g
}
