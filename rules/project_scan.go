package rules

// Rules about the boundary between server and client code (client-prop-leak,
// server-action-for-reads, the Server Component part of secret-exposure) need
// modules the driver never analyses: Server Components and Client Components
// are not entry points. Until the driver provides them (see the hooks named in
// each rule), this file builds a second, lazy view of the project from what a
// ProjectPass offers: discovery for the file list, the resolver for imports, an
// index.Program that parses only the files these rules open, and a flow.Engine
// over it. The view is built at most once per run and shared by the rules; the
// sources themselves come from the driver's cache through ProjectPass.ReadFile.

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/discover"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/resolve"
	"github.com/nextguard/nextguard/analyzer/schema"
	"github.com/nextguard/nextguard/analyzer/source"
)

// projectScan is the lazy second view of the project.
type projectScan struct {
	root        string
	files       []string // source files, sorted, relative to root
	schemaFiles []string // discovery's Prisma schema inputs (discover.Project.SchemaFiles)
	packageDirs []string
	tsconfigs   []string
	read        func(string) (*source.File, error)
	// settings is a copy of the lists this view reads: holding the run's
	// Settings itself would keep the run (and this state) alive forever.
	settings map[string][]string

	progOnce sync.Once
	prog     *index.Program
	resolver *resolve.Resolver
	// clientFiles caches whether a module is, or re-exports from, a "use
	// client" module (read from text, without parsing).
	clientFiles map[string]bool

	engOnce sync.Once
	eng     *flow.Engine

	schemaOnce sync.Once
	schema     *schema.Schema

	compOnce   sync.Once
	components []*serverComponent

	// fields is the driver's model lookup, when it gave one.
	fields func(string) ([]string, bool)
	// inScope is the driver's report scope (nil: everything).
	inScope func(string) bool
}

// scanFor returns the run's project view: the driver's program and engine
// when the run provides them, else (unit tests) one built from the files.
func scanFor(p *ProjectPass) *projectScan {
	if p.Project == nil {
		return newProjectScan(p)
	}
	c := p.Project
	c.scanOnce.Do(func() {
		s := &projectScan{root: p.Root, read: p.ReadFile, packageDirs: p.PackageDirs, settings: map[string][]string{},
			files: c.Files, tsconfigs: c.TSConfigs, prog: c.Program, resolver: c.Resolver, fields: c.SensitiveFields, inScope: c.InScope}
		for _, k := range []string{"include", "exclude", "authSources", "authGuards", "authorizationHelpers", "validators", "dbClients", "rateLimiters", "sensitiveFields"} {
			s.settings[k] = settingStrings(p.Settings, k)
		}
		// The driver's program is ready: mark it built. The engine is this
		// view's own (see ProjectContext), configured like the driver's.
		s.progOnce.Do(func() {})
		s.engOnce.Do(func() { s.eng = flow.New(c.Program, c.FlowConfig) })
		c.scan = s
	})
	return c.scan
}

func settingStrings(s Settings, key string) []string {
	if s == nil {
		return nil
	}
	return s.Strings(key)
}

func newProjectScan(p *ProjectPass) *projectScan {
	s := &projectScan{root: p.Root, read: p.ReadFile, packageDirs: p.PackageDirs, settings: map[string][]string{}}
	for _, k := range []string{"include", "exclude", "authSources", "authGuards", "authorizationHelpers", "validators", "dbClients", "rateLimiters", "sensitiveFields"} {
		s.settings[k] = settingStrings(p.Settings, k)
	}
	proj, err := discover.Discover(p.Root, discover.Options{Include: settingStrings(p.Settings, "include"), Exclude: settingStrings(p.Settings, "exclude")})
	if err != nil || proj == nil {
		return s
	}
	for _, f := range proj.Files {
		s.files = append(s.files, f.Rel)
	}
	s.tsconfigs = proj.TSConfigs
	s.schemaFiles = proj.SchemaFiles
	if len(proj.PackageDirs) > 0 {
		s.packageDirs = proj.PackageDirs
	}
	return s
}

