package resolve

import (
	"encoding/json"
	"path"
	"sort"
	"strings"
)

// tsconfig is the part of an effective (extends-merged) tsconfig that module
// resolution needs. Directories are Root-relative and already resolved
// against the config file that declared them, because TypeScript resolves
// baseUrl and paths relative to the declaring file, not the extending one.
type tsconfig struct {
	file       string
	hasBaseURL bool
	baseURL    string // rel dir
	hasPaths   bool
	paths      []pathPattern
	pathsDir   string // dir of the config that declared paths
}

// pathsBase is where "paths" targets are resolved: baseUrl when set (even an
// inherited one), otherwise the directory of the config declaring "paths".
func (c *tsconfig) pathsBase() string {
	if c.hasBaseURL {
		return c.baseURL
	}
	return c.pathsDir
}

type pathPattern struct {
	prefix, suffix string
	wildcard       bool
	targets        []string
}

type rawTSConfig struct {
	Extends         json.RawMessage `json:"extends"`
	CompilerOptions json.RawMessage `json:"compilerOptions"`
}

type rawCompilerOptions struct {
	BaseURL json.RawMessage `json:"baseUrl"`
	Paths   json.RawMessage `json:"paths"`
}

// loadTSConfig parses rel and everything it extends. stack holds the configs
// being loaded above it, to stop extends cycles.
func (r *Resolver) loadTSConfig(rel string, stack []string) *tsconfig {
	if c, ok := r.tsCache[rel]; ok {
		return c
	}
	for _, s := range stack {
		if s == rel {
			r.diag(rel, "tsconfig extends cycle: %s", strings.Join(append(stack, rel), " -> "))
			return nil
		}
	}
	data, err := r.read(rel)
	if err != nil {
		if len(stack) == 0 {
			r.diag(rel, "cannot read tsconfig: %v", err)
		}
		return nil
	}
	cfg := &tsconfig{file: rel}
	dir := path.Dir(rel)
	var raw rawTSConfig
	if err := json.Unmarshal(jsoncToJSON(data), &raw); err != nil {
		r.diag(rel, "cannot parse %s: %v; its paths and baseUrl are ignored", path.Base(rel), err)
		r.tsCache[rel] = cfg
		return cfg
	}

	var extends []string
	if len(raw.Extends) > 0 {
		var one string
		if json.Unmarshal(raw.Extends, &one) == nil {
			extends = []string{one}
		} else if json.Unmarshal(raw.Extends, &extends) != nil {
			r.diag(rel, "tsconfig \"extends\" must be a string or an array of strings")
		}
	}
	// TypeScript 5 array extends: later entries override earlier ones.
	for _, ext := range extends {
		if ext == "" {
			continue
		}
		parentRel, relative := r.findExtends(dir, ext)
		if parentRel == "" {
			if relative {
				r.diag(rel, "tsconfig extends %q: file not found", ext)
			}
			continue
		}
		if p := r.loadTSConfig(parentRel, append(stack[:len(stack):len(stack)], rel)); p != nil {
			cfg.inherit(p)
		}
	}

	if len(raw.CompilerOptions) > 0 {
		var co rawCompilerOptions
		if err := json.Unmarshal(raw.CompilerOptions, &co); err != nil {
			r.diag(rel, "tsconfig \"compilerOptions\" is not an object")
		} else {
			var base string
			if len(co.BaseURL) > 0 && json.Unmarshal(co.BaseURL, &base) == nil {
				cfg.hasBaseURL = true
				cfg.baseURL = joinRel(dir, base)
			}
			if len(co.Paths) > 0 && string(co.Paths) != "null" {
				var m map[string][]string
				if err := json.Unmarshal(co.Paths, &m); err != nil {
					r.diag(rel, "tsconfig \"paths\" must map patterns to arrays of strings")
				} else {
					cfg.hasPaths = true
					cfg.pathsDir = dir
					cfg.paths = compilePaths(m)
				}
			}
		}
	}
	r.tsCache[rel] = cfg
	return cfg
}

