// Package entry finds the public server entry points of a Next.js project:
// Server Actions (file-level and inline "use server"), Route Handlers and Pages
// API routes (SPEC "Entry points").
package entry

import (
	"path"
	"sort"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
)

// Entry is one entry point.
type Entry struct {
	Kind      string // result.KindServerAction | KindRouteHandler | KindAPIRoute
	Name      string // exported or declared name, "<anonymous>" for unnamed inline actions
	Mod       *index.Module
	Loc       esb.Loc // where the entry is declared (its name when it has one)
	Directive string  // "file" | "inline" | ""
	Method    string  // HTTP method for route handlers
	// Fn is the function that runs for a request: the action itself, or the
	// handler passed to a wrapper. Nil when it could not be found (the entry is
	// still listed).
	Fn *index.Func
	// Wrapper is the call the handler was passed to (`client.action(fn)`,
	// `withAuth(fn)`), nil for plain functions. Its callee chain tells the
	// analysis which middleware and schema apply.
	Wrapper *esb.ECall
	// WrapperMod is the module where Wrapper appears.
	WrapperMod *index.Module
	// Inner is a second wrapper between Wrapper and the handler
	// (`client.action(withAuditLogging("x", async (...) => …))`), or nil.
	Inner     *esb.ECall
	BoundArgs int
}

// Methods a Route Handler may export.
var Methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// Layout tells where a project's App Router and Pages Router directories are.
type Layout struct {
	AppDirs   []string // rel dirs such as "app", "src/app", "apps/web/app"
	PagesDirs []string
}

// IsRouteFile reports whether rel is an App Router route.{ts,js,...} file.
func (l Layout) IsRouteFile(rel string) bool {
	base := path.Base(rel)
	if dot := strings.IndexByte(base, '.'); dot < 0 || base[:dot] != "route" {
		return false
	}
	switch path.Ext(base) {
	case ".ts", ".tsx", ".js", ".jsx", ".mjs":
	default:
		return false
	}
	return under(rel, l.AppDirs)
}

// IsAPIFile reports whether rel is a Pages Router API route.
func (l Layout) IsAPIFile(rel string) bool {
	for _, d := range l.PagesDirs {
		if strings.HasPrefix(rel, d+"/api/") {
			switch path.Ext(rel) {
			case ".ts", ".tsx", ".js", ".jsx", ".mjs":
				return !strings.HasSuffix(rel, ".d.ts")
			}
		}
	}
	return false
}

func under(rel string, dirs []string) bool {
	for _, d := range dirs {
		if d == "." || strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}

// Find returns the entry points of the given modules, sorted by file and position.
func Find(prog *index.Program, mods []*index.Module, layout Layout) []*Entry {
	var out []*Entry
	for _, m := range mods {
		if m.UseServer {
			out = append(out, fileActions(prog, m)...)
		}
		out = append(out, inlineActions(m)...)
		switch {
		case layout.IsRouteFile(m.Rel):
			out = append(out, routeHandlers(prog, m)...)
		case layout.IsAPIFile(m.Rel):
			if e := exportEntry(prog, m, "default", result.KindAPIRoute); e != nil {
				out = append(out, e)
			}
		}
	}
	countBindings(prog, mods, out)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Mod.Rel != out[j].Mod.Rel {
			return out[i].Mod.Rel < out[j].Mod.Rel
		}
		return out[i].Loc.Start < out[j].Loc.Start
	})
	return dedupe(out)
}

// dedupe drops an inline entry that is also a file-level one (a "use server"
// body inside a "use server" file): one function, one entry.
func dedupe(in []*Entry) []*Entry {
	type key struct {
		fn   index.Key
		file string
		kind string
		name string
	}
	fileLevel := map[index.Key]bool{}
	for _, e := range in {
		if e.Fn != nil && e.Directive == "file" {
			fileLevel[e.Fn.Key()] = true
		}
	}
	dup := map[key]bool{}
	out := in[:0]
	for _, e := range in {
		// A "use server" body inside a "use server" file is one action; but one
		// handler exported twice (`export { h as GET, h as POST }`, or
		// re-exported by another route file) is two endpoints.
		if e.Fn != nil && e.Directive == "inline" && fileLevel[e.Fn.Key()] {
			continue
		}
		k := key{file: e.Mod.Rel, kind: e.Kind, name: e.Name + e.Method}
		if e.Fn != nil {
			k.fn = e.Fn.Key()
		}
		if dup[k] {
			continue
		}
		dup[k] = true
		out = append(out, e)
	}
	return out
}

