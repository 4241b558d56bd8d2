package analyzer

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nextguard/nextguard/analyzer/source"
)

// Scoped runs (`nextguard check FILE...`, the pre-commit hook, a directory
// below the root) report only findings located in the given paths. A finding
// of an entry point lies in the entry's own file or in a module it reaches,
// and it reaches modules only through imports; so the entry points worth
// analysing are those whose file is in scope or imports, directly or through
// other modules, a file in scope. Everything else would be analysed only for
// its findings to be dropped.

// scopeCandidates keeps the candidates that may produce findings in scope.
// Imports are read from text (source.ImportSpecifiers), never parsed: the
// scanner may see an import that is not there, which costs an analysis, but
// never misses one.
func scopeCandidates(candidates []string, files map[string]*source.File, filter []string, resolve func(from, spec string) string, jobs int) []string {
	affected := affectedFiles(files, filter, resolve, jobs)
	var out []string
	for _, rel := range candidates {
		if affected[rel] {
			out = append(out, rel)
		}
	}
	return out
}

// affectedFiles returns the files in scope and every file that imports one of
// them, transitively.
func affectedFiles(files map[string]*source.File, filter []string, resolve func(from, spec string) string, jobs int) map[string]bool {
	rels := make([]string, 0, len(files))
	for rel := range files {
		rels = append(rels, rel)
	}
	sort.Strings(rels) // files of a directory next to each other, for the cache
	deps := make([][]string, len(rels))
	// A specifier resolves the same way from every file of a directory, and
	// the files of a directory import much the same things: each worker
	// remembers the answers for the directory it is in.
	const chunk = 64
	parallel((len(rels)+chunk-1)/chunk, jobs, func(c int) {
		cache := map[string]string{}
		dir := ""
		for i := c * chunk; i < min(len(rels), (c+1)*chunk); i++ {
			if d := path.Dir(rels[i]); d != dir {
				dir = d
				clear(cache)
			}
			for _, spec := range source.ImportSpecifiers(files[rels[i]].Text) {
				t, ok := cache[spec]
				if !ok {
					t = resolve(rels[i], spec)
					cache[spec] = t
				}
				if t != "" {
					deps[i] = append(deps[i], t)
				}
			}
		}
	})
	importers := make(map[string][]string, len(rels))
	for i, ds := range deps {
		for _, d := range ds {
			importers[d] = append(importers[d], rels[i])
		}
	}
	affected := map[string]bool{}
	var queue []string
	for _, rel := range rels {
		if inFilter(filter, rel) {
			affected[rel] = true
			queue = append(queue, rel)
		}
	}
	for len(queue) > 0 {
		rel := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, imp := range importers[rel] {
			if !affected[imp] {
				affected[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	return affected
}

// focusFilter turns Options.Focus into root-relative paths. Files outside the
// root are dropped; an empty result still scopes the run (to nothing).
func focusFilter(root string, focus []string) []string {
	roots := []string{root}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != root {
		roots = append(roots, real)
	}
	out := []string{}
	for _, f := range focus {
		for _, r := range roots {
			rel, err := filepath.Rel(r, f)
			if err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
				out = append(out, filepath.ToSlash(rel))
				break
			}
		}
	}
	return out
}
