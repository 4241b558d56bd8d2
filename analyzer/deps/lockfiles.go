package deps

import (
	"strings"
	"unicode"
)

// npm reads package-lock.json / npm-shrinkwrap.json. v2 and v3 list every
// installed copy under "packages" keyed by its node_modules path; v1 nests
// "dependencies" objects. Both may appear in a v2 file (it carries v1 data for
// old npm clients); hits are deduplicated by version later.
func (lk *lockRead) npm() error {
	return walkJSON(lk.text, func(p []string, val string, start, end int) bool {
		n := len(p)
		if n < 3 || p[n-1] != "version" {
			return true
		}
		switch p[0] {
		case "packages":
			if n != 3 {
				return true
			}
			key := p[1]
			i := strings.LastIndex(key, "node_modules/")
			if i < 0 {
				return true
			}
			name := key[i+len("node_modules/"):]
			if !lk.want[name] {
				return true
			}
			prefix := key[:i]
			var primary bool
			if lk.ws == "." {
				primary = prefix == "" || strings.HasPrefix(prefix, "node_modules/")
			} else {
				primary = prefix == lk.ws+"/" || strings.HasPrefix(prefix, lk.ws+"/node_modules/")
			}
			lk.add(name, val, start+1, end-1, primary)
		case "dependencies":
			// [dependencies, A, dependencies, B, ..., version]
			if n%2 == 0 {
				return true
			}
			for k := 0; k < n-1; k += 2 {
				if p[k] != "dependencies" {
					return true
				}
			}
			name := p[n-2]
			if lk.want[name] {
				lk.add(name, val, start+1, end-1, lk.ws == ".")
			}
		}
		return true
	})
}

// line is one line of a text lockfile: its byte offset, indentation (spaces) and
// content without indentation or line terminator.
type line struct {
	off    int
	indent int
	text   string
}

// eachLine iterates the lines of s, skipping blank lines and '#' comments.
func eachLine(s string, f func(l line)) {
	for off := 0; off < len(s); {
		end := strings.IndexByte(s[off:], '\n')
		next := len(s)
		if end >= 0 {
			next = off + end + 1
			end += off
		} else {
			end = len(s)
		}
		raw := strings.TrimRight(s[off:end], "\r")
		t := strings.TrimLeft(raw, " ")
		if t != "" && t[0] != '#' {
			f(line{off: off, indent: len(raw) - len(t), text: t})
		}
		off = next
	}
}

// yamlKV splits a simple YAML mapping line into key and value, unquoting both, and
// returns the offset of the value within the line's text (-1 when there is none).
func yamlKV(t string) (key, val string, valAt int, ok bool) {
	var rest string
	restAt := 0
	if t != "" && (t[0] == '\'' || t[0] == '"') {
		q := t[0]
		j := strings.IndexByte(t[1:], q)
		if j < 0 {
			return "", "", -1, false
		}
		key = t[1 : j+1]
		rest = t[j+2:]
		restAt = j + 2
		if !strings.HasPrefix(rest, ":") {
			return "", "", -1, false
		}
		rest = rest[1:]
		restAt++
	} else {
		if i := strings.Index(t, ": "); i >= 0 {
			key, rest, restAt = t[:i], t[i+1:], i+1
		} else if strings.HasSuffix(t, ":") {
			key, rest, restAt = t[:len(t)-1], "", len(t)
		} else {
			return "", "", -1, false
		}
	}
	trimmed := strings.TrimLeft(rest, " ")
	restAt += len(rest) - len(trimmed)
	if i := strings.Index(trimmed, " #"); i >= 0 {
		trimmed = trimmed[:i]
	}
	trimmed = strings.TrimRight(trimmed, " ")
	if trimmed == "" {
		return key, "", -1, true
	}
	if len(trimmed) >= 2 && (trimmed[0] == '\'' || trimmed[0] == '"') && trimmed[len(trimmed)-1] == trimmed[0] {
		return key, trimmed[1 : len(trimmed)-1], restAt + 1, true
	}
	return key, trimmed, restAt, true
}

// cleanPnpmVersion drops pnpm's peer-dependency suffixes: "14.1.0(react@18.2.0)"
// (v6, v9) and "14.1.0_react@18.2.0" (v5).
func cleanPnpmVersion(v string) string {
	if i := strings.IndexAny(v, "(_"); i >= 0 {
		return v[:i]
	}
	return v
}