// inherit copies what p sets into c; c's own settings are applied after.
func (c *tsconfig) inherit(p *tsconfig) {
	if p.hasBaseURL {
		c.hasBaseURL, c.baseURL = true, p.baseURL
	}
	if p.hasPaths {
		c.hasPaths, c.paths, c.pathsDir = true, p.paths, p.pathsDir
	}
}

// compilePaths orders patterns the way TypeScript picks them: an exact
// pattern first, then the wildcard pattern with the longest prefix. Ties are
// broken by spelling so the result does not depend on map order.
func compilePaths(m map[string][]string) []pathPattern {
	ps := make([]pathPattern, 0, len(m))
	for k, targets := range m {
		p := pathPattern{prefix: k, targets: targets}
		if i := strings.IndexByte(k, '*'); i >= 0 {
			p.prefix, p.suffix, p.wildcard = k[:i], k[i+1:], true
		}
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.wildcard != b.wildcard {
			return !a.wildcard
		}
		if len(a.prefix) != len(b.prefix) {
			return len(a.prefix) > len(b.prefix)
		}
		if len(a.suffix) != len(b.suffix) {
			return len(a.suffix) > len(b.suffix)
		}
		return a.prefix+"*"+a.suffix < b.prefix+"*"+b.suffix
	})
	return ps
}

// match returns the targets of the best pattern for spec, with the wildcard
// substituted, or nil.
func (c *tsconfig) match(spec string) []string {
	for _, p := range c.paths {
		var star string
		if !p.wildcard {
			if spec != p.prefix {
				continue
			}
		} else {
			if len(spec) < len(p.prefix)+len(p.suffix) || !strings.HasPrefix(spec, p.prefix) || !strings.HasSuffix(spec, p.suffix) {
				continue
			}
			star = spec[len(p.prefix) : len(spec)-len(p.suffix)]
		}
		out := make([]string, 0, len(p.targets))
		for _, t := range p.targets {
			out = append(out, strings.Replace(t, "*", star, 1))
		}
		return out
	}
	return nil
}

// findExtends locates the file an "extends" entry names. relative reports
// whether it was a path (whose absence is an error worth reporting) rather
// than a package (often an npm package in node_modules, which we never read).
func (r *Resolver) findExtends(dir, ext string) (rel string, relative bool) {
	if strings.HasPrefix(ext, "./") || strings.HasPrefix(ext, "../") || ext == "." || ext == ".." || strings.HasPrefix(ext, "/") {
		var cand string
		if strings.HasPrefix(ext, "/") {
			cand = r.relFromAbs(ext)
			if cand == "" {
				return "", true
			}
		} else {
			cand = joinRel(dir, ext)
		}
		if r.readable(cand) {
			return cand, true
		}
		if !strings.HasSuffix(cand, ".json") && r.readable(cand+".json") {
			return cand + ".json", true
		}
		return "", true
	}
	name, sub := splitPackage(ext)
	pkg := r.pkgByName[name]
	if pkg == nil {
		return "", false
	}
	if sub == "." {
		for _, c := range []string{pkg.tsconfigField, "tsconfig.json"} {
			if c != "" && r.readable(joinRel(pkg.dir, c)) {
				return joinRel(pkg.dir, c), false
			}
		}
		return "", false
	}
	if cands, _ := exportCandidates(pkg.exports, sub, "."); len(cands) > 0 {
		for _, c := range cands {
			if r.readable(joinRel(pkg.dir, c)) {
				return joinRel(pkg.dir, c), false
			}
		}
	}
	cand := joinRel(pkg.dir, sub)
	if r.readable(cand) {
		return cand, false
	}
	if !strings.HasSuffix(cand, ".json") && r.readable(cand+".json") {
		return cand + ".json", false
	}
	return "", false
}

func (r *Resolver) readable(rel string) bool {
	if strings.HasPrefix(rel, "../") || rel == ".." {
		// Outside Root is not ours; read may refuse or, worse, succeed on
		// an unrelated file.
		return false
	}
	if _, ok := r.tsCache[rel]; ok {
		return true
	}
	_, err := r.read(rel)
	return err == nil
}
