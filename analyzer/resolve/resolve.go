// Package resolve maps import specifiers to project files or npm packages,
// the way TypeScript and the bundler would, but without node_modules, a build
// or disk probing: only the source files discovery listed exist. The import
// graph built on it is what lets the analysis follow an action into the
// helper that authenticates or queries the database, so a wrong or missing
// resolution turns directly into a false positive or a missed finding.
package resolve

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/nextguard/nextguard/analyzer/result"
)

// Target is where a specifier leads.
type Target struct {
	// File is the Root-relative path of the resolved project file, or "".
	File string
	// Package is the npm package name of a bare specifier that did not
	// resolve to a project file ("@clerk/nextjs" for "@clerk/nextjs/server",
	// "node:fs" for "node:fs/promises"); rules match library APIs by it.
	Package string
	// Subpath is the full bare specifier ("@clerk/nextjs/server"), also set
	// when a workspace package resolved to a file. "" for relative specifiers.
	Subpath string
}

// Resolver resolves specifiers for one project. Everything it needs is
// loaded by New, so Resolve only reads immutable maps and is safe for
// concurrent use without locking.
type Resolver struct {
	root  string
	files map[string]bool
	read  func(rel string) ([]byte, error)

	tsCache   map[string]*tsconfig // by config file; filled only in New
	tsByDir   map[string]string    // dir -> tsconfig.json/jsconfig.json in it
	dirCfg    map[string]*tsconfig // dir -> nearest effective config (nil: none)
	packages  []*wsPackage         // sorted by dir
	pkgByName map[string]*wsPackage

	diagMu sync.Mutex
	diags  []result.Diagnostic
}

// wsPackage is a workspace package: a bare import of its name resolves into
// its sources, because that is what the monorepo's bundler does.
type wsPackage struct {
	dir, name     string
	exports       any
	imports       any
	main, module  string
	types         string
	tsconfigField string
}

// extensions in the order TypeScript and bundlers probe them.
var extensions = []string{".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"}

// New builds a resolver. files are the Root-relative source files that
// exist; tsconfigs the tsconfig.json/jsconfig.json files; packageDirs the
// directories of the project's package.json files; read returns the content
// of a Root-relative file (used for tsconfig and package.json only).
func New(root string, files []string, tsconfigs []string, packageDirs []string, read func(rel string) ([]byte, error)) *Resolver {
	r := &Resolver{
		root:      root,
		files:     make(map[string]bool, len(files)),
		read:      read,
		tsCache:   map[string]*tsconfig{},
		tsByDir:   map[string]string{},
		dirCfg:    map[string]*tsconfig{},
		pkgByName: map[string]*wsPackage{},
	}
	if r.read == nil {
		r.read = func(string) ([]byte, error) { return nil, fmt.Errorf("no reader") }
	}
	for _, f := range files {
		r.files[cleanRel(f)] = true
	}

	dirs := append([]string(nil), packageDirs...)
	sort.Strings(dirs)
	for _, d := range dirs {
		d = cleanRel(d)
		data, err := r.read(joinRel(d, "package.json"))
		if err != nil {
			continue
		}
		var pj struct {
			Name     string          `json:"name"`
			Exports  json.RawMessage `json:"exports"`
			Imports  json.RawMessage `json:"imports"`
			Main     string          `json:"main"`
			Module   string          `json:"module"`
			Types    string          `json:"types"`
			Typings  string          `json:"typings"`
			TSConfig string          `json:"tsconfig"`
		}
		// Malformed package.json files are reported by discovery.
		if json.Unmarshal(jsoncToJSON(data), &pj) != nil {
			continue
		}
		p := &wsPackage{dir: d, name: pj.Name, main: pj.Main, module: pj.Module, types: pj.Types, tsconfigField: pj.TSConfig}
		if p.types == "" {
			p.types = pj.Typings
		}
		if len(pj.Exports) > 0 {
			_ = json.Unmarshal(pj.Exports, &p.exports)
		}
		if len(pj.Imports) > 0 {
			_ = json.Unmarshal(pj.Imports, &p.imports)
		}
		r.packages = append(r.packages, p)
		// Two packages with one name: the first by directory wins, so the
		// result is at least deterministic.
		if p.name != "" && r.pkgByName[p.name] == nil {
			r.pkgByName[p.name] = p
		}
	}

	ts := append([]string(nil), tsconfigs...)
	sort.Strings(ts)
	for _, t := range ts {
		t = cleanRel(t)
		d := path.Dir(t)
		// tsconfig.json wins over jsconfig.json in one directory, as in tsc.
		if cur, ok := r.tsByDir[d]; !ok || (path.Base(t) == "tsconfig.json" && path.Base(cur) != "tsconfig.json") {
			r.tsByDir[d] = t
		}
	}
	for _, t := range ts {
		r.loadTSConfig(cleanRel(t), nil)
	}
	// Precompute the nearest config of every directory holding a file, so
	// Resolve never writes to a map.
	for f := range r.files {
		r.nearestConfig(path.Dir(f), true)
	}
	return r
}

