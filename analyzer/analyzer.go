// Package analyzer runs the whole pipeline: discover → read → index (parsing on
// demand) → entry points → summaries → rules → suppressions → result.
package analyzer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/config"
	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/resolve"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
	"github.com/nextguard/nextguard/rules"
)

// Options configure a run.
type Options struct {
	// Paths are the files or directories given on the command line; the project
	// root is found from the first. Findings are reported only inside them.
	Paths []string
	// Focus, when set, lists the files whose changes matter (absolute paths):
	// only entry points in them or importing them are analysed, and project
	// checks may skip other files. It does not filter findings; --diff and
	// --staged filter by changed lines afterwards.
	Focus []string
	// Config is an explicit config file; otherwise nextguard.json at the root.
	Config string
	Jobs   int
	// Enable/Disable select rules by id on top of the config.
	Enable, Disable []string
	Version         string
}

// Run analyses a project.
func Run(ctx context.Context, opts Options) (*result.Result, error) {
	start := time.Now()
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	root, err := discover.FindRoot(opts.Paths[0])
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(root, opts.Config)
	if err != nil {
		return nil, err
	}
	filter, err := reportFilter(root, opts.Paths)
	if err != nil {
		return nil, err
	}
	proj, err := discover.Discover(root, discover.Options{Include: cfg.Include, Exclude: cfg.Exclude, MaxFileSize: cfg.MaxFileSize})
	if err != nil {
		return nil, err
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	res := &result.Result{Version: result.Version, Tool: result.Tool{Name: "nextguard", Version: opts.Version}, Root: root}
	res.Errors = append(res.Errors, proj.Diagnostics...)

	files, readDiags := readAll(proj, jobs)
	res.Errors = append(res.Errors, readDiags...)
	layout := layoutOf(proj)
	candidates := candidateFiles(files, layout)

	read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))) }
	rels := make([]string, 0, len(files))
	for rel := range files {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	res0 := resolve.New(root, rels, proj.TSConfigs, proj.PackageDirs, read)
	prog := index.NewProgram(root, files, func(from, spec string) index.Target {
		t := res0.Resolve(from, spec)
		return index.Target{File: t.File, Package: t.Package, Subpath: t.Subpath}
	})
	scope := filter
	if opts.Focus != nil {
		scope = focusFilter(root, opts.Focus)
	}
	if scope != nil {
		candidates = scopeCandidates(candidates, files, scope, func(from, spec string) string { return res0.Resolve(from, spec).File }, jobs)
	}
	mods := parseAll(prog, candidates, jobs)
	res.Errors = append(res.Errors, res0.Diagnostics()...)

	entries := entry.Find(prog, mods, layout)
	eng := flow.New(prog, flowConfig(cfg))
	enabled := enabledRules(cfg, opts)
	col := &collector{root: root, cfg: cfg, filter: filter}
	middleware := middlewareOf(proj)
	models, modelDiags := loadModels(proj)
	res.Errors = append(res.Errors, modelDiags...)
	fields := sensitiveFields(models, cfg.SensitiveFields)
	shared := rules.NewProjectContext()
	shared.Files, shared.TSConfigs, shared.Program, shared.Resolver = rels, proj.TSConfigs, prog, res0
	shared.FlowConfig, shared.SensitiveFields = flowConfig(cfg), fields
	if scope != nil {
		shared.InScope = func(rel string) bool { return inFilter(scope, rel) }
	}
	// Project checks overlap the entry loop: on two cores the slower of the two
	// sets the wall time instead of their sum (docs/PERFORMANCE.md).
	projectDone := make(chan struct{})
	go func() {
		defer close(projectDone)
		runProjectRules(enabled, root, proj, files, cfg, col, shared)
	}()
	var results []rules.EntryResult
	for _, en := range entries {
		facts := analyzeEntry(eng, en, col)
		results = append(results, rules.EntryResult{Entry: en, Facts: facts})
		if inFilter(filter, en.Mod.Rel) {
			res.EntryPoints = append(res.EntryPoints, inventory(en, facts))
		}
		if facts == nil {
			continue
		}
		if facts.Truncated {
			line, col := en.Mod.File.Position(en.Loc.Start)
			res.Errors = append(res.Errors, result.Diagnostic{File: en.Mod.Rel, Line: line, Column: col,
				Message: fmt.Sprintf("analysis of entry point %s stopped at its work limit; its findings may be incomplete (please report this file)", en.Name)})
		}
		runEntryRules(enabled, en, facts, middleware[appOf(proj, en.Mod.Rel)], fields, cfg, prog, col)
	}
	shared.SetEntries(results)
	<-projectDone
	res.Errors = append(res.Errors, prog.Diagnostics()...)
	res.Errors = append(res.Errors, col.errors...)
	res.Findings = applySuppressions(col.findings, files, col)
	for _, r := range enabled {
		res.Rules = append(res.Rules, ruleInfo(r))
	}
	finish(res)
	res.Stats = result.Stats{Files: len(proj.Files), ParsedFiles: prog.Parsed(), EntryPoints: len(res.EntryPoints), DurationMs: time.Since(start).Milliseconds()}
	_ = ctx
	return res, nil
}