// file returns a project file's source, or nil.
func (s *projectScan) file(rel string) *source.File {
	if s.read == nil {
		return nil
	}
	f, err := s.read(rel)
	if err != nil {
		return nil
	}
	return f
}

// program returns the lazily parsed program over the project's sources.
func (s *projectScan) program() *index.Program {
	s.progOnce.Do(func() {
		files := make(map[string]*source.File, len(s.files))
		for _, rel := range s.files {
			if f := s.file(rel); f != nil {
				files[rel] = f
			}
		}
		osRead := func(rel string) ([]byte, error) {
			return os.ReadFile(filepath.Join(s.root, filepath.FromSlash(rel)))
		}
		r := resolve.New(s.root, s.files, s.tsconfigs, s.packageDirs, osRead)
		s.resolver = r
		s.prog = index.NewProgram(s.root, files, func(from, spec string) index.Target {
			t := r.Resolve(from, spec)
			return index.Target{File: t.File, Package: t.Package, Subpath: t.Subpath}
		})
	})
	return s.prog
}

// engine returns a flow engine over the program, configured like the driver's.
func (s *projectScan) engine() *flow.Engine {
	s.engOnce.Do(func() {
		st := func(k string) []string { return s.settings[k] }
		s.eng = flow.New(s.program(), flow.Config{AuthSources: st("authSources"), AuthGuards: st("authGuards"),
			AuthorizationHelpers: st("authorizationHelpers"), Validators: st("validators"), DBClients: st("dbClients"),
			RateLimiters: st("rateLimiters")})
	})
	return s.eng
}

// sensitiveFields names the sensitive fields of a Prisma model, like the
// driver's Pass.SensitiveFields; known is false when no schema defines it.
func (s *projectScan) sensitiveFields(model string) (fields []string, known bool) {
	if s.fields != nil {
		return s.fields(model)
	}
	s.schemaOnce.Do(func() {
		// The driver always provides fields; this is the stand-alone view's
		// own discovery (unit tests).
		files := s.schemaFiles
		read := func(rel string) ([]byte, error) {
			f := s.file(rel)
			if f == nil {
				return nil, os.ErrNotExist
			}
			return []byte(f.Text), nil
		}
		var parts []*schema.Schema
		for _, rel := range schema.FindPrismaSchemas(files, read, s.packageDirs) {
			if f := s.file(rel); f != nil && len(f.Text) <= 8<<20 {
				sc, _ := schema.ParsePrisma(rel, f.Text)
				parts = append(parts, sc)
			}
		}
		if len(parts) > 0 {
			s.schema = schema.Merge(parts...)
		}
	})
	if s.schema == nil || model == "" {
		return nil, false
	}
	m := s.schema.ByAccessor(model)
	if m == nil {
		m = s.schema.Models[model]
	}
	if m == nil {
		return nil, false
	}
	return m.SensitiveFields(s.settings["sensitiveFields"]), true
}

// fileDirectives reads a module's directive prologue from its text, without
// parsing: "use client" and "use server" before any other statement.
func fileDirectives(text string) (client, server bool) {
	i := 0
	if strings.HasPrefix(text, "\ufeff") {
		i = 3
	}
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';':
			i++
		case strings.HasPrefix(text[i:], "//"):
			nl := strings.IndexByte(text[i:], '\n')
			if nl < 0 {
				return
			}
			i += nl + 1
		case strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return
			}
			i += end + 4
		case c == '"' || c == '\'':
			end := strings.IndexByte(text[i+1:], c)
			if end < 0 {
				return
			}
			switch text[i+1 : i+1+end] {
			case "use client":
				client = true
			case "use server":
				server = true
			}
			i += end + 2
		default:
			return
		}
	}
	return
}

// jsxExt: files that can hold JSX.
func jsxExt(rel string) bool {
	switch path.Ext(rel) {
	case ".tsx", ".jsx", ".js", ".mjs":
		return true
	}
	return false
}

