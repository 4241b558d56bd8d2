// Package discover finds what nextguard analyses: the project root for the
// paths the user gave, every JS/TS source file in it, the Next.js apps, the
// workspace packages and the tsconfig files. It is the first pipeline stage,
// so it must be fast (it touches every directory of a monorepo), must never
// hang or crash on odd file-system objects, and must report — not silently
// drop — what it skips, because a skipped file is an unanalysed endpoint.
package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/nextguard/nextguard/analyzer/result"
)

// DefaultMaxFileSize is the size above which a source file is not analysed.
// Hand-written actions and routes are far smaller; multi-megabyte JS files
// are bundles or generated code, and parsing them would dominate the run.
const DefaultMaxFileSize int64 = 2 << 20

// Options narrows the walk.
type Options struct {
	// Include and Exclude are doublestar globs relative to Root
	// ("**/generated/**"). A file is kept when Include is empty or a glob
	// matches the file or one of its ancestor directories, and no Exclude glob
	// matches it or an ancestor directory.
	Include, Exclude []string
	// MaxFileSize in bytes; 0 means DefaultMaxFileSize. Larger source files
	// are reported as diagnostics, never silently dropped.
	MaxFileSize int64
}

// File is a source file to analyse.
type File struct {
	Abs  string // absolute path (of the symlink, for a symlinked file)
	Rel  string // relative to Root, '/' separators
	Size int64
}

// App is one Next.js application inside the project. A monorepo has several,
// and rules need to know which app (middleware, config, router dirs) a file
// belongs to.
type App struct {
	Dir        string // rel dir of the app ("." for root)
	NextConfig string // rel path of next.config.{js,mjs,cjs,ts,mts}, or ""
	AppDir     string // rel path of the App Router dir ("app" or "src/app" under Dir), or ""
	PagesDir   string // rel path of the Pages Router dir, or ""
	Middleware string // rel path of middleware.{ts,js} or proxy.{ts,js} (Next 16), or ""
	TSConfig   string // rel path of the tsconfig.json/jsconfig.json that governs the app, or ""
}

// Project is the result of discovery.
type Project struct {
	Root        string // absolute project root
	Files       []File // JS/TS sources (not declaration files), sorted by Rel
	Apps        []App  // sorted by Dir
	PackageDirs []string
	TSConfigs   []string
	// SchemaFiles are the inputs of Prisma schema discovery the walk saw,
	// sorted: every .prisma file, prisma.config.* and package.json, wherever
	// it is (Include does not narrow them: a schema outside the analysed
	// folders still describes its models). See schema.FindPrismaSchemas.
	SchemaFiles []string
	Diagnostics []result.Diagnostic
}

// readDir is a seam for tests: running as root, a chmod 000 directory is still
// readable, so the unreadable-directory path can only be exercised this way.
var readDir = os.ReadDir

// skipDirs are never project sources: dependencies, VCS data and tool caches.
var skipDirs = map[string]bool{
	"node_modules": true, ".next": true, ".git": true, ".turbo": true,
	".vercel": true, ".cache": true,
}

// outputDirs hold build output. They are skipped only next to a package.json
// (or at Root), where build tools put them: a route segment such as
// app/build/ or a src/lib/dist/ helper folder is real source and must be seen.
var outputDirs = map[string]bool{
	"out": true, "dist": true, "build": true, "coverage": true,
}

var sourceExts = map[string]bool{
	".ts": true, ".tsx": true, ".js": true, ".jsx": true,
	".mjs": true, ".cjs": true, ".mts": true, ".cts": true,
}

// IsSource reports whether a file name is a JS/TS source nextguard analyses.
// Declaration files only describe types and hold no code to check.
func IsSource(name string) bool {
	ext := path.Ext(name)
	if !sourceExts[ext] {
		return false
	}
	stem := name[:len(name)-len(ext)]
	return !strings.HasSuffix(stem, ".d")
}

// SchemaInput reports whether a file name is an input of Prisma schema
// discovery: a .prisma file, a prisma.config.* or a package.json (which may
// name the schema in "prisma": {"schema": …}).
func SchemaInput(name string) bool {
	switch name {
	case "package.json", "prisma.config.ts", "prisma.config.mts", "prisma.config.cts",
		"prisma.config.js", "prisma.config.mjs", "prisma.config.cjs":
		return true
	}
	return strings.HasSuffix(name, ".prisma")
}

// nextConfigName reports whether name is a Next.js config file.
func nextConfigName(name string) bool {
	switch name {
	case "next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts", "next.config.mts":
		return true
	}
	return false
}