// runEntryRules runs the per-entry checks on one analysed entry point.
func runEntryRules(enabled []*rules.Rule, en *entry.Entry, facts *flow.EntryFacts, mw string, fields func(string) ([]string, bool), cfg *config.Config, prog *index.Program, col *collector) {
	public := cfg.IsPublic(en.Mod.Rel, en.Name)
	for _, r := range enabled {
		if r.CheckEntry == nil || !appliesTo(r, en.Kind) {
			continue
		}
		pass := rules.NewPass(en, facts, mw, fields, cfg, col.reporter(r, en))
		pass.Public = public
		pass.Program = prog
		col.run(r, en.Mod.Rel, func() { r.CheckEntry(pass) })
	}
}

// runProjectRules runs the project-level checks, one after the other.
func runProjectRules(enabled []*rules.Rule, root string, proj *discover.Project, files map[string]*source.File, cfg *config.Config, col *collector, shared *rules.ProjectContext) {
	reader := cachedReader(root, files)
	for _, r := range enabled {
		if r.CheckProject == nil {
			continue
		}
		pp := rules.NewProjectPass(root, proj.PackageDirs, reader, cfg, col.reporter(r, nil))
		pp.Project = shared
		col.run(r, "", func() { r.CheckProject(pp) })
	}
}

func loadConfig(root, explicit string) (*config.Config, error) {
	known := make([]string, 0)
	for _, r := range rules.All() {
		known = append(known, r.ID)
	}
	known = append(known, UnusedSuppression)
	path := explicit
	if path == "" {
		p, ok := config.Find(root)
		if !ok {
			return &config.Config{}, nil
		}
		path = p
	}
	return config.Load(path, known)
}

// reportFilter turns the command-line paths into root-relative prefixes;
// nil means "report everything".
func reportFilter(root string, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == "." {
			return nil, nil
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}

func inFilter(filter []string, rel string) bool {
	if filter == nil {
		return true
	}
	for _, f := range filter {
		if rel == f || strings.HasPrefix(rel, f+"/") {
			return true
		}
	}
	return false
}

func layoutOf(proj *discover.Project) entry.Layout {
	var l entry.Layout
	for _, a := range proj.Apps {
		if a.AppDir != "" {
			l.AppDirs = append(l.AppDirs, a.AppDir)
		}
		if a.PagesDir != "" {
			l.PagesDirs = append(l.PagesDirs, a.PagesDir)
		}
	}
	if len(proj.Apps) == 0 {
		l.AppDirs = []string{"app", "src/app"}
		l.PagesDirs = []string{"pages", "src/pages"}
	}
	return l
}

func flowConfig(c *config.Config) flow.Config {
	return flow.Config{AuthSources: c.AuthSources, AuthGuards: c.AuthGuards, AuthorizationHelpers: c.AuthorizationHelpers,
		Validators: c.Validators, DBClients: c.DBClients, RateLimiters: c.RateLimiters}
}

func enabledRules(cfg *config.Config, opts Options) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rules.All() {
		on := true
		if sev, ok := cfg.Severity(r.ID); ok && sev == "off" {
			on = false
		}
		for _, id := range opts.Disable {
			if id == r.ID {
				on = false
			}
		}
		for _, id := range opts.Enable {
			if id == r.ID {
				on = true
			}
		}
		if on {
			out = append(out, r)
		}
	}
	return out
}