// pnpm reads pnpm-lock.yaml with a line scanner. It understands importers
// (workspace entries, v5 inline "next: 14.1.0_…" and v6/v9 "version:" children),
// the flat top-level dependencies of single-project v5/v6 files, and the
// packages/snapshots keys ("/next/14.1.0", "/next@14.1.0(…)", "next@15.1.0").
// Importer entries of the resolved workspace are primary; package keys are the
// fallback for transitive packages such as react-server-dom-webpack.
func (lk *lockRead) pnpm() {
	section := ""
	importer := ""
	group := ""
	dep := ""
	// Indentation of the importer's dependency names: 6 under importers, 2 for
	// the flat top-level groups.
	depIndent := 6
	eachLine(lk.text, func(l line) {
		key, val, valAt, ok := yamlKV(l.text)
		if !ok {
			return
		}
		if l.indent == 0 {
			section, importer, group, dep = key, "", "", ""
			if depGroups[key] {
				section, importer, group, depIndent = "importers", ".", key, 2
			} else if key == "importers" {
				depIndent = 6
			}
			return
		}
		switch section {
		case "importers":
			switch {
			case l.indent == depIndent-4 && depIndent == 6:
				importer, group, dep = key, "", ""
			case l.indent == depIndent-2:
				if depIndent == 6 {
					group, dep = key, ""
				}
			case l.indent == depIndent:
				dep = ""
				if !depGroups[group] || importer != lk.ws || !lk.want[key] {
					return
				}
				dep = key
				if val != "" { // v5 inline form
					v := cleanPnpmVersion(val)
					s := l.off + l.indent + valAt
					lk.add(key, v, s, s+len(v), true)
				}
			case l.indent == depIndent+2 && dep != "" && key == "version" && val != "":
				v := cleanPnpmVersion(val)
				s := l.off + l.indent + valAt
				lk.add(dep, v, s, s+len(v), true)
			}
		case "packages", "snapshots":
			if l.indent != 2 {
				return
			}
			k := key
			keyAt := strings.Index(l.text, k)
			if keyAt < 0 {
				return
			}
			if strings.HasPrefix(k, "/") {
				k = k[1:]
				keyAt++
			}
			for name := range lk.want {
				var rest string
				if r, ok := strings.CutPrefix(k, name+"@"); ok {
					rest = r
				} else if r, ok := strings.CutPrefix(k, name+"/"); ok {
					rest = r
				} else {
					continue
				}
				v := cleanPnpmVersion(rest)
				s := l.off + l.indent + keyAt + len(name) + 1
				lk.add(name, v, s, s+len(v), false)
			}
		}
	})
}

// yarn reads yarn.lock, classic ("next@^14.0.0, next@^14.1.0:" + `version "14.1.0"`)
// and berry (`"next@npm:^14.0.0":` + "version: 14.1.0"). An entry whose header
// contains the range declared in package.json is the one this package uses.
func (lk *lockRead) yarn() {
	cur := ""
	primary := false
	eachLine(lk.text, func(l line) {
		if l.indent == 0 {
			cur, primary = "", false
			h, ok := strings.CutSuffix(l.text, ":")
			if !ok {
				return
			}
			for _, spec := range strings.Split(h, ",") {
				spec = strings.Trim(strings.TrimSpace(spec), `"'`)
				name, rng := depName(spec)
				if !lk.want[name] {
					continue
				}
				cur = name
				if d, ok := lk.decl[name]; ok && (rng == d.spec || rng == "npm:"+d.spec) {
					primary = true
				}
			}
			return
		}
		if cur == "" || l.indent != 2 {
			return
		}
		var rest string
		var at int
		if r, ok := strings.CutPrefix(l.text, "version: "); ok {
			rest, at = r, len("version: ")
		} else if r, ok := strings.CutPrefix(l.text, "version "); ok {
			rest, at = r, len("version ")
		} else {
			return
		}
		// The version's offset must skip the spaces TrimSpace drops in front.
		at += len(rest) - len(strings.TrimLeftFunc(rest, unicode.IsSpace))
		v := strings.TrimSpace(rest)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
			at++
		}
		s := l.off + l.indent + at
		lk.add(cur, v, s, s+len(v), primary)
	})
}

// bun reads the text bun.lock (JSONC). "packages" maps an install path ("next",
// "some-dep/next", "<workspace-name>/next") to ["next@15.1.0", …].
func (lk *lockRead) bun() error {
	wsName := ""
	if lk.ws != "." {
		wsName = lk.decl[""].spec
	}
	return walkJSON(lk.text, func(p []string, val string, start, end int) bool {
		if len(p) != 3 || p[0] != "packages" || p[2] != "0" {
			return true
		}
		key := p[1]
		name, ver := depName(val)
		if !lk.want[name] || (key != name && !strings.HasSuffix(key, "/"+name)) {
			return true
		}
		var primary bool
		if lk.ws == "." {
			primary = key == name
		} else {
			primary = wsName != "" && key == wsName+"/"+name
		}
		s := start + 1 + len(name) + 1
		lk.add(name, ver, s, s+len(ver), primary)
		return true
	})
}
