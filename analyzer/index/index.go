// Package index records, per parsed module, what the analysis needs to follow
// values across files: imports (with the package or project file they resolve
// to), top-level declarations, exports and re-exports. A Program holds the
// modules and loads more on demand, so only files that entry points reach are
// ever parsed.
package index

import (
	"strings"
	"sync"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/parse"
)

// Target is where an import specifier leads: a project file (File, relative to
// the root) or a package (Package, with the full specifier in Subpath).
type Target struct {
	File    string
	Package string
	Subpath string
}

// Import is one imported binding.
type Import struct {
	Spec string
	// Name is the imported export name, "default", or "*" for a namespace import.
	Name   string
	Target Target
}

// Decl is a top-level declaration: a function, a class, or a variable with its
// initializer (nil for `let x;`).
type Decl struct {
	Ref  esb.Ref
	Name string
	Loc  esb.Loc
	Fn   *Func     // function declarations, and variables initialised with a function
	Init *esb.Expr // variable initializer (also set when Fn is an arrow/function expression)
	// Binding is set when the declaration destructures (`const { a } = f()`):
	// Init is then the whole right-hand side and Path the property path to a.
	Path []string
	// Assigns are the right-hand sides of assignments to a top-level variable
	// made by module-level code (`let prisma; if (prod) prisma = new
	// PrismaClient(); else prisma = global.cached`): with Init, what the
	// variable may hold once the module has run.
	Assigns []*esb.Expr
	// Class: the methods of a class declaration.
	Class *Class
}

// Class holds the methods of a class declaration, so that `new C(db).m()`
// and `C.m()` run the project's code like calls of its functions.
type Class struct {
	Methods map[string]*Func // instance methods and arrow-function fields
	Static  map[string]*Func
}

// classOf collects a class body's methods. Computed, getter and setter keys
// are left out: calls of them are not resolved by name.
func (m *Module) classOf(c *esb.Class) *Class {
	out := &Class{Methods: map[string]*Func{}, Static: map[string]*Func{}}
	for i := range c.Properties {
		p := &c.Properties[i]
		key, ok := p.Key.Data.(*esb.EString)
		if !ok || p.Flags.Has(esb.PropertyIsComputed) {
			continue
		}
		name := String(key.Value)
		var fn *Func
		switch p.Kind {
		case esb.PropertyMethod:
			fn = m.FuncFromExpr(name, p.ValueOrNil)
		case esb.PropertyField:
			fn = m.FuncFromExpr(name, p.InitializerOrNil) // handle = async () => { … }
		}
		if fn == nil || name == "constructor" {
			continue
		}
		if p.Flags.Has(esb.PropertyIsStatic) {
			out.Static[name] = fn
		} else {
			out.Methods[name] = fn
		}
	}
	return out
}

// Export is one exported name: a local declaration or a re-export.
type Export struct {
	Name     string
	Local    esb.Ref
	HasLocal bool
	Loc      esb.Loc
	// Re-export (`export { x as y } from './m'`): From is the import it forwards.
	From *Import
}

// Module is one parsed file with its import/export tables.
type Module struct {
	*parse.Module
	Rel string
	// UseServer / UseClient: the file-level directive prologue.
	UseServer, UseClient bool
	Imports              map[esb.Ref]*Import
	Decls                map[esb.Ref]*Decl
	Exports              map[string]*Export
	// Stars are `export * from` targets, in source order.
	Stars []*Import
	// ExportOrder lists export names in source order (deterministic iteration).
	ExportOrder []string

	// funcs is filled lazily by the flow engines, which may run concurrently
	// (the driver's and the project checks'): funcsMu guards it.
	funcsMu sync.Mutex
	funcs   map[int32]*Func
}

// Func is a function-like node: a function declaration or expression, an arrow,
// or an object/class method.
type Func struct {
	Mod  *Module
	Name string
	Loc  esb.Loc // where the function starts (its name, or the keyword/arrow)
	Args []esb.Arg
	Body *esb.FnBody
	// Expr is set for arrows with an expression body (`async (x) => db.get(x)`):
	// esbuild represents it as a single return statement, so Body is still valid.
	IsArrow bool
	IsAsync bool
}

// Key identifies a function uniquely in the program.
type Key struct {
	File string
	Pos  int32
}

// Key returns the function's identity.
func (f *Func) Key() Key { return Key{f.Mod.Rel, f.Body.Loc.Start} }

// SymbolName returns the source name of a reference in this module.
func (m *Module) SymbolName(ref esb.Ref) string {
	if int(ref.InnerIndex) < len(m.AST.Symbols) {
		return m.AST.Symbols[ref.InnerIndex].OriginalName
	}
	return ""
}

// FuncOf returns the shared Func for a function node of this module, creating it
// on first use, so summaries keyed by *Func see one object per function.
func (m *Module) FuncOf(name string, loc esb.Loc, args []esb.Arg, body *esb.FnBody, arrow, async bool) *Func {
	m.funcsMu.Lock()
	defer m.funcsMu.Unlock()
	if f := m.funcs[body.Loc.Start]; f != nil {
		return f
	}
	f := &Func{Mod: m, Name: name, Loc: loc, Args: args, Body: body, IsArrow: arrow, IsAsync: async}
	m.funcs[body.Loc.Start] = f
	return f
}