func appliesTo(r *rules.Rule, kind string) bool {
	if len(r.Kinds) == 0 {
		return true
	}
	for _, k := range r.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

func middlewareOf(proj *discover.Project) map[string]string {
	out := map[string]string{}
	for _, a := range proj.Apps {
		out[a.Dir] = a.Middleware
	}
	return out
}

func appOf(proj *discover.Project, rel string) string {
	best := ""
	for _, a := range proj.Apps {
		if a.Dir == "." || strings.HasPrefix(rel, a.Dir+"/") {
			if len(a.Dir) > len(best) || best == "" {
				best = a.Dir
			}
		}
	}
	return best
}

// analyzeEntry runs the flow analysis of one entry, isolating panics.
func analyzeEntry(eng *flow.Engine, en *entry.Entry, col *collector) (facts *flow.EntryFacts) {
	defer func() {
		if r := recover(); r != nil {
			col.errors = append(col.errors, result.Diagnostic{File: en.Mod.Rel, Message: fmt.Sprintf("internal error while analysing entry point %s: %v\n%s", en.Name, r, firstFrames(debug.Stack())), Internal: true})
			facts = nil
		}
	}()
	return eng.AnalyzeEntry(en)
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 14 {
		lines = lines[:14]
	}
	return strings.Join(lines, "\n")
}

func inventory(en *entry.Entry, f *flow.EntryFacts) result.EntryPoint {
	line, col := en.Mod.File.Position(en.Loc.Start)
	ep := result.EntryPoint{Kind: en.Kind, Name: en.Name, File: en.Mod.Rel, Line: line, Column: col, Directive: en.Directive, Method: en.Method, BoundArgs: en.BoundArgs}
	if en.Fn != nil {
		for _, a := range en.Fn.Args {
			ep.Params = append(ep.Params, paramName(en.Fn.Mod, a.Binding))
		}
	}
	if f == nil || f.Facts == nil {
		return ep
	}
	ep.Wrapper = f.WrapperName
	ep.Authenticated = f.Authenticated()
	ep.Sensitive = len(f.Ops) > 0
	ep.Validated = f.PreValidated
	unvalidated := false
	for _, u := range f.Uses {
		if u.Val.Has(flow.Client) && !u.Val.Has(flow.Validated) {
			unvalidated = true
		}
	}
	if !unvalidated && len(f.Uses) > 0 {
		ep.Validated = true
	}
	ep.Authorized = true
	for _, q := range f.Queries {
		if q.IDOrigin != nil && q.Filter.Has(flow.Client) && !q.Filter.Has(flow.Caller) && !q.RLS {
			if _, ok := f.Authorized[q.IDOrigin.ID]; !ok {
				ep.Authorized = false
			}
		}
	}
	for _, r := range f.Returns {
		if r.Val.DeepRows().Has(flow.Rows) {
			ep.ReturnsRawRows = true
		}
	}
	return ep
}

// paramName names a parameter for the inventory; destructured ones show their shape.
func paramName(m *index.Module, b esb.Binding) string {
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		return m.SymbolName(x.Ref)
	case *esb.BObject:
		return "{…}"
	case *esb.BArray:
		return "[…]"
	}
	return "_"
}

// fingerprint identifies a finding across edits: rule, file, entry point and
// the normalised text of the flagged line, never line numbers.
func fingerprint(rule, file, entryName, lineText string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", rule, file, entryName, strings.Join(strings.Fields(lineText), " "))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func cachedReader(root string, files map[string]*source.File) func(string) (*source.File, error) {
	var mu sync.Mutex
	cache := map[string]*source.File{}
	return func(rel string) (*source.File, error) {
		mu.Lock()
		defer mu.Unlock()
		if f := files[rel]; f != nil {
			return f, nil
		}
		if f := cache[rel]; f != nil {
			return f, nil
		}
		clean := filepath.Clean(filepath.FromSlash(rel))
		if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
			return nil, fmt.Errorf("%s: outside the project root", rel)
		}
		abs := filepath.Join(root, clean)
		info, err := os.Lstat(abs)
		if err != nil {
			return nil, err
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", rel)
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			return nil, err
		}
		f := source.New(abs, rel, string(b))
		cache[rel] = f
		return f, nil
	}
}

// finish sorts everything into the deterministic output order.
func finish(res *result.Result) {
	slices.SortStableFunc(res.EntryPoints, result.CompareEntryPoints)
	slices.SortStableFunc(res.Findings, result.CompareFindings)
	slices.SortStableFunc(res.Errors, result.CompareDiagnostics)
	if res.EntryPoints == nil {
		res.EntryPoints = []result.EntryPoint{}
	}
	if res.Findings == nil {
		res.Findings = []result.Finding{}
	}
	if res.Errors == nil {
		res.Errors = []result.Diagnostic{}
	}
}
