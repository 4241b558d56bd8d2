package rules

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nextguard/nextguard/analyzer/deps"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// The advisory table is data, not code, so that adding an advisory is a reviewed
// JSON change with its source recorded next to it ("source" says how each range
// was verified) and the tests pick it up without edits.
//
//go:embed data/advisories.json
var advisoriesJSON []byte

// advisory is one entry of data/advisories.json.
type advisory struct {
	ID       string   `json:"id"`
	GHSA     string   `json:"ghsa"`
	Aliases  []string `json:"aliases"`
	Packages []string `json:"packages"`
	// Summary completes "<pkg> <ver> is affected by <id>: …" — what an attacker
	// can do, in one clause.
	Summary  string   `json:"summary"`
	CWE      string   `json:"cwe"`
	Severity float64  `json:"severity"`
	Context  string   `json:"context"` // "middleware" | "rsc" | "ssrf" | ""
	Ranges   []vrange `json:"ranges"`
	Fixed    []string `json:"fixed"`
	URL      string   `json:"url"`
	Source   string   `json:"source"`
}

// vrange is the half-open interval [Introduced, Fixed). A range with no fix on
// its line has Fixed empty and Until as its exclusive upper bound (empty Until
// means every later version is affected).
type vrange struct {
	Introduced string `json:"introduced"`
	Fixed      string `json:"fixed"`
	Until      string `json:"until"`
}

func (r vrange) contains(v deps.Version) bool {
	lo, _ := deps.ParseVersion(r.Introduced)
	if v.Compare(lo) < 0 {
		return false
	}
	hi := r.Fixed
	if hi == "" {
		hi = r.Until
	}
	if hi == "" {
		return true
	}
	h, _ := deps.ParseVersion(hi)
	return v.Compare(h) < 0
}

// label names the advisory as "CVE-… (GHSA-…)".
func (a *advisory) label() string {
	if a.GHSA != "" {
		return a.ID + " (" + a.GHSA + ")"
	}
	return a.ID
}

// affects reports whether version v of pkg falls in one of the ranges.
func (a *advisory) affects(pkg string, v deps.Version) bool {
	found := false
	for _, p := range a.Packages {
		found = found || p == pkg
	}
	if !found {
		return false
	}
	for _, r := range a.Ranges {
		if r.contains(v) {
			return true
		}
	}
	return false
}

// upgradeTarget is the release to recommend: the smallest fixed version above v
// on v's own major.minor line when one exists (the least disruptive upgrade),
// otherwise the smallest fixed version above v on any line.
func (a *advisory) upgradeTarget(v deps.Version) string {
	var same, any string
	var sameV, anyV deps.Version
	for _, r := range a.Ranges {
		if r.Fixed == "" {
			continue
		}
		f, ok := deps.ParseVersion(r.Fixed)
		if !ok || f.Compare(v) <= 0 {
			continue
		}
		if any == "" || f.Compare(anyV) < 0 {
			any, anyV = r.Fixed, f
		}
		if f.Major == v.Major && f.Minor == v.Minor && (same == "" || f.Compare(sameV) < 0) {
			same, sameV = r.Fixed, f
		}
	}
	if same != "" {
		return same
	}
	return any
}

// loadAdvisories parses and validates the embedded table; a malformed table is a
// programming error, so it panics at init and the tests catch it.
func loadAdvisories(b []byte) ([]*advisory, error) {
	var as []*advisory
	if err := json.Unmarshal(b, &as); err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ID == "" || len(a.Packages) == 0 || a.Summary == "" || len(a.Ranges) == 0 || a.URL == "" {
			return nil, fmt.Errorf("advisory %q: missing id, packages, summary, ranges or url", a.ID)
		}
		for _, r := range a.Ranges {
			for _, v := range []string{r.Introduced, r.Fixed, r.Until} {
				if _, ok := deps.ParseVersion(v); v != "" && !ok || r.Introduced == "" {
					return nil, fmt.Errorf("advisory %s: bad range %+v", a.ID, r)
				}
			}
		}
	}
	return as, nil
}

var advisories = func() []*advisory {
	as, err := loadAdvisories(advisoriesJSON)
	if err != nil {
		panic("rules: data/advisories.json: " + err.Error())
	}
	return as
}()