// nearestConfig returns the effective tsconfig governing files in dir.
func (r *Resolver) nearestConfig(dir string, fill bool) *tsconfig {
	var visited []string
	var cfg *tsconfig
	for d := dir; ; d = path.Dir(d) {
		if c, ok := r.dirCfg[d]; ok {
			cfg = c
			break
		}
		visited = append(visited, d)
		if t, ok := r.tsByDir[d]; ok {
			cfg = r.tsCache[t]
			break
		}
		if d == "." || d == "/" || strings.HasPrefix(d, "..") {
			break
		}
	}
	if fill {
		for _, d := range visited {
			r.dirCfg[d] = cfg
		}
	}
	return cfg
}

// Diagnostics returns the problems found in configuration files (unparsable
// tsconfig, extends cycles), sorted.
func (r *Resolver) Diagnostics() []result.Diagnostic {
	r.diagMu.Lock()
	defer r.diagMu.Unlock()
	out := append([]result.Diagnostic(nil), r.diags...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Message < out[j].Message
	})
	return out
}

func (r *Resolver) diag(file, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.diagMu.Lock()
	defer r.diagMu.Unlock()
	for _, d := range r.diags {
		if d.File == file && d.Message == msg {
			return
		}
	}
	r.diags = append(r.diags, result.Diagnostic{File: file, Message: msg})
}

// Resolve resolves spec imported from the file fromRel.
func (r *Resolver) Resolve(fromRel, spec string) Target {
	fromRel = cleanRel(fromRel)
	if spec == "" || strings.Contains(spec, "://") || strings.HasPrefix(spec, "data:") {
		return Target{}
	}
	// Bundler query and fragment suffixes ("./x.svg?url") are not part of the path.
	if i := strings.IndexAny(spec, "?#"); i > 0 && !strings.HasPrefix(spec, "#") {
		spec = spec[:i]
	}
	dir := path.Dir(fromRel)
	if isRelative(spec) {
		return Target{File: r.resolveFile(joinRel(dir, spec))}
	}
	if strings.HasPrefix(spec, "/") {
		// An absolute import means a file-system path; inside Root it is a
		// project file, elsewhere nothing we analyse.
		if rel := r.relFromAbs(spec); rel != "" {
			return Target{File: r.resolveFile(rel)}
		}
		return Target{}
	}
	if strings.HasPrefix(spec, "node:") {
		name, _ := splitPackage(spec)
		return Target{Package: name, Subpath: spec}
	}
	if strings.HasPrefix(spec, "#") {
		if f := r.resolveImportsField(dir, spec); f != "" {
			return Target{File: f, Subpath: spec}
		}
		return Target{Subpath: spec}
	}

	cfg := r.dirCfg[dir]
	if _, ok := r.dirCfg[dir]; !ok {
		cfg = r.nearestConfig(dir, false)
	}
	if cfg != nil {
		if cfg.hasPaths {
			base := cfg.pathsBase()
			for _, t := range cfg.match(spec) {
				if f := r.resolveFile(joinRel(base, t)); f != "" {
					return Target{File: f, Subpath: spec}
				}
			}
		}
		if cfg.hasBaseURL {
			if f := r.resolveFile(joinRel(cfg.baseURL, spec)); f != "" {
				return Target{File: f, Subpath: spec}
			}
		}
	}

	name, sub := splitPackage(spec)
	if pkg := r.pkgByName[name]; pkg != nil {
		if f := r.resolvePackage(pkg, sub); f != "" {
			return Target{File: f, Subpath: spec}
		}
	}
	return Target{Package: name, Subpath: spec}
}