// testFile: tests, stories and fixtures render components with fake data.
func testFile(rel string) bool {
	base := path.Base(rel)
	for _, s := range []string{".test.", ".spec.", ".stories.", ".story."} {
		if strings.Contains(base, s) {
			return true
		}
	}
	return strings.Contains(rel, "__tests__/") || strings.Contains(rel, "__mocks__/") || strings.HasPrefix(rel, "e2e/")
}

// serverComponent is a function component in a module without "use client"
// that renders at least one Client Component.
type serverComponent struct {
	mod   *index.Module
	fn    *index.Func
	props []*clientProp
}

// clientProp is one prop a Server Component passes to a Client Component.
type clientProp struct {
	comp       *serverComponent
	tag        string // the component as written: "UserCard", "UI.Table"
	clientFile string // the "use client" module it is defined in
	name       string // the prop name; "" for a spread `{...x}`
	keyLoc     esb.Loc
	keyEnd     int32
	value      esb.Expr
	// elementOf is set when value is the parameter of a callback passed to
	// `xs.map(...)`: the prop is one element of xs.
	elementOf *esb.Expr
}

// describe names the prop for messages: "`<UserCard user={user}>`".
func (c *clientProp) describe() string {
	val := "…"
	if id, ok := c.value.Data.(*esb.EIdentifier); ok {
		val = c.comp.mod.SymbolName(id.Ref)
	}
	if c.name == "" {
		return code("<" + c.tag + " {..." + val + "}>")
	}
	return code("<" + c.tag + " " + c.name + "={" + val + "}>")
}

// serverComponents finds, once per run, the Server Components that render
// Client Components and the props they pass.
func (s *projectScan) serverComponents() []*serverComponent {
	s.compOnce.Do(func() {
		eachSafely(len(s.files), func(i int) {
			rel := s.files[i]
			if !jsxExt(rel) || testFile(rel) || strings.HasPrefix(rel, "pages/") || strings.Contains(rel, "/pages/") {
				return
			}
			// What is found here is reported at the component, in this file.
			if s.inScope != nil && !s.inScope(rel) {
				return
			}
			f := s.file(rel)
			if f == nil || !strings.Contains(f.Text, "<") || !strings.Contains(f.Text, "import") {
				return
			}
			if client, server := fileDirectives(f.Text); client || server {
				return
			}
			// A Server Component that leaks data got it from somewhere: an
			// await, or process.env; and it must import a Client Component.
			if !strings.Contains(f.Text, "await") && !strings.Contains(f.Text, "process.env") || !s.importsClient(rel, f.Text, 0) {
				return
			}
			if m := s.program().Module(rel); m != nil {
				s.components = append(s.components, s.componentsOf(m)...)
			}
		})
	})
	return s.components
}

// eachSafely runs fn(0..n-1); a panic in one call does not stop the others
// (results for the rest of the project stay complete), and the first panic is
// raised again at the end so the driver reports it as an internal error.
func eachSafely(n int, fn func(i int)) {
	var first any
	for i := 0; i < n; i++ {
		func() {
			defer func() {
				if r := recover(); r != nil && first == nil {
					first = r
				}
			}()
			fn(i)
		}()
	}
	if first != nil {
		panic(first)
	}
}

// importsClient reports, from text alone, whether a module imports from a
// "use client" module directly or through re-exporting modules (barrels), so
// that server modules rendering no Client Component are never parsed.
func (s *projectScan) importsClient(rel, text string, depth int) bool {
	if depth > 2 {
		return false
	}
	s.program()
	if s.clientFiles == nil {
		s.clientFiles = map[string]bool{}
	}
	for _, spec := range source.ImportSpecifiers(text) {
		t := s.resolver.Resolve(rel, spec)
		if t.File == "" {
			continue
		}
		is, seen := s.clientFiles[t.File]
		if !seen {
			s.clientFiles[t.File] = false // cycles
			if f := s.file(t.File); f != nil {
				if client, _ := fileDirectives(f.Text); client {
					is = true
				} else if strings.Contains(f.Text, "export") {
					is = s.importsClient(t.File, f.Text, depth+1)
				}
			}
			s.clientFiles[t.File] = is
		}
		if is {
			return true
		}
	}
	return false
}