type walker struct {
	root     string // absolute, cleaned
	rootReal string // root with symlinks resolved, to judge where links point
	maxSize  int64
	include  []string
	exclude  []string

	// sem bounds the goroutines walking sub-trees. The walk is bound by
	// getdents/lstat latency, not CPU, so overlapping system calls is what
	// makes a large monorepo fast.
	sem chan struct{}
	wg  sync.WaitGroup

	mu sync.Mutex
	found
}

// found is what a walk of one directory produced. Each directory fills its
// own and merges it once, so goroutines contend on the lock once per
// directory rather than per file.
type found struct {
	files       []File
	diags       []result.Diagnostic
	dirs        map[string]bool   // every walked directory (rel)
	sources     map[string]bool   // every source file seen, including size-skipped ones
	pkgDirs     []string          // dirs with a package.json
	nextConfigs map[string]string // dir -> next.config path
	tsconfigs   []string
	schemaFiles []string
}

func (f *found) diag(rel, format string, args ...any) {
	f.diags = append(f.diags, result.Diagnostic{File: rel, Message: fmt.Sprintf(format, args...)})
}

func (w *walker) merge(f *found) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files = append(w.files, f.files...)
	w.diags = append(w.diags, f.diags...)
	w.pkgDirs = append(w.pkgDirs, f.pkgDirs...)
	w.tsconfigs = append(w.tsconfigs, f.tsconfigs...)
	w.schemaFiles = append(w.schemaFiles, f.schemaFiles...)
	for k := range f.dirs {
		w.dirs[k] = true
	}
	for k := range f.sources {
		w.sources[k] = true
	}
	for k, v := range f.nextConfigs {
		w.nextConfigs[k] = v
	}
}

// Discover walks root and describes the project. It returns an error only for
// problems with the request itself (root unreadable, invalid globs); problems
// with individual files and directories become Diagnostics.
func Discover(root string, opts Options) (*Project, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("discover: %s is not a directory", abs)
	}
	w := &walker{
		root:     abs,
		rootReal: abs,
		maxSize:  opts.MaxFileSize,
		sem:      make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		found: found{
			dirs:        map[string]bool{".": true},
			sources:     map[string]bool{},
			nextConfigs: map[string]string{},
		},
	}
	if w.maxSize <= 0 {
		w.maxSize = DefaultMaxFileSize
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		w.rootReal = real
	}
	if w.include, err = compileGlobs("include", opts.Include); err != nil {
		return nil, err
	}
	if w.exclude, err = compileGlobs("exclude", opts.Exclude); err != nil {
		return nil, err
	}

	w.walk(abs, ".", w.ancestorIgnores())
	w.wg.Wait()

	p := &Project{Root: abs, Files: w.files, TSConfigs: w.tsconfigs, SchemaFiles: w.schemaFiles}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Rel < p.Files[j].Rel })
	sort.Strings(p.TSConfigs)
	sort.Strings(p.SchemaFiles)
	w.project(p)
	sort.SliceStable(w.diags, func(i, j int) bool {
		a, b := w.diags[i], w.diags[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Message < b.Message
	})
	p.Diagnostics = w.diags
	return p, nil
}

func compileGlobs(what string, globs []string) ([]string, error) {
	var out []string
	for _, g := range globs {
		n := normalizeGlob(g)
		if n == "" {
			continue
		}
		if !doublestar.ValidatePattern(n) {
			return nil, fmt.Errorf("invalid %s glob %q", what, g)
		}
		out = append(out, n)
	}
	return out, nil
}

