package index

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/parse"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// Program is the set of project files, parsed lazily and at most once each.
type Program struct {
	Root    string
	resolve func(from, spec string) Target
	slots   map[string]*slot
	parsed  atomic.Int32

	mu    sync.Mutex
	diags []result.Diagnostic
}

type slot struct {
	once sync.Once
	file *source.File
	mod  *Module
	// started is set when the file's parse begins (mayExport reads it).
	started atomic.Bool
}

// NewProgram makes a program over files (keyed by relative path). resolve maps an
// import specifier in a file to its target.
func NewProgram(root string, files map[string]*source.File, resolve func(from, spec string) Target) *Program {
	p := &Program{Root: root, resolve: resolve, slots: make(map[string]*slot, len(files))}
	for rel, f := range files {
		p.slots[rel] = &slot{file: f}
	}
	return p
}

// File returns the source of a project file, or nil.
func (p *Program) File(rel string) *source.File {
	if s := p.slots[rel]; s != nil {
		return s.file
	}
	return nil
}

// Has reports whether rel is a project source file.
func (p *Program) Has(rel string) bool { return p.slots[rel] != nil }

// Module parses (once) and returns the module for rel; nil when the file is not
// part of the project or does not parse. Safe for concurrent use.
func (p *Program) Module(rel string) *Module {
	s := p.slots[rel]
	if s == nil {
		return nil
	}
	s.once.Do(func() {
		s.started.Store(true)
		pm, diags := parse.File(s.file)
		if len(diags) > 0 {
			p.mu.Lock()
			p.diags = append(p.diags, diags...)
			p.mu.Unlock()
		}
		if pm == nil {
			return
		}
		p.parsed.Add(1)
		s.mod = Build(rel, pm, func(spec string) Target { return p.resolve(rel, spec) })
	})
	return s.mod
}

// Parsed is the number of files parsed so far.
func (p *Program) Parsed() int { return int(p.parsed.Load()) }

// Diagnostics returns the parse diagnostics so far, sorted.
func (p *Program) Diagnostics() []result.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := append([]result.Diagnostic(nil), p.diags...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// Binding is what a name finally refers to: a declaration in a project module,
// or an export of a package (Pkg set, with Pkg.Name the export name).
type Binding struct {
	Mod  *Module
	Decl *Decl
	Pkg  *Import
	// Namespace is set when the binding is a whole module (`import * as m`).
	Namespace *Module
}

// Found reports whether the binding leads anywhere.
func (b Binding) Found() bool { return b.Decl != nil || b.Pkg != nil || b.Namespace != nil }

// maxHops bounds re-export chains; real code uses a handful, cycles use many.
const maxHops = 32

// ResolveRef follows a reference in m to its declaration, through imports and
// re-exports across files.
func (p *Program) ResolveRef(m *Module, ref esb.Ref) Binding {
	if d := m.Decls[ref]; d != nil {
		return Binding{Mod: m, Decl: d}
	}
	if imp := m.Imports[ref]; imp != nil {
		return p.resolveImport(imp, 0)
	}
	return Binding{}
}

func (p *Program) resolveImport(imp *Import, hops int) Binding {
	if imp.Target.File == "" {
		if imp.Target.Package != "" {
			return Binding{Pkg: imp}
		}
		return Binding{}
	}
	target := p.Module(imp.Target.File)
	if target == nil {
		return Binding{}
	}
	if imp.Name == "*" {
		return Binding{Namespace: target}
	}
	return p.ResolveExport(target, imp.Name, hops+1)
}

// ResolveExport finds what module m exports under name.
func (p *Program) ResolveExport(m *Module, name string, hops int) Binding {
	if hops > maxHops || m == nil {
		return Binding{}
	}
	if e := m.Exports[name]; e != nil {
		if e.From != nil {
			return p.resolveImport(e.From, hops)
		}
		if d := m.Decls[e.Local]; d != nil {
			return Binding{Mod: m, Decl: d}
		}
		if imp := m.Imports[e.Local]; imp != nil { // import { x } ...; export { x }
			return p.resolveImport(imp, hops)
		}
		return Binding{}
	}
	if name == "default" {
		return Binding{}
	}
	for _, star := range m.Stars {
		if star.Target.File == "" || !p.mayExport(star.Target.File, name) {
			continue
		}
		if b := p.ResolveExport(p.Module(star.Target.File), name, hops+1); b.Found() {
			return b
		}
	}
	return Binding{}
}

// mayExport reports whether the file rel could export name, without parsing
// it when it is not parsed yet. Barrels (`export * from` lists, common in
// monorepo packages) would otherwise get every module they list parsed to
// find one name. A module can only export a name it spells out (declaration,
// export list, `export * as name`, CommonJS `exports.name`), unless it
// forwards names with `export *` of its own, or spells identifiers with
// \u escapes; in those cases it is parsed.
func (p *Program) mayExport(rel, name string) bool {
	s := p.slots[rel]
	if s == nil {
		return false
	}
	if s.started.Load() {
		return true // parsed or being parsed: its export table decides
	}
	t := s.file.Text
	return strings.Contains(t, name) || hasExportStar(t) || strings.Contains(t, `\u`)
}

// hasExportStar reports an `export *` (with any spacing or comments between
// the keyword and the star).
func hasExportStar(t string) bool {
	for i := 0; ; {
		j := strings.Index(t[i:], "export")
		if j < 0 {
			return false
		}
		k := i + j + len("export")
		for k < len(t) && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r') {
			k++
		}
		if k < len(t) && (t[k] == '*' || t[k] == '/') {
			return true
		}
		i = i + j + 1
	}
}
