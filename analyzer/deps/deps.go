// Package deps finds the versions of npm packages a Next.js project really
// installs. Advisories are about installed versions, and a package.json range
// such as "^15.0.0" says nothing about whether 15.2.1 or 15.2.3 is deployed, so
// the lockfile is the source of truth: package-lock.json / npm-shrinkwrap.json
// (v1, v2, v3), pnpm-lock.yaml (v5, v6, v9), yarn.lock (classic and berry) and
// bun.lock (text form). Without a lockfile only an exact pin in package.json is
// trusted; a range yields nothing rather than a guess.
//
// Every reader is a tolerant scanner: lockfiles are large (megabytes) and often
// hand-merged, so they are read line by line or token by token, never unmarshalled
// whole, and malformed input produces a diagnostic, never a panic.
package deps

import (
	"errors"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nextguard/nextguard/analyzer/result"
)

// Dep is one installed (or exactly pinned) version of a package.
type Dep struct {
	Name    string
	Version string
	// File is the file the version was read from, relative to the project root
	// with '/' separators: a lockfile, or package.json when there is no lockfile.
	File string
	// Offset and End delimit the version entry in File (byte offsets), so a
	// finding can point at the exact line a fix changes.
	Offset, End int32
	// Direct is true when the package is declared in the package.json of the
	// directory being resolved (dependencies, devDependencies,
	// optionalDependencies or peerDependencies).
	Direct bool
	// Declared is the range written in package.json, when Direct.
	Declared string
}

// ReadFunc reads a file relative to the project root; it returns an error
// wrapping fs.ErrNotExist when the file is absent.
type ReadFunc func(rel string) ([]byte, error)

// lockfileNames in the order npm tooling prefers them: a shrinkwrap overrides a
// package-lock, and a directory normally has only one package manager's lockfile.
var lockfileNames = []string{
	"npm-shrinkwrap.json",
	"package-lock.json",
	"pnpm-lock.yaml",
	"yarn.lock",
	"bun.lock",
}

// declared is a package.json dependency entry; the "" key holds the package's
// own name (used to find bun's per-workspace entries).
type declared struct {
	spec       string
	start, end int
}

// Resolve returns the installed versions of the named packages for the package
// in dir (relative to the root, "." for the root). The lockfile next to dir wins;
// otherwise the one in rootDir (the workspace root, which may equal dir) is used,
// with dir's workspace entries preferred over hoisted ones. A package installed at
// several versions yields one Dep per distinct version. The diagnostics describe
// unreadable or malformed files; whatever could be read is still returned.
func Resolve(readFile ReadFunc, dir, rootDir string, names []string) ([]Dep, []result.Diagnostic) {
	dir = clean(dir)
	rootDir = clean(rootDir)
	var diags []result.Diagnostic
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}

	pkgRel := join(dir, "package.json")
	decl := map[string]declared{}
	if b, err := readFile(pkgRel); err == nil {
		if err := readPackageJSON(string(b), want, decl); err != nil {
			diags = append(diags, result.Diagnostic{File: pkgRel, Message: "package.json: " + err.Error()})
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		diags = append(diags, result.Diagnostic{File: pkgRel, Message: "cannot read package.json: " + err.Error()})
	}

	lockDirs := []string{dir}
	if rootDir != dir {
		lockDirs = append(lockDirs, rootDir)
	}
	for _, ld := range lockDirs {
		for _, name := range lockfileNames {
			rel := join(ld, name)
			b, err := readFile(rel)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					diags = append(diags, result.Diagnostic{File: rel, Message: "cannot read lockfile: " + err.Error()})
				}
				continue
			}
			// The workspace path of dir inside this lockfile's project.
			ws := "."
			if ld != dir {
				ws = relTo(ld, dir)
			}
			lk := &lockRead{text: string(b), want: want, decl: decl, ws: ws}
			var perr error
			switch name {
			case "npm-shrinkwrap.json", "package-lock.json":
				perr = lk.npm()
			case "pnpm-lock.yaml":
				lk.pnpm()
			case "yarn.lock":
				lk.yarn()
			case "bun.lock":
				perr = lk.bun()
			}
			if perr != nil {
				diags = append(diags, result.Diagnostic{File: rel, Message: name + ": " + perr.Error()})
			}
			return finish(lk.found, rel, decl, names), diags
		}
	}

	// No lockfile: trust package.json only for exact pins.
	var out []Dep
	for _, n := range names {
		d, ok := decl[n]
		if !ok || !IsExact(d.spec) {
			continue
		}
		out = append(out, Dep{
			Name: n, Version: strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(d.spec), "="), "v"),
			File: pkgRel, Offset: int32(d.start), End: int32(d.end), Direct: true, Declared: d.spec,
		})
	}
	return out, diags
}

// hit is one version found in a lockfile. primary marks entries tied to the
// resolved workspace (an importer entry, the workspace's own node_modules), which
// hide hoisted or unrelated entries of the same package.
type hit struct {
	name, version string
	start, end    int
	primary       bool
}

func finish(hits []hit, rel string, decl map[string]declared, names []string) []Dep {
	var out []Dep
	for _, n := range names {
		var hs []hit
		primary := false
		for _, h := range hits {
			if h.name == n {
				hs = append(hs, h)
				primary = primary || h.primary
			}
		}
		seen := map[string]bool{}
		for _, h := range hs {
			if primary && !h.primary {
				continue
			}
			if _, ok := ParseVersion(h.version); !ok || seen[h.version] {
				continue
			}
			seen[h.version] = true
			d, direct := decl[n]
			out = append(out, Dep{Name: n, Version: h.version, File: rel,
				Offset: int32(h.start), End: int32(h.end), Direct: direct, Declared: d.spec})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Offset < out[j].Offset
	})
	return out
}

var depGroups = map[string]bool{
	"dependencies": true, "devDependencies": true,
	"optionalDependencies": true, "peerDependencies": true,
}

func readPackageJSON(text string, want map[string]bool, decl map[string]declared) error {
	return walkJSON(text, func(p []string, val string, start, end int) bool {
		if len(p) == 1 && p[0] == "name" {
			decl[""] = declared{spec: val}
		}
		if len(p) == 2 && depGroups[p[0]] && want[p[1]] {
			// dependencies wins over peerDependencies: keep the first real one.
			if _, dup := decl[p[1]]; !dup || p[0] != "peerDependencies" {
				decl[p[1]] = declared{spec: val, start: start + 1, end: end - 1}
			}
		}
		return true
	})
}

type lockRead struct {
	text  string
	want  map[string]bool
	decl  map[string]declared
	ws    string // workspace path of the resolved dir relative to the lockfile's dir
	found []hit
}

func (lk *lockRead) add(name, version string, start, end int, primary bool) {
	lk.found = append(lk.found, hit{name: name, version: version, start: start, end: end, primary: primary})
}

func clean(p string) string {
	if p == "" {
		return "."
	}
	return path.Clean(strings.ReplaceAll(p, "\\", "/"))
}

func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// relTo returns target relative to base when target is below base, else target.
func relTo(base, target string) string {
	if base == "." {
		return target
	}
	if r, ok := strings.CutPrefix(target, base+"/"); ok {
		return r
	}
	return target
}

// depName returns the package name of a "name@spec" string, handling scopes.
func depName(spec string) (name, rest string) {
	at := strings.IndexByte(spec[min(1, len(spec)):], '@')
	if at < 0 {
		return spec, ""
	}
	at += min(1, len(spec))
	return spec[:at], spec[at+1:]
}