// rscPackages are React's Server Components runtimes; next vendors its own copy,
// so they appear in lockfiles only for other frameworks or custom setups.
var rscPackages = []string{"react-server-dom-webpack", "react-server-dom-turbopack", "react-server-dom-parcel"}

func worstSeverity() float64 {
	w := 0.0
	for _, a := range advisories {
		w = max(w, a.Severity)
	}
	return w
}

func advisoryCWEs() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range advisories {
		if a.CWE != "" && !seen[a.CWE] {
			seen[a.CWE] = true
			out = append(out, a.CWE)
		}
	}
	sort.Strings(out)
	return out
}

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:    "vulnerable-next",
			Name:  "VulnerableNextVersion",
			Short: "The installed Next.js or React Server Components version has a known exploitable vulnerability",
			Full: "Reports installed versions of next and react-server-dom-webpack/turbopack/parcel " +
				"that fall in the affected range of a published advisory (middleware bypass, remote " +
				"code execution through the RSC Flight protocol, Server Action SSRF, CSRF and denial " +
				"of service). The version is read from the lockfile, so the finding is about what is " +
				"deployed, and it points at the lockfile line an upgrade changes.",
			Severity:         result.Error,
			SecuritySeverity: worstSeverity(),
			Precision:        "very-high",
			CWE:              advisoryCWEs(),
			Tags:             []string{"dependency"},
		},
		CheckProject: checkVulnerableNext,
	})
}

func checkVulnerableNext(p *ProjectPass) {
	read := func(rel string) ([]byte, error) {
		f, err := p.ReadFile(rel)
		if err != nil {
			return nil, err
		}
		return []byte(f.Text), nil
	}
	names := append([]string{"next"}, rscPackages...)
	// A hoisted lockfile entry is seen from every workspace package; report it once.
	type key struct {
		file string
		off  int32
		id   string
	}
	reported := map[key]bool{}
	// In a monorepo, a library (packages/ui) that declares next serves
	// nothing; the apps that bundle it are reported. Without any recognisable
	// app, every package is checked.
	dirs := p.PackageDirs
	var apps []string
	for _, dir := range dirs {
		if isNextApp(p, dir) {
			apps = append(apps, dir)
		}
	}
	if len(apps) > 0 {
		dirs = apps
	}
	for _, dir := range dirs {
		ds, _ := deps.Resolve(read, dir, ".", names)
		var ctx *exposure
		for _, d := range ds {
			// next must be a dependency of this package: the root of a monorepo
			// sees the hoisted copy of a workspace's next without depending on it.
			if d.Name == "next" && !d.Direct {
				continue
			}
			v, ok := deps.ParseVersion(d.Version)
			if !ok {
				continue
			}
			for _, a := range advisories {
				if !a.affects(d.Name, v) {
					continue
				}
				k := key{d.File, d.Offset, a.ID + a.GHSA}
				if reported[k] {
					continue
				}
				reported[k] = true
				f, err := p.ReadFile(d.File)
				if err != nil {
					continue
				}
				if ctx == nil {
					ctx = probeExposure(p, dir)
				}
				msg, help := vulnMessage(a, d, v, ctx)
				p.Report(Diagnostic{File: f, Start: d.Offset, End: d.End, Message: msg, Help: help})
			}
		}
	}
}

// vulnMessage says what is installed, what an attacker can do with it, why this
// project is exposed when that can be seen, and what to upgrade to.
func vulnMessage(a *advisory, d deps.Dep, v deps.Version, ctx *exposure) (msg, help string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s is affected by %s: %s.", d.Name, d.Version, a.label(), a.Summary)
	if s := ctx.sentence(a.Context); s != "" {
		b.WriteString(" " + s)
	}
	target := a.upgradeTarget(v)
	if target != "" {
		fmt.Fprintf(&b, " Upgrade %s to %s or later.", d.Name, target)
		line := fmt.Sprintf("%d.%d", v.Major, v.Minor)
		if t, _ := deps.ParseVersion(target); t.Major == v.Major && t.Minor == v.Minor {
			help = fmt.Sprintf("Upgrade %s to %s or later (the first fixed release on the %s line) and commit the regenerated lockfile. See %s", d.Name, target, line, a.URL)
		} else {
			help = fmt.Sprintf("Upgrade %s to %s or later (no fixed %s release exists) and commit the regenerated lockfile. See %s", d.Name, target, line, a.URL)
		}
	} else {
		b.WriteString(" No fixed release is published yet; apply the advisory's workaround.")
		help = "No fixed release is published yet; apply the workaround described in " + a.URL
	}
	if safe := safeVersion(d.Name, v); safe != "" && safe != target {
		help += fmt.Sprintf(" %s %s or later also clears every other advisory nextguard knows for %s.", d.Name, safe, d.Name)
	}
	if d.File != "" && strings.HasSuffix(d.File, "package.json") {
		help += " (No lockfile was found, so the version pinned in package.json was used.)"
	}
	return b.String(), help
}