// componentsOf lists the top-level function components of m that render Client
// Components.
func (s *projectScan) componentsOf(m *index.Module) []*serverComponent {
	var fns []*index.Func
	addFn := func(f *index.Func) {
		if f != nil {
			fns = append(fns, f)
		}
	}
	var top func(st *esb.Stmt)
	top = func(st *esb.Stmt) {
		switch x := st.Data.(type) {
		case *esb.SFunction:
			name := ""
			if x.Fn.Name != nil {
				name = m.SymbolName(x.Fn.Name.Ref)
			}
			addFn(m.FuncOf(name, st.Loc, x.Fn.Args, &x.Fn.Body, false, x.Fn.IsAsync))
		case *esb.SExportDefault:
			if x.Value.Data != nil {
				top(&x.Value)
			}
		case *esb.SExpr:
			addFn(m.FuncFromExpr("default", x.Value))
		case *esb.SLocal:
			for i := range x.Decls {
				if id, ok := x.Decls[i].Binding.Data.(*esb.BIdentifier); ok && x.Decls[i].ValueOrNil.Data != nil {
					addFn(m.FuncFromExpr(m.SymbolName(id.Ref), x.Decls[i].ValueOrNil))
				}
			}
		}
	}
	for pi := range m.AST.Parts {
		for si := range m.AST.Parts[pi].Stmts {
			top(&m.AST.Parts[pi].Stmts[si])
		}
	}
	var out []*serverComponent
	for _, fn := range fns {
		if fn.Name != "default" && (fn.Name == "" || fn.Name[0] < 'A' || fn.Name[0] > 'Z') {
			continue
		}
		c := &serverComponent{mod: m, fn: fn}
		c.props = s.clientProps(c)
		if len(c.props) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// clientProps finds the JSX elements of a component whose tag resolves to a
// "use client" module and returns their props.
func (s *projectScan) clientProps(c *serverComponent) []*clientProp {
	m := c.mod
	// Parameters of callbacks given to `xs.map(...)`: their element source.
	elems := map[esb.Ref]*esb.Expr{}
	var out []*clientProp
	v := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
		switch x := e.Data.(type) {
		case *esb.ECall:
			if d, ok := x.Target.Data.(*esb.EDot); ok && (d.Name == "map" || d.Name == "flatMap") && len(x.Args) > 0 {
				if a, ok := x.Args[0].Data.(*esb.EArrow); ok && len(a.Args) > 0 {
					if id, ok := a.Args[0].Binding.Data.(*esb.BIdentifier); ok {
						elems[id.Ref] = &d.Target
					}
				}
			}
		}
		tagExpr, props, ok := jsxElement(m, e)
		if !ok {
			return true
		}
		tag, file := s.clientTag(m, tagExpr)
		if file == "" {
			return true
		}
		for i := range props {
			p := &props[i]
			if p.ValueOrNil.Data == nil {
				continue
			}
			switch p.ValueOrNil.Data.(type) {
			case *esb.EArrow, *esb.EFunction:
				continue // callbacks and inline Server Actions
			case *esb.ECall:
				if _, _, el := jsxElement(m, &p.ValueOrNil); el {
					continue // a rendered element
				}
			}
			cp := &clientProp{comp: c, tag: tag, clientFile: file, value: p.ValueOrNil}
			if p.Kind == esb.PropertySpread {
				cp.keyLoc = p.ValueOrNil.Loc
				cp.keyEnd = p.ValueOrNil.Loc.Start
			} else if k, ok := p.Key.Data.(*esb.EString); ok {
				cp.name = index.String(k.Value)
				if cp.name == "key" || cp.name == "ref" {
					continue
				}
				cp.keyLoc = p.Key.Loc
				cp.keyEnd = p.Key.Loc.Start + int32(len(cp.name))
			} else {
				continue
			}
			if id, ok := p.ValueOrNil.Data.(*esb.EIdentifier); ok {
				cp.elementOf = elems[id.Ref]
			}
			out = append(out, cp)
		}
		return true
	}}
	v.Stmts(c.fn.Body.Block.Stmts)
	return out
}