// resolveFile finds the project file a path-like import names: the exact
// file, then the TypeScript-ESM mapping (an import of "./x.js" written in
// TS source means x.ts), then extension probing, then an index file.
func (r *Resolver) resolveFile(p string) string {
	if p == "" || strings.HasPrefix(p, "../") || p == ".." {
		return ""
	}
	if r.files[p] {
		return p
	}
	ext := path.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	var mapped []string
	switch ext {
	case ".js":
		mapped = []string{".ts", ".tsx"}
	case ".jsx":
		mapped = []string{".tsx", ".ts"}
	case ".mjs":
		mapped = []string{".mts"}
	case ".cjs":
		mapped = []string{".cts"}
	}
	for _, e := range mapped {
		if r.files[stem+e] {
			return stem + e
		}
	}
	for _, e := range extensions {
		if r.files[p+e] {
			return p + e
		}
	}
	for _, e := range extensions {
		if f := joinRel(p, "index"+e); r.files[f] {
			return f
		}
	}
	return ""
}

// resolvePackage resolves sub ("." or "./schema") inside a workspace
// package. Workspace packages are consumed from source in a monorepo, and
// their manifests often point at build output (dist/) that does not exist
// in a checkout, so a missing dist/ target falls back to the matching src/
// file.
func (r *Resolver) resolvePackage(pkg *wsPackage, sub string) string {
	if pkg.exports != nil {
		cands, ok := exportCandidates(pkg.exports, sub, ".")
		for _, c := range cands {
			if f := r.packageFile(pkg.dir, c); f != "" {
				return f
			}
		}
		if ok && len(cands) == 0 {
			return "" // explicitly blocked (null target)
		}
	}
	if sub == "." {
		for _, c := range []string{pkg.module, pkg.main, pkg.types} {
			if c != "" {
				if f := r.packageFile(pkg.dir, c); f != "" {
					return f
				}
			}
		}
		if f := r.resolveFile(joinRel(pkg.dir, "src/index")); f != "" {
			return f
		}
		return r.resolveFile(joinRel(pkg.dir, "index"))
	}
	s := strings.TrimPrefix(sub, "./")
	if f := r.packageFile(pkg.dir, s); f != "" {
		return f
	}
	return r.resolveFile(joinRel(pkg.dir, "src/"+s))
}

// buildDirs are where package manifests point at compiled output.
var buildDirs = map[string]bool{"dist": true, "build": true, "lib": true, "out": true, "esm": true, "cjs": true, "types": true, "dts": true}

// packageFile maps a manifest target to a project file, falling back from
// build output to source.
func (r *Resolver) packageFile(dir, target string) string {
	p := joinRel(dir, target)
	if f := r.resolveFile(p); f != "" {
		return f
	}
	rel := strings.TrimPrefix(path.Clean(target), "./")
	first, rest, ok := strings.Cut(rel, "/")
	if !ok || !buildDirs[first] {
		return ""
	}
	rest = stripJSExt(rest)
	if f := r.resolveFile(joinRel(dir, "src/"+rest)); f != "" {
		return f
	}
	// dist/esm/index.js, dist/cjs/index.js -> src/index
	if a, b, ok := strings.Cut(rest, "/"); ok && buildDirs[a] {
		return r.resolveFile(joinRel(dir, "src/"+b))
	}
	return ""
}

func stripJSExt(p string) string {
	for _, e := range []string{".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx"} {
		if strings.HasSuffix(p, e) {
			return strings.TrimSuffix(p, e)
		}
	}
	return p
}

// resolveImportsField resolves a "#internal" specifier through the
// "imports" field of the package that contains the importing file.
func (r *Resolver) resolveImportsField(dir, spec string) string {
	var pkg *wsPackage
	for _, p := range r.packages {
		if p.imports != nil && within(dir, p.dir) && (pkg == nil || len(p.dir) > len(pkg.dir)) {
			pkg = p
		}
	}
	if pkg == nil {
		return ""
	}
	cands, _ := exportCandidates(pkg.imports, spec, "#")
	for _, c := range cands {
		if isRelative(c) {
			if f := r.packageFile(pkg.dir, c); f != "" {
				return f
			}
		}
	}
	return ""
}

func within(dir, parent string) bool {
	return parent == "." || dir == parent || strings.HasPrefix(dir, parent+"/")
}