// safeVersion is the smallest fixed release above v that no advisory in the
// table affects, so several findings on one line can be fixed by one upgrade.
func safeVersion(pkg string, v deps.Version) string {
	var cands []deps.Version
	var names []string
	for _, a := range advisories {
		if !slices.Contains(a.Packages, pkg) {
			continue
		}
		for _, r := range a.Ranges {
			if f, ok := deps.ParseVersion(r.Fixed); ok && f.Compare(v) > 0 {
				cands = append(cands, f)
				names = append(names, r.Fixed)
			}
		}
	}
	best := -1
	for i, c := range cands {
		if best >= 0 && c.Compare(cands[best]) >= 0 {
			continue
		}
		clean := true
		for _, a := range advisories {
			if a.affects(pkg, c) {
				clean = false
				break
			}
		}
		if clean {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return names[best]
}

// exposure holds what the project layout says about how reachable a flaw is.
type exposure struct {
	middleware string // the middleware/proxy file found, or ""
	appDir     bool   // an App Router app/ directory exists
	selfHosted string // why the app looks self-hosted, or ""
}

func (e *exposure) sentence(kind string) string {
	if e == nil {
		return ""
	}
	switch kind {
	case "middleware":
		if e.middleware != "" {
			return "This package has " + e.middleware + ", and any check done only there can be skipped."
		}
	case "rsc":
		if e.appDir {
			return "This package uses the App Router (app/), so its Server Function endpoints are reachable."
		}
	case "ssrf":
		if e.selfHosted != "" {
			return "The app looks self-hosted (" + e.selfHosted + ")."
		}
	}
	return ""
}

// probeExposure looks for a few well-known files; ProjectPass only offers
// ReadFile, and these names are fixed by Next.js conventions.
func probeExposure(p *ProjectPass, dir string) *exposure {
	e := &exposure{}
	rel := func(name string) string {
		if dir == "." || dir == "" {
			return name
		}
		return dir + "/" + name
	}
	exists := func(name string) (*source.File, bool) {
		f, err := p.ReadFile(rel(name))
		return f, err == nil && f != nil
	}
	for _, base := range []string{"middleware", "proxy", "src/middleware", "src/proxy"} {
		for _, ext := range []string{".ts", ".js", ".mjs", ".tsx", ".jsx"} {
			if _, ok := exists(base + ext); ok && e.middleware == "" {
				e.middleware = base + ext
			}
		}
	}
	for _, base := range []string{"app/layout", "src/app/layout", "app/page", "src/app/page"} {
		for _, ext := range []string{".tsx", ".jsx", ".js", ".ts"} {
			if _, ok := exists(base + ext); ok {
				e.appDir = true
			}
		}
	}
	for _, name := range []string{"next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"} {
		if f, ok := exists(name); ok && strings.Contains(f.Text, "standalone") {
			e.selfHosted = "output: 'standalone' in " + name
		}
	}
	if _, ok := exists("Dockerfile"); ok && e.selfHosted == "" {
		e.selfHosted = "a Dockerfile"
	}
	return e
}

// isNextApp reports whether a package directory is a deployable Next.js app:
// it has a next.config file, or its scripts run next (dev/build/start).
func isNextApp(p *ProjectPass, dir string) bool {
	join := func(name string) string {
		if dir == "." || dir == "" {
			return name
		}
		return dir + "/" + name
	}
	for _, ext := range []string{"js", "mjs", "cjs", "ts", "mts"} {
		if _, err := p.ReadFile(join("next.config." + ext)); err == nil {
			return true
		}
	}
	f, err := p.ReadFile(join("package.json"))
	if err != nil {
		return false
	}
	for _, cmd := range []string{"next dev", "next build", "next start", "next lint"} {
		if strings.Contains(f.Text, cmd) {
			return true
		}
	}
	return false
}
