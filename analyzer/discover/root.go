package discover

import (
	"os"
	"path/filepath"
)

// FindRoot returns the project root for a path given on the command line.
//
// A path can be a file deep inside a project (pre-commit passes staged files)
// and the analysis still needs the whole project, because auth guards and
// validators live in other files and workspace packages. The root is the
// nearest directory with package.json, next.config.* or nextguard.json; if
// that directory is a workspace package of an enclosing monorepo, the
// monorepo root instead, so cross-package imports resolve. The search never
// goes above a repository top (a directory containing .git): anything outside
// is a different project. An enclosing package.json that does not list the
// directory as a workspace (a fixture app in repo/testdata/example) does not
// capture it.
func FindRoot(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	start := abs
	if !fi.IsDir() {
		start = filepath.Dir(abs)
	}

	pkg := ""
	for d := start; ; {
		if isProjectDir(d) {
			pkg = d
			break
		}
		parent := filepath.Dir(d)
		if exists(filepath.Join(d, ".git")) || parent == d {
			break
		}
		d = parent
	}
	if pkg == "" {
		return start, nil
	}
	for d := pkg; !exists(filepath.Join(d, ".git")); {
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
		globs, _ := workspaceGlobs(d)
		if len(globs) == 0 {
			continue
		}
		rel, err := filepath.Rel(d, pkg)
		if err != nil {
			continue
		}
		if newWorkspaceMatcher(globs).match(filepath.ToSlash(rel)) {
			return d, nil
		}
	}
	return pkg, nil
}

// isProjectDir reports whether dir has a file that marks a JS project root.
func isProjectDir(dir string) bool {
	for _, n := range []string{"package.json", "nextguard.json", "next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts", "next.config.mts"} {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}