func fileActions(prog *index.Program, m *index.Module) []*Entry {
	var out []*Entry
	for _, name := range m.ExportOrder {
		if e := exportEntry(prog, m, name, result.KindServerAction); e != nil {
			e.Directive = "file"
			out = append(out, e)
		}
	}
	return out
}

func routeHandlers(prog *index.Program, m *index.Module) []*Entry {
	var out []*Entry
	for _, method := range Methods {
		if e := exportEntry(prog, m, method, result.KindRouteHandler); e != nil {
			e.Method = method
			out = append(out, e)
		}
	}
	return out
}

// exportEntry makes an entry of export name, when it is a function or a call
// that wraps one. Non-function exports (config objects, constants) are skipped.
func exportEntry(prog *index.Program, m *index.Module, name string, kind string) *Entry {
	ex := m.Exports[name]
	if ex == nil {
		return nil
	}
	displayName := name
	if name == "default" {
		displayName = "default"
	}
	e := &Entry{Kind: kind, Name: displayName, Mod: m, Loc: ex.Loc}
	var b index.Binding
	if ex.From != nil {
		b = prog.ResolveExport(m, name, 0)
	} else {
		b = prog.ResolveRef(m, ex.Local)
	}
	if b.Decl == nil {
		if ex.From != nil || b.Pkg != nil {
			return e // re-exported from elsewhere: listed, handler unknown
		}
		return nil
	}
	if kind == result.KindAPIRoute || name == "default" {
		if b.Decl.Name != "" && b.Decl.Name != "default" {
			e.Name = b.Decl.Name
		}
	}
	if b.Decl.Fn != nil {
		e.Fn = b.Decl.Fn
		if b.Mod == m {
			e.Loc = b.Decl.Loc
		}
		return e
	}
	if b.Decl.Init == nil {
		return nil
	}
	return wrapped(e, b.Mod, *b.Decl.Init, prog, 0)
}

// wrapped recognises `wrapper(..., handler)` and builder chains ending in a call
// whose last function argument is the handler.
func wrapped(e *Entry, m *index.Module, init esb.Expr, prog *index.Program, depth int) *Entry {
	if depth > 8 {
		return nil
	}
	switch x := init.Data.(type) {
	case *esb.ECall:
		for i := len(x.Args) - 1; i >= 0; i-- {
			if f := m.FuncFromExpr("", x.Args[i]); f != nil {
				e.Fn = f
				e.Wrapper = x
				e.WrapperMod = m
				return e
			}
		}
		// `withApiWrapper({ handler: async ({ req }) => … })`: the handler is a
		// property of an options object.
		for i := len(x.Args) - 1; i >= 0; i-- {
			if f := handlerProperty(m, x.Args[i]); f != nil {
				e.Fn = f
				e.Wrapper = x
				e.WrapperMod = m
				return e
			}
		}
		// `client.action(withLogging("name", async (...) => …))`: a project
		// wrapper inside the builder's call.
		for i := len(x.Args) - 1; i >= 0; i-- {
			inner, ok := x.Args[i].Data.(*esb.ECall)
			if !ok {
				continue
			}
			for j := len(inner.Args) - 1; j >= 0; j-- {
				if f := m.FuncFromExpr("", inner.Args[j]); f != nil {
					e.Fn = f
					e.Wrapper = x
					e.WrapperMod = m
					e.Inner = inner
					return e
				}
			}
		}
		// `wrap(handler)` where handler is a named function declared elsewhere.
		for i := len(x.Args) - 1; i >= 0; i-- {
			if ref, ok := astwalk.IdentRef(x.Args[i]); ok {
				if b := prog.ResolveRef(m, ref); b.Decl != nil && b.Decl.Fn != nil {
					e.Fn = b.Decl.Fn
					e.Wrapper = x
					e.WrapperMod = m
					return e
				}
			}
		}
		// A call with no function argument: `export const POST = handler(opts)`.
		// It is still an endpoint whose code we cannot see here.
		e.Wrapper = x
		e.WrapperMod = m
		return e
	case *esb.EIdentifier, *esb.EImportIdentifier:
		ref, _ := astwalk.IdentRef(init)
		if b := prog.ResolveRef(m, ref); b.Decl != nil {
			if b.Decl.Fn != nil {
				e.Fn = b.Decl.Fn
				return e
			}
			if b.Decl.Init != nil {
				return wrapped(e, b.Mod, *b.Decl.Init, prog, depth+1)
			}
		}
	case *esb.EAwait:
		return wrapped(e, m, x.Value, prog, depth+1)
	}
	return nil
}