// FuncFromExpr returns the function an expression literally is (arrow or
// function expression), or nil.
func (m *Module) FuncFromExpr(name string, e esb.Expr) *Func {
	switch x := e.Data.(type) {
	case *esb.EArrow:
		return m.FuncOf(name, e.Loc, x.Args, &x.Body, true, x.IsAsync)
	case *esb.EFunction:
		if x.Fn.Name != nil && name == "" {
			name = m.SymbolName(x.Fn.Name.Ref)
		}
		return m.FuncOf(name, e.Loc, x.Fn.Args, &x.Fn.Body, false, x.Fn.IsAsync)
	}
	return nil
}

// Build indexes a parsed module. resolve maps an import specifier to its target.
func Build(rel string, pm *parse.Module, resolve func(spec string) Target) *Module {
	m := &Module{
		Module:  pm,
		Rel:     rel,
		Imports: map[esb.Ref]*Import{},
		Decls:   map[esb.Ref]*Decl{},
		Exports: map[string]*Export{},
		funcs:   map[int32]*Func{},
	}
	for _, d := range pm.AST.Directives {
		switch d {
		case "use server":
			m.UseServer = true
		case "use client":
			m.UseClient = true
		}
	}
	targets := make([]*Target, len(pm.AST.ImportRecords))
	target := func(i uint32) Target {
		if int(i) >= len(targets) {
			return Target{}
		}
		if targets[i] == nil {
			t := resolve(pm.AST.ImportRecords[i].Path.Text)
			targets[i] = &t
		}
		return *targets[i]
	}
	spec := func(i uint32) string {
		if int(i) >= len(pm.AST.ImportRecords) {
			return ""
		}
		return pm.AST.ImportRecords[i].Path.Text
	}
	for pi := range pm.AST.Parts {
		for si := range pm.AST.Parts[pi].Stmts {
			m.indexStmt(&pm.AST.Parts[pi].Stmts[si], target, spec)
		}
	}
	for pi := range pm.AST.Parts {
		for si := range pm.AST.Parts[pi].Stmts {
			m.indexAssigns(&pm.AST.Parts[pi].Stmts[si])
		}
	}
	return m
}

// indexAssigns records the assignments to top-level variables that module
// code makes outside functions, in statements and the blocks of if/try.
func (m *Module) indexAssigns(st *esb.Stmt) {
	switch s := st.Data.(type) {
	case *esb.SExpr:
		b, ok := s.Value.Data.(*esb.EBinary)
		if !ok || b.Op != esb.BinOpAssign {
			return
		}
		if id, ok := b.Left.Data.(*esb.EIdentifier); ok {
			if d := m.Decls[id.Ref]; d != nil && d.Fn == nil && len(d.Path) == 0 {
				d.Assigns = append(d.Assigns, &b.Right)
			}
		}
	case *esb.SBlock:
		for i := range s.Stmts {
			m.indexAssigns(&s.Stmts[i])
		}
	case *esb.SIf:
		m.indexAssigns(&s.Yes)
		if s.NoOrNil.Data != nil {
			m.indexAssigns(&s.NoOrNil)
		}
	case *esb.STry:
		for i := range s.Block.Stmts {
			m.indexAssigns(&s.Block.Stmts[i])
		}
	}
}

func (m *Module) addExport(name string, e *Export) {
	if _, dup := m.Exports[name]; !dup {
		m.ExportOrder = append(m.ExportOrder, name)
	}
	e.Name = name
	m.Exports[name] = e
}