// conditionOrder is the order in which we try export conditions. Node picks
// the first matching key in object order, but we have no runtime: we want
// the file whose code runs on the server, and try the others in turn until
// one is a project file (a "types" target that points at src/index.ts is
// accepted as a last resort).
var conditionOrder = []string{"source", "import", "module", "default", "require", "node", "react-server", "edge-light", "worker", "browser", "development", "production", "types"}

// exportCandidates returns the targets for sub in an "exports" (keyPrefix
// ".") or "imports" (keyPrefix "#") value, most preferred first. matched
// reports whether an entry matched sub at all; matched with no candidates
// means the subpath is blocked by a null target.
func exportCandidates(exp any, sub, keyPrefix string) (cands []string, matched bool) {
	m, isMap := exp.(map[string]any)
	subpathMap := false
	if isMap {
		for k := range m {
			if strings.HasPrefix(k, keyPrefix) {
				subpathMap = true
				break
			}
		}
	}
	if !subpathMap {
		if sub != "." || keyPrefix != "." {
			return nil, false
		}
		return flattenTargets(exp, "", nil), true
	}
	if t, ok := m[sub]; ok {
		return flattenTargets(t, "", nil), true
	}
	// Pattern keys: the longest prefix before "*" wins (Node's ordering).
	best, bestPre := "", -1
	for k := range m {
		i := strings.IndexByte(k, '*')
		if i < 0 {
			continue
		}
		pre, suf := k[:i], k[i+1:]
		if len(sub) < len(pre)+len(suf) || !strings.HasPrefix(sub, pre) || !strings.HasSuffix(sub, suf) {
			continue
		}
		if len(pre) > bestPre || (len(pre) == bestPre && (len(k) > len(best) || len(k) == len(best) && k < best)) {
			best, bestPre = k, len(pre)
		}
	}
	if best != "" {
		suf := best[bestPre+1:]
		star := sub[bestPre : len(sub)-len(suf)]
		return flattenTargets(m[best], star, nil), true
	}
	// Deprecated folder mappings: "./utils/": "./src/utils/".
	for _, k := range sortedKeys(m) {
		if strings.HasSuffix(k, "/") && strings.HasPrefix(sub, k) {
			if s, ok := m[k].(string); ok {
				return []string{s + sub[len(k):]}, true
			}
		}
	}
	return nil, false
}

// flattenTargets expands a target (string, fallback array, condition
// object; null blocks) into candidate paths in preference order.
func flattenTargets(t any, star string, out []string) []string {
	switch v := t.(type) {
	case string:
		return append(out, strings.ReplaceAll(v, "*", star))
	case []any:
		for _, e := range v {
			out = flattenTargets(e, star, out)
		}
	case map[string]any:
		seen := map[string]bool{}
		for _, c := range conditionOrder {
			if e, ok := v[c]; ok {
				seen[c] = true
				out = flattenTargets(e, star, out)
			}
		}
		for _, k := range sortedKeys(v) {
			if !seen[k] {
				out = flattenTargets(v[k], star, out)
			}
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// splitPackage splits a bare specifier into the package name and the
// subpath ("." or "./rest"): "@clerk/nextjs/server" -> "@clerk/nextjs",
// "./server".
func splitPackage(spec string) (name, sub string) {
	n := 1
	if strings.HasPrefix(spec, "@") {
		n = 2
	}
	i := 0
	for k := 0; k < n; k++ {
		j := strings.IndexByte(spec[i:], '/')
		if j < 0 {
			return spec, "."
		}
		i += j + 1
	}
	return spec[:i-1], "./" + spec[i:]
}

func isRelative(spec string) bool {
	return spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../")
}

// joinRel joins Root-relative paths and cleans the result ("." for Root).
func joinRel(dir, p string) string {
	if strings.HasPrefix(p, "/") {
		return cleanRel(p)
	}
	return path.Join(dir, p)
}

func cleanRel(p string) string {
	p = path.Clean(filepath.ToSlash(p))
	return strings.TrimPrefix(p, "/")
}

// relFromAbs converts an absolute file-system path to a Root-relative one,
// or "" if it is outside Root.
func (r *Resolver) relFromAbs(abs string) string {
	if r.root == "" {
		return ""
	}
	rel, err := filepath.Rel(r.root, filepath.FromSlash(abs))
	if err != nil {
		return ""
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return ""
	}
	return rel
}