// HasDirective reports whether a function body starts with "use server".
func HasDirective(body *esb.FnBody, directive string) bool {
	for _, s := range body.Block.Stmts {
		d, ok := s.Data.(*esb.SDirective)
		if !ok {
			return false
		}
		if index.String(d.Value) == directive {
			return true
		}
	}
	return false
}

// inlineActions finds functions whose own body starts with "use server".
func inlineActions(m *index.Module) []*Entry {
	names := map[int32]string{} // function body start -> the variable it initialises
	var out []*Entry
	v := &astwalk.Visitor{}
	v.OnStmt = func(s *esb.Stmt) bool {
		switch x := s.Data.(type) {
		case *esb.SLocal:
			for _, d := range x.Decls {
				if id, ok := d.Binding.Data.(*esb.BIdentifier); ok && d.ValueOrNil.Data != nil {
					switch fn := d.ValueOrNil.Data.(type) {
					case *esb.EArrow:
						names[fn.Body.Loc.Start] = m.SymbolName(id.Ref)
					case *esb.EFunction:
						names[fn.Fn.Body.Loc.Start] = m.SymbolName(id.Ref)
					}
				}
			}
		case *esb.SFunction:
			if HasDirective(&x.Fn.Body, "use server") && x.Fn.Name != nil {
				name := m.SymbolName(x.Fn.Name.Ref)
				f := m.FuncOf(name, x.Fn.Name.Loc, x.Fn.Args, &x.Fn.Body, false, x.Fn.IsAsync)
				out = append(out, &Entry{Kind: result.KindServerAction, Name: name, Mod: m, Loc: f.Loc, Directive: "inline", Fn: f})
			}
		}
		return true
	}
	v.OnExpr = func(e *esb.Expr) bool {
		var body *esb.FnBody
		switch x := e.Data.(type) {
		case *esb.EArrow:
			body = &x.Body
		case *esb.EFunction:
			body = &x.Fn.Body
			if x.Fn.Name != nil {
				names[body.Loc.Start] = m.SymbolName(x.Fn.Name.Ref)
			}
		default:
			return true
		}
		if !HasDirective(body, "use server") {
			return true
		}
		name := names[body.Loc.Start]
		f := m.FuncFromExpr(name, *e)
		if name == "" {
			name = "<anonymous>"
		}
		out = append(out, &Entry{Kind: result.KindServerAction, Name: name, Mod: m, Loc: e.Loc, Directive: "inline", Fn: f})
		return true
	}
	v.Parts(m.AST.Parts)
	return out
}

// countBindings records `action.bind(null, a, b)`: the bound values travel to the
// browser and back, so they are client-controlled arguments like any other.
func countBindings(prog *index.Program, mods []*index.Module, entries []*Entry) {
	byFn := map[index.Key]*Entry{}
	for _, e := range entries {
		if e.Fn != nil {
			byFn[e.Fn.Key()] = e
		}
	}
	for _, m := range mods {
		v := &astwalk.Visitor{OnExpr: func(ex *esb.Expr) bool {
			call, ok := ex.Data.(*esb.ECall)
			if !ok || len(call.Args) < 2 {
				return true
			}
			dot, ok := call.Target.Data.(*esb.EDot)
			if !ok || dot.Name != "bind" {
				return true
			}
			ref, ok := astwalk.IdentRef(dot.Target)
			if !ok {
				return true
			}
			if b := prog.ResolveRef(m, ref); b.Decl != nil && b.Decl.Fn != nil {
				if e := byFn[b.Decl.Fn.Key()]; e != nil && len(call.Args)-1 > e.BoundArgs {
					e.BoundArgs = len(call.Args) - 1
				}
			}
			return true
		}}
		v.Parts(m.AST.Parts)
	}
}

// handlerProperty finds the function an options object passes as its handler:
// the property named handler (or fn/action/run), else the only function.
func handlerProperty(m *index.Module, arg esb.Expr) *index.Func {
	o, ok := arg.Data.(*esb.EObject)
	if !ok {
		return nil
	}
	var only *index.Func
	count := 0
	for _, p := range o.Properties {
		if p.ValueOrNil.Data == nil {
			continue
		}
		f := m.FuncFromExpr("", p.ValueOrNil)
		if f == nil {
			continue
		}
		count++
		only = f
		if s, ok := p.Key.Data.(*esb.EString); ok {
			switch index.String(s.Value) {
			case "handler", "fn", "action", "run", "execute":
				return f
			}
		}
	}
	if count == 1 {
		return only
	}
	return nil
}