// jsxElement recognises a JSX element: esbuild's parser compiles JSX to
// `React.createElement(tag, props, ...children)` calls (and keeps
// EJSXElement nodes only when asked to preserve JSX); both are accepted.
func jsxElement(m *index.Module, e *esb.Expr) (tag esb.Expr, props []esb.Property, ok bool) {
	switch x := e.Data.(type) {
	case *esb.EJSXElement:
		return x.TagOrNil, x.Properties, x.TagOrNil.Data != nil
	case *esb.ECall:
		if len(x.Args) == 0 {
			return esb.Expr{}, nil, false
		}
		d, ok := x.Target.Data.(*esb.EDot)
		if !ok || d.Name != "createElement" && d.Name != "jsx" && d.Name != "jsxs" && d.Name != "jsxDEV" {
			return esb.Expr{}, nil, false
		}
		if _, full := calleeName(m, x.Target); full != "React.createElement" {
			return esb.Expr{}, nil, false
		}
		if len(x.Args) > 1 {
			if o, ok := x.Args[1].Data.(*esb.EObject); ok {
				props = o.Properties
			}
		}
		return x.Args[0], props, true
	}
	return esb.Expr{}, nil, false
}

// clientTag resolves a JSX tag to the "use client" module that defines it.
func (s *projectScan) clientTag(m *index.Module, tag esb.Expr) (name, file string) {
	member := ""
	if d, ok := tag.Data.(*esb.EDot); ok {
		tag, member = d.Target, d.Name
	}
	ref, ok := astwalk.IdentRef(tag)
	if !ok {
		return "", ""
	}
	imp := m.Imports[ref]
	if imp == nil || imp.Target.File == "" {
		return "", "" // declared here, or a package
	}
	name = m.SymbolName(ref)
	export := imp.Name
	if member != "" {
		if export != "*" {
			return "", ""
		}
		name += "." + member
		export = member
	}
	if export == "*" {
		return "", ""
	}
	if file = s.clientExport(imp.Target.File, export, 0); file == "" {
		return "", ""
	}
	return name, file
}

// clientExport follows an export through re-exporting modules to a "use
// client" module and returns it, or "". Modules are read as text first, so a
// Client Component's own module is never parsed; only barrels are.
func (s *projectScan) clientExport(file, name string, depth int) string {
	f := s.file(file)
	if f == nil || depth > 8 {
		return ""
	}
	if client, _ := fileDirectives(f.Text); client {
		return file
	}
	if !strings.Contains(f.Text, "export") || !strings.Contains(f.Text, "from") {
		return ""
	}
	m := s.program().Module(file)
	if m == nil {
		return ""
	}
	if e := m.Exports[name]; e != nil {
		switch {
		case e.From != nil:
			return s.clientExport(e.From.Target.File, e.From.Name, depth+1)
		case m.Imports[e.Local] != nil: // import { x } from …; export { x }
			imp := m.Imports[e.Local]
			return s.clientExport(imp.Target.File, imp.Name, depth+1)
		}
		return ""
	}
	if name == "default" {
		return ""
	}
	for _, star := range m.Stars {
		if star.Target.File != "" {
			if c := s.clientExport(star.Target.File, name, depth+1); c != "" {
				return c
			}
		}
	}
	return ""
}