// ancestorIgnores loads the .gitignore files between the repository top and
// Root (exclusive), plus .git/info/exclude, because git applies them to Root's
// content when the user scans a sub-folder of a repository. Outside a git
// repository, ancestors' .gitignore files are unrelated and not applied.
func (w *walker) ancestorIgnores() ignoreStack {
	var chain []string // root's ancestors, innermost first
	top := ""
	for d := w.root; ; {
		if exists(filepath.Join(d, ".git")) {
			top = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
		chain = append(chain, d)
	}
	if top == "" {
		return nil
	}
	var stack ignoreStack
	addFile := func(dir, file string) {
		data, err := readRegular(file)
		if err != nil {
			return
		}
		rules := compileIgnore(string(data))
		if len(rules) == 0 {
			return
		}
		f := &ignoreFile{rules: rules}
		if dir != w.root {
			r, err := filepath.Rel(dir, w.root)
			if err != nil {
				return
			}
			f.prepend = filepath.ToSlash(r) + "/"
		}
		stack = append(stack, f)
	}
	addFile(top, filepath.Join(top, ".git", "info", "exclude"))
	for i := len(chain) - 1; i >= 0; i-- {
		addFile(chain[i], filepath.Join(chain[i], ".gitignore"))
	}
	return stack
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func joinRel(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

func (w *walker) excluded(rel string) bool {
	for _, g := range w.exclude {
		if doublestar.MatchUnvalidated(g, rel) {
			return true
		}
	}
	return false
}

// included applies Include to a file: a glob may name the file or any of its
// ancestor directories ("apps/web" includes everything in it).
func (w *walker) included(rel string) bool {
	if len(w.include) == 0 {
		return true
	}
	for p := rel; ; {
		for _, g := range w.include {
			if doublestar.MatchUnvalidated(g, p) {
				return true
			}
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// interesting reports whether a non-directory entry needs any work: all
// other files (images, CSS, lockfiles) are skipped without a stat or a
// gitignore match, which is most of what keeps the walk fast.
func interesting(name string) bool {
	switch name {
	case "package.json", "tsconfig.json", "jsconfig.json":
		return true
	}
	return IsSource(name) || SchemaInput(name)
}

func (w *walker) walk(abs, rel string, ign ignoreStack) {
	var f found
	defer w.merge(&f)
	entries, err := readDir(abs)
	if err != nil {
		f.diag(rel, "skipped: cannot read directory: %s", errText(err))
		// os.ReadDir returns what it read before failing; use it.
	}
	isPkg := rel == "."
	for _, e := range entries {
		switch e.Name() {
		case ".gitignore":
			if e.Type().IsRegular() {
				if data, err := os.ReadFile(filepath.Join(abs, ".gitignore")); err != nil {
					f.diag(joinRel(rel, ".gitignore"), "cannot read .gitignore: %s", errText(err))
				} else if rules := compileIgnore(string(data)); len(rules) > 0 {
					g := &ignoreFile{rules: rules}
					if rel != "." {
						g.strip = rel + "/"
					}
					// Full slice expression: siblings must not share the appended slot.
					ign = append(ign[:len(ign):len(ign)], g)
				}
			}
		case "package.json":
			isPkg = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		typ := e.Type()
		childRel := joinRel(rel, name)
		childAbs := filepath.Join(abs, name)
		if typ.IsDir() {
			if skipDirs[name] || (isPkg && outputDirs[name]) {
				continue
			}
			if ign.ignored(childRel, name, true) || w.excluded(childRel) {
				continue
			}
			if f.dirs == nil {
				f.dirs = map[string]bool{}
			}
			f.dirs[childRel] = true
			select {
			case w.sem <- struct{}{}:
				w.wg.Add(1)
				go func() {
					defer func() { <-w.sem; w.wg.Done() }()
					w.walk(childAbs, childRel, ign)
				}()
			default:
				w.walk(childAbs, childRel, ign)
			}
			continue
		}
		if !interesting(name) && !nextConfigName(name) {
			continue
		}
		// A gitignored or excluded .prisma file (a generated schema) still
		// describes the models: it is listed in SchemaFiles, and nothing else.
		skipped := ign.ignored(childRel, name, false) || w.excluded(childRel)
		if skipped && !strings.HasSuffix(name, ".prisma") {
			continue
		}
		var size int64
		switch {
		case typ.IsRegular():
			info, err := e.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue // removed while we walked
				}
				f.diag(childRel, "skipped: %s", errText(err))
				continue
			}
			size = info.Size()
		case typ&fs.ModeSymlink != 0:
			var ok bool
			if size, ok = w.followFileLink(&f, childAbs, childRel); !ok {
				continue
			}
		default:
			// A FIFO, socket or device: opening it can block forever.
			if IsSource(name) {
				f.diag(childRel, "skipped: not a regular file (%s)", typeName(typ))
			}
			continue
		}
		if skipped {
			f.schemaFiles = append(f.schemaFiles, childRel)
			continue
		}
		w.file(&f, rel, name, childAbs, childRel, size)
	}
}

func (w *walker) file(f *found, dirRel, name, abs, rel string, size int64) {
	if SchemaInput(name) {
		f.schemaFiles = append(f.schemaFiles, rel)
	}
	switch {
	case name == "package.json":
		f.pkgDirs = append(f.pkgDirs, dirRel)
	case name == "tsconfig.json" || name == "jsconfig.json":
		f.tsconfigs = append(f.tsconfigs, rel)
	}
	if nextConfigName(name) {
		if f.nextConfigs == nil {
			f.nextConfigs = map[string]string{}
		}
		if _, dup := f.nextConfigs[dirRel]; !dup {
			f.nextConfigs[dirRel] = rel
		}
	}
	if !IsSource(name) || !w.included(rel) {
		return
	}
	if f.sources == nil {
		f.sources = map[string]bool{}
	}
	f.sources[rel] = true
	if size > w.maxSize {
		f.diag(rel, "skipped: %.1f MB exceeds the size limit (maxFileSize)", float64(size)/(1<<20))
		return
	}
	f.files = append(f.files, File{Abs: abs, Rel: rel, Size: size})
}

// followFileLink decides whether a symlinked entry is analysed. Links to
// directories are never followed (that is how walks loop or escape the
// project); a link to a regular file inside Root is read like the file; one
// pointing outside Root is not ours to analyse and is reported.
func (w *walker) followFileLink(f *found, abs, rel string) (int64, bool) {
	target, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if IsSource(path.Base(rel)) {
			f.diag(rel, "skipped: broken or looping symlink: %s", errText(err))
		}
		return 0, false
	}
	info, err := os.Stat(target)
	if err != nil {
		if IsSource(path.Base(rel)) {
			f.diag(rel, "skipped: %s", errText(err))
		}
		return 0, false
	}
	if info.IsDir() {
		return 0, false
	}
	if !info.Mode().IsRegular() {
		if IsSource(path.Base(rel)) {
			f.diag(rel, "skipped: symlink to a non-regular file (%s)", typeName(info.Mode().Type()))
		}
		return 0, false
	}
	r, err := filepath.Rel(w.rootReal, target)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		f.diag(rel, "skipped: symlink points outside the project root")
		return 0, false
	}
	return info.Size(), true
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "irregular file"
}

// errText drops the absolute path os errors carry: diagnostics name the file
// relative to Root already, and absolute paths make output machine-dependent.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Err.Error()
	}
	return err.Error()
}

// project derives apps and workspace packages from what the walk saw.
func (w *walker) project(p *Project) {
	var ws workspaceMatcher
	globs, errs := workspaceGlobs(w.root)
	for _, name := range sortedKeys(errs) {
		w.diag(name, "cannot parse %s: %v", name, errs[name])
	}
	ws = newWorkspaceMatcher(globs)

	pkgs := map[string]*packageJSON{}
	pkg := func(dir string) *packageJSON {
		if pj, ok := pkgs[dir]; ok {
			return pj
		}
		pj, exists, err := readPackageJSON(filepath.Join(w.root, filepath.FromSlash(dir), "package.json"))
		if err != nil && exists && dir != "." { // root errors were reported above
			w.diag(joinRel(dir, "package.json"), "cannot parse package.json: %s", errText(err))
		}
		pkgs[dir] = pj
		return pj
	}

	sort.Strings(w.pkgDirs)
	hasPkg := map[string]bool{}
	belongs := map[string]bool{}
	for _, d := range w.pkgDirs {
		hasPkg[d] = true
		if d == "." || ws.match(d) {
			belongs[d] = true
		}
	}

	// Candidates: every dir with a package.json (a repo may hold frontend/ and
	// backend/ without declaring workspaces) or a next.config.
	cands := map[string]bool{}
	for _, d := range w.pkgDirs {
		cands[d] = true
	}
	for d := range w.nextConfigs {
		cands[d] = true
	}
	tsByDir := map[string]string{}
	for _, t := range p.TSConfigs {
		d := path.Dir(t)
		// tsconfig.json wins over jsconfig.json, as in TypeScript and Next.
		if cur, ok := tsByDir[d]; !ok || (path.Base(t) == "tsconfig.json" && path.Base(cur) != "tsconfig.json") {
			tsByDir[d] = t
		}
	}
	for _, d := range sortedKeys(cands) {
		a := App{Dir: d, NextConfig: w.nextConfigs[d]}
		a.AppDir = w.firstDir(d, "app", "src/app")
		a.PagesDir = w.firstDir(d, "pages", "src/pages")
		if a.NextConfig == "" {
			if a.AppDir == "" && a.PagesDir == "" || !hasPkg[d] {
				continue
			}
			if pj := pkg(d); pj == nil || !pj.dependsOn("next") {
				continue
			}
		}
		for _, base := range []string{d, joinRel(d, "src")} {
			for _, n := range []string{"middleware.ts", "middleware.js", "proxy.ts", "proxy.js"} {
				if f := joinRel(base, n); w.sources[f] && a.Middleware == "" {
					a.Middleware = f
				}
			}
		}
		for dd := d; ; dd = path.Dir(dd) {
			if t, ok := tsByDir[dd]; ok {
				a.TSConfig = t
				break
			}
			if dd == "." {
				break
			}
		}
		p.Apps = append(p.Apps, a)
		if hasPkg[d] {
			belongs[d] = true
		}
	}
	if belongs["."] {
		p.PackageDirs = append(p.PackageDirs, ".")
	}
	for _, d := range sortedKeys(belongs) {
		if d != "." {
			p.PackageDirs = append(p.PackageDirs, d)
		}
	}
}

// firstDir returns the first of the candidate sub-directories of dir that the
// walk visited. Next ignores src/app when app/ exists, so order matters.
func (w *walker) firstDir(dir string, subs ...string) string {
	for _, s := range subs {
		if r := joinRel(dir, s); w.dirs[r] {
			return r
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