func (m *Module) indexStmt(st *esb.Stmt, target func(uint32) Target, spec func(uint32) string) {
	switch s := st.Data.(type) {
	case *esb.SImport:
		rec := s.ImportRecordIndex
		if s.DefaultName != nil {
			m.Imports[s.DefaultName.Ref] = &Import{Spec: spec(rec), Name: "default", Target: target(rec)}
		}
		if s.Items != nil {
			for _, it := range *s.Items {
				m.Imports[it.Name.Ref] = &Import{Spec: spec(rec), Name: it.Alias, Target: target(rec)}
			}
		}
		if s.StarNameLoc != nil {
			m.Imports[s.NamespaceRef] = &Import{Spec: spec(rec), Name: "*", Target: target(rec)}
		}
	case *esb.SFunction:
		name := ""
		if s.Fn.Name != nil {
			name = m.SymbolName(s.Fn.Name.Ref)
			f := m.FuncOf(name, s.Fn.Name.Loc, s.Fn.Args, &s.Fn.Body, false, s.Fn.IsAsync)
			m.Decls[s.Fn.Name.Ref] = &Decl{Ref: s.Fn.Name.Ref, Name: name, Loc: s.Fn.Name.Loc, Fn: f}
			if s.IsExport {
				m.addExport(name, &Export{Local: s.Fn.Name.Ref, HasLocal: true, Loc: s.Fn.Name.Loc})
			}
		}
	case *esb.SClass:
		if s.Class.Name != nil {
			name := m.SymbolName(s.Class.Name.Ref)
			m.Decls[s.Class.Name.Ref] = &Decl{Ref: s.Class.Name.Ref, Name: name, Loc: s.Class.Name.Loc, Class: m.classOf(&s.Class)}
			if s.IsExport {
				m.addExport(name, &Export{Local: s.Class.Name.Ref, HasLocal: true, Loc: s.Class.Name.Loc})
			}
		}
	case *esb.SLocal:
		for di := range s.Decls {
			d := &s.Decls[di]
			m.indexBinding(d.Binding, d.ValueOrNil, nil, s.IsExport)
		}
	case *esb.SExportDefault:
		ref := s.DefaultName.Ref
		switch v := s.Value.Data.(type) {
		case *esb.SFunction:
			name := "default"
			loc := s.Value.Loc
			if v.Fn.Name != nil {
				name = m.SymbolName(v.Fn.Name.Ref)
				ref = v.Fn.Name.Ref
				loc = v.Fn.Name.Loc
			}
			f := m.FuncOf(name, loc, v.Fn.Args, &v.Fn.Body, false, v.Fn.IsAsync)
			m.Decls[ref] = &Decl{Ref: ref, Name: name, Loc: loc, Fn: f}
			m.addExport("default", &Export{Local: ref, HasLocal: true, Loc: loc})
		case *esb.SExpr:
			e := v.Value
			d := &Decl{Ref: ref, Name: "default", Loc: e.Loc, Init: &e}
			d.Fn = m.FuncFromExpr("", e)
			if id, ok := e.Data.(*esb.EIdentifier); ok {
				// `export default handler`: export the named declaration itself.
				m.addExport("default", &Export{Local: id.Ref, HasLocal: true, Loc: e.Loc})
				return
			}
			m.Decls[ref] = d
			m.addExport("default", &Export{Local: ref, HasLocal: true, Loc: e.Loc})
		case *esb.SClass:
			name, loc := "default", s.Value.Loc
			if v.Class.Name != nil {
				name, ref, loc = m.SymbolName(v.Class.Name.Ref), v.Class.Name.Ref, v.Class.Name.Loc
			}
			m.Decls[ref] = &Decl{Ref: ref, Name: name, Loc: loc, Class: m.classOf(&v.Class)}
			m.addExport("default", &Export{Local: ref, HasLocal: true, Loc: loc})
		}
	case *esb.SExportClause:
		for _, it := range s.Items {
			m.addExport(it.Alias, &Export{Local: it.Name.Ref, HasLocal: true, Loc: it.AliasLoc})
		}
	case *esb.SExportFrom:
		for _, it := range s.Items {
			imp := &Import{Spec: spec(s.ImportRecordIndex), Name: it.OriginalName, Target: target(s.ImportRecordIndex)}
			m.addExport(it.Alias, &Export{Loc: it.AliasLoc, From: imp})
		}
	case *esb.SExportStar:
		imp := &Import{Spec: spec(s.ImportRecordIndex), Name: "*", Target: target(s.ImportRecordIndex)}
		if s.Alias != nil {
			m.addExport(s.Alias.OriginalName, &Export{Loc: s.Alias.Loc, From: imp})
		} else {
			m.Stars = append(m.Stars, imp)
		}
	}
}

// indexBinding records `const x = init` and destructured names with their path.
func (m *Module) indexBinding(b esb.Binding, init esb.Expr, path []string, export bool) {
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		name := m.SymbolName(x.Ref)
		d := &Decl{Ref: x.Ref, Name: name, Loc: b.Loc, Path: path}
		if init.Data != nil {
			e := init
			d.Init = &e
			if len(path) == 0 {
				d.Fn = m.FuncFromExpr(name, init)
			}
		}
		m.Decls[x.Ref] = d
		if export {
			m.addExport(name, &Export{Local: x.Ref, HasLocal: true, Loc: b.Loc})
		}
	case *esb.BObject:
		for _, p := range x.Properties {
			key := "…"
			if s, ok := p.Key.Data.(*esb.EString); ok && !p.IsComputed {
				key = utf16ToString(s.Value)
			}
			if p.IsSpread {
				key = "…"
			}
			m.indexBinding(p.Value, init, append(append([]string(nil), path...), key), export)
		}
	case *esb.BArray:
		for i, it := range x.Items {
			m.indexBinding(it.Binding, init, append(append([]string(nil), path...), "["+itoa(i)+"]"), export)
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func utf16ToString(s []uint16) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := rune(s[i])
		if c >= 0xD800 && c < 0xDC00 && i+1 < len(s) {
			c = (c-0xD800)<<10 + (rune(s[i+1]) - 0xDC00) + 0x10000
			i++
		}
		b.WriteRune(c)
	}
	return b.String()
}

// String converts an esbuild UTF-16 string literal to Go.
func String(s []uint16) string { return utf16ToString(s) }