// propValues evaluates the client props of a component with the flow engine:
// the component runs as written, except that each return renders nothing and
// returns an object of the prop values instead, so the engine's labels (whole
// rows, their model and query) come back as the return's fields.
func (s *projectScan) propValues(c *serverComponent) []flow.Val {
	need := false
	for _, p := range c.props {
		need = need || mayHoldRows(p.value)
	}
	if !need {
		return nil
	}
	obj := &esb.EObject{}
	for i, p := range c.props {
		val := p.value
		if p.elementOf != nil {
			val = *p.elementOf
		}
		obj.Properties = append(obj.Properties, esb.Property{Kind: esb.PropertyField,
			Key: esb.Expr{Loc: p.keyLoc, Data: &esb.EString{Value: utf16(propKey(i))}}, ValueOrNil: val})
	}
	rets := map[esb.Loc]bool{}
	stmts := rewriteReturns(c.fn.Body.Block.Stmts, obj, rets)
	body := &esb.FnBody{Loc: c.fn.Body.Loc, Block: esb.SBlock{Stmts: stmts, CloseBraceLoc: c.fn.Body.Block.CloseBraceLoc}}
	synth := &index.Func{Mod: c.mod, Name: c.fn.Name, Loc: c.fn.Loc, Args: c.fn.Args, Body: body, IsArrow: c.fn.IsArrow, IsAsync: c.fn.IsAsync}
	params := make([]flow.Val, len(c.fn.Args))
	eng := s.engine()
	eng.Budget = flow.EntryBudget
	facts := eng.Analyze(synth, params, false, false, false)
	out := make([]flow.Val, len(c.props))
	for _, r := range facts.Returns {
		if !rets[r.Loc] {
			continue
		}
		for i := range c.props {
			if v, ok := r.Val.Obj[propKey(i)]; ok {
				out[i] = flow.Join(out[i], v)
			}
		}
	}
	return out
}

// mayHoldRows: literals, templates and JSX cannot be database rows.
func mayHoldRows(e esb.Expr) bool {
	switch e.Data.(type) {
	case *esb.EString, *esb.ENumber, *esb.EBoolean, *esb.ENull, *esb.EUndefined, *esb.ETemplate, *esb.EBigInt,
		*esb.EArrow, *esb.EFunction, *esb.EJSXElement, *esb.EUnary:
		return false
	}
	return true
}

func propKey(i int) string { return "\x00prop" + itoaRules(i) }

func itoaRules(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

func utf16(s string) []uint16 {
	out := make([]uint16, 0, len(s))
	for _, r := range s {
		if r > 0xFFFF {
			r = 0xFFFD
		}
		out = append(out, uint16(r))
	}
	return out
}

// rewriteReturns copies stmts, replacing every return statement of this
// function (not of nested ones) by `return obj`, and records their locations.
// Only the statement nodes on the path to a return are copied; everything else
// is shared with the parsed module, which is never modified.
func rewriteReturns(stmts []esb.Stmt, obj *esb.EObject, rets map[esb.Loc]bool) []esb.Stmt {
	out := make([]esb.Stmt, len(stmts))
	copy(out, stmts)
	for i := range out {
		out[i] = rewriteStmt(out[i], obj, rets)
	}
	return out
}

func rewriteStmt(st esb.Stmt, obj *esb.EObject, rets map[esb.Loc]bool) esb.Stmt {
	switch x := st.Data.(type) {
	case *esb.SReturn:
		rets[st.Loc] = true
		return esb.Stmt{Loc: st.Loc, Data: &esb.SReturn{ValueOrNil: esb.Expr{Loc: st.Loc, Data: obj}}}
	case *esb.SBlock:
		return esb.Stmt{Loc: st.Loc, Data: &esb.SBlock{Stmts: rewriteReturns(x.Stmts, obj, rets), CloseBraceLoc: x.CloseBraceLoc}}
	case *esb.SIf:
		n := *x
		n.Yes = rewriteStmt(x.Yes, obj, rets)
		if x.NoOrNil.Data != nil {
			n.NoOrNil = rewriteStmt(x.NoOrNil, obj, rets)
		}
		return esb.Stmt{Loc: st.Loc, Data: &n}
	case *esb.STry:
		n := *x
		n.Block = esb.SBlock{Stmts: rewriteReturns(x.Block.Stmts, obj, rets), CloseBraceLoc: x.Block.CloseBraceLoc}
		if x.Catch != nil {
			c := *x.Catch
			c.Block = esb.SBlock{Stmts: rewriteReturns(x.Catch.Block.Stmts, obj, rets), CloseBraceLoc: x.Catch.Block.CloseBraceLoc}
			n.Catch = &c
		}
		return esb.Stmt{Loc: st.Loc, Data: &n}
	}
	return st
}
