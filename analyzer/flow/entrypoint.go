package flow

import (
	"path"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/libs"
	"github.com/nextguard/nextguard/analyzer/result"
)

// EntryFacts is what the analysis knows about one entry point.
type EntryFacts struct {
	*Facts
	Entry *entry.Entry
	// PreAuthed: a wrapper or middleware authenticated the caller before the
	// handler runs.
	PreAuthed bool
	// Signed: a library wrapper verified the request's signature before the
	// handler runs (a webhook or queue callback): the caller is a service that
	// signs its requests, not a browser carrying cookies.
	Signed bool
	// PreValidated: a wrapper or builder validated the input with a schema.
	PreValidated bool
	Chain        *Chain
	// Passthrough: the builder had middleware that does not reject anyone;
	// Gated: middleware that rejects some callers on something not known to
	// authenticate them.
	Passthrough bool
	Gated       bool
	Params      []Val
	// WrapperName is the wrapper or library the handler was passed to.
	WrapperName string
	// Truncated: the analysis hit its work limit; facts may be incomplete.
	Truncated bool
	// Work is how much of the budget the entry used (for diagnosis).
	Work int
}

// Unauth returns the first sensitive operation reached without authentication.
func (f *EntryFacts) Unauth() *Op {
	if f.PreAuthed {
		return nil
	}
	for _, op := range f.Ops {
		if !op.Authed {
			return op
		}
	}
	return nil
}

// Authenticated reports whether every sensitive path is authenticated and some
// authentication happened.
func (f *EntryFacts) Authenticated() bool {
	if f.PreAuthed {
		return true
	}
	if f.Unauth() != nil {
		return false
	}
	if f.ExitAuthed && f.NormalExits > 0 {
		return true
	}
	for _, op := range f.Ops {
		if op.Authed {
			return true
		}
	}
	for _, a := range f.AuthCalls {
		if a.Checked {
			return true
		}
	}
	return false
}

// AnalyzeEntry runs the entry's handler with the inputs its kind receives.
func (e *Engine) AnalyzeEntry(en *entry.Entry) *EntryFacts {
	out := &EntryFacts{Entry: en}
	e.Budget = EntryBudget
	e.truncated = false
	defer func() {
		out.Work = EntryBudget - e.Budget
		out.Truncated = e.Budget <= 0 || e.truncated
	}()
	if en.Fn == nil {
		out.Facts = newFacts()
		return out
	}
	params := e.defaultParams(en)
	authed, priv := false, false
	if en.Wrapper != nil {
		if c := e.ChainOf(en.WrapperMod, en.Wrapper); c != nil {
			out.Chain = c
			out.WrapperName = c.Lib
			authed, priv = c.Authed, c.Priv
			out.PreValidated = c.Validated
			out.Passthrough = c.Passthrough > 0 && !c.Authed
			out.Gated = c.Gated > 0 && !c.Authed
			params = e.chainParams(en, c)
			if en.Inner != nil {
				if inv, name := e.innerInvocation(en, params, authed); inv != nil {
					out.WrapperName += " + " + name
					authed = authed || inv.Authed
					copy(params, inv.Args)
				}
			}
		} else if inv, name := e.nestedInvocation(en); inv != nil {
			out.WrapperName = name
			authed, priv = inv.Authed, inv.Priv
			copy(params, inv.Args)
		} else if inv, name := e.wrapperInvocation(en); inv != nil {
			out.WrapperName = name
			authed, priv = inv.Authed, inv.Priv
			args := inv.Args
			if !authed {
				if calls := identityCalls(en, inv); calls != nil {
					// The wrapper's anonymous paths do not give this handler what it
					// destructures (its workspace, its session): it cannot run there.
					authed, priv, args = true, allPriv(calls), joinArgs(calls)
				}
			}
			copy(params, args)
			for _, a := range inv.Args {
				if a.Has(Validated) {
					out.PreValidated = true
				}
			}
		} else {
			out.WrapperName = calleeName(en.WrapperMod, en.Wrapper)
			switch e.libraryWrapper(en) {
			case libs.Verify:
				// serve(handler) of Upstash Workflow, verifySignatureAppRouter(handler):
				// the library checks the request's signature before the handler runs.
				authed, priv, out.Signed = true, true, true
			case libs.AuthSource:
				// Auth.js v5 `auth(handler)`: the handler gets the session as
				// `req.auth` (null when signed out) and must check it itself.
				if len(params) > 0 {
					params[0] = withAuthField(params[0])
				}
			}
		}
	}
	out.PreAuthed = authed
	out.Params = params
	var env map[esb.Ref]Val
	if en.Directive == "inline" {
		// The component's own auth check does not protect the action (its id
		// can be called without rendering the page), but values it captured
		// are encrypted by Next.js: testing a captured session is a check.
		env = e.outerEnv(en.Fn)
		e.Budget = EntryBudget
	}
	out.Facts = e.analyzeIn(en.Fn, params, state{authed: authed, priv: priv}, false, false, env)
	if libs.IsSignInName(en.Name) {
		// Sign-in, sign-up, sign-out and password-reset actions are public by
		// design; their names are the convention every auth tutorial follows.
		out.Facts.SignIn = true
	}
	if out.Chain != nil {
		for k, v := range out.Chain.Authorized {
			out.Facts.Authorized[k] = v
			// Middleware sees the raw input (clientInput); the handler sees the
			// same values parsed (parsedInput, zsa's input).
			for _, alias := range []string{"parsedInput", "input"} {
				if rest, ok := strings.CutPrefix(k, "clientInput"); ok {
					out.Facts.Authorized[alias+rest] = v
				}
				if rest, ok := strings.CutPrefix(k, "root:clientInput"); ok {
					out.Facts.Authorized["root:"+alias+rest] = v
				}
			}
		}
	}
	return out
}

// calleeFunc resolves a call's target to the project function it names.
func (e *Engine) calleeFunc(m *index.Module, c *esb.ECall) (index.Binding, bool) {
	ref, ok := astwalk.IdentRef(c.Target)
	if !ok {
		return index.Binding{}, false
	}
	b := e.Prog.ResolveRef(m, ref)
	return b, b.Decl != nil && b.Decl.Fn != nil
}

// libraryWrapper returns what a library function that wraps an entry's
// handler is (libs.None when it is not a known library function).
func (e *Engine) libraryWrapper(en *entry.Entry) libs.Kind {
	fr := e.newFrame(en.WrapperMod)
	st := state{}
	v := fr.eval(&en.Wrapper.Target, &st)
	if v.Pkg == nil || len(v.Pkg.Path) == 0 {
		return libs.None
	}
	if v.Pkg.Spec == "$auth" {
		return libs.AuthFactoryMembers[strings.Join(v.Pkg.Path, ".")]
	}
	ex, _ := libs.Lookup(v.Pkg.Spec, v.Pkg.Path[len(v.Pkg.Path)-1])
	return ex.Kind
}

// withAuthField gives a request parameter the session an auth wrapper puts
// in `req.auth`.
func withAuthField(req Val) Val {
	obj := make(map[string]Val, len(req.Obj)+1)
	for k, v := range req.Obj {
		obj[k] = v
	}
	obj["auth"] = Val{F: Auth | Caller}
	req.Obj = obj
	return req
}

func calleeName(m *index.Module, c *esb.ECall) string {
	switch t := c.Target.Data.(type) {
	case *esb.EIdentifier:
		return m.SymbolName(t.Ref)
	case *esb.EImportIdentifier:
		return m.SymbolName(t.Ref)
	case *esb.EDot:
		return t.Name
	}
	return ""
}

// defaultParams are the client-controlled inputs of an entry of its kind.
func (e *Engine) defaultParams(en *entry.Entry) []Val {
	fn := en.Fn
	out := make([]Val, len(fn.Args))
	fr := &frame{e: e, mod: fn.Mod}
	switch en.Kind {
	case result.KindServerAction:
		return fr.clientParams(fn)
	case result.KindRouteHandler:
		if len(out) > 0 {
			out[0] = Val{F: Client | Request, Origin: &Origin{ID: "request", Mod: fn.Mod, Loc: fn.Args[0].Binding.Loc, Root: "request"}}
		}
		if len(out) > 1 {
			// Route segments are strings by construction.
			p := Val{F: Client | Stringly, Origin: &Origin{ID: "params", Mod: fn.Mod, Loc: fn.Args[1].Binding.Loc, Root: "params"}}
			out[1] = Val{F: Client, Obj: map[string]Val{"params": p}, Origin: p.Origin}
		}
	case result.KindAPIRoute:
		if len(out) > 0 {
			loc := fn.Args[0].Binding.Loc
			out[0] = Val{F: Client | Request, Origin: &Origin{ID: "req", Mod: fn.Mod, Loc: loc, Root: "req"}}
			if segs := pathSegments(en.Mod.Rel); len(segs) > 0 {
				// pages/api/teams/[teamId].ts: req.query.teamId is the path
				// segment, a string by construction (it takes precedence over
				// a query parameter of the same name).
				q := Val{F: Client | Request, Origin: &Origin{ID: "request.query", Mod: fn.Mod, Loc: loc, Root: "request.query"}, Obj: map[string]Val{}}
				for _, name := range segs {
					q.Obj[name] = Val{F: Client | Stringly, Origin: &Origin{ID: "request.query." + name, Mod: fn.Mod, Loc: loc, Root: "request.query." + name}}
				}
				out[0].Obj = map[string]Val{"query": q}
			}
		}
		if len(out) > 1 {
			out[1] = Val{F: Response}
		}
	}
	return out
}

// chainParams are the handler's parameters under an action-client builder.
func (e *Engine) chainParams(en *entry.Entry, c *Chain) []Val {
	mod := en.Fn.Mod
	input := Val{F: Client, Origin: &Origin{ID: "parsedInput", Mod: mod, Root: "parsedInput"}}
	if c.Lib == "zsa" {
		input.Origin = &Origin{ID: "input", Mod: mod, Root: "input"}
	}
	if c.Validated {
		input.F |= Validated
	}
	bound := Val{F: Client, Origin: &Origin{ID: "bindArgsParsedInputs", Mod: mod, Root: "bindArgsParsedInputs"}}
	if c.BindValidated {
		bound.F |= Validated
	}
	obj := Val{Obj: map[string]Val{
		"parsedInput":          input,
		"input":                input,
		"ctx":                  validatedRaw(c.Ctx, c.Validated, c.BindValidated, 0),
		"bindArgsParsedInputs": bound,
		"clientInput":          {F: Client, Origin: &Origin{ID: "clientInput", Mod: mod, Root: "clientInput"}},
		"metadata":             {},
	}}
	out := make([]Val, len(en.Fn.Args))
	if len(out) > 0 {
		out[0] = obj
	}
	return out
}

// validatedRaw marks what middleware put in ctx from the raw inputs
// (clientInput, bindArgsClientInputs) as validated when the chain has their
// schema: middleware runs before validation, but the handler runs only after
// the inputs passed it, and the raw values are the ones that passed.
func validatedRaw(v Val, input, bound bool, depth int) Val {
	if v.Origin != nil && (input && v.Origin.Root == "clientInput" || bound && v.Origin.Root == "bindArgsClientInputs") {
		v.F |= Validated
	}
	if len(v.Obj) > 0 && depth < 4 {
		obj := make(map[string]Val, len(v.Obj))
		for k, f := range v.Obj {
			obj[k] = validatedRaw(f, input, bound, depth+1)
		}
		v.Obj = obj
	}
	return v
}

// wrapperInvocation resolves a project HOF wrapper and how it calls the handler.
func (e *Engine) wrapperInvocation(en *entry.Entry) (*Invocation, string) {
	c := en.Wrapper
	b, ok := e.calleeFunc(en.WrapperMod, c)
	if !ok {
		return nil, ""
	}
	argIndex := -1
	fr := e.newFrame(en.WrapperMod)
	var rets []Ret
	fr.rets = &rets
	args := make([]Val, len(c.Args))
	st := state{}
	for i := range c.Args {
		if f := en.WrapperMod.FuncFromExpr("", c.Args[i]); f != nil && f == en.Fn {
			argIndex = i
			continue
		}
		if id, ok := c.Args[i].Data.(*esb.EIdentifier); ok {
			if bb := e.Prog.ResolveRef(en.WrapperMod, id.Ref); bb.Decl != nil && bb.Decl.Fn == en.Fn {
				argIndex = i
				continue
			}
		}
		args[i] = fr.eval(&c.Args[i], &st)
		if o, ok := c.Args[i].Data.(*esb.EObject); ok && args[i].Obj != nil {
			// The handler inside an options object: mark that property.
			for _, p := range o.Properties {
				if p.ValueOrNil.Data == nil {
					continue
				}
				if f := en.WrapperMod.FuncFromExpr("", p.ValueOrNil); f != nil && f == en.Fn {
					if s, ok := p.Key.Data.(*esb.EString); ok {
						obj := make(map[string]Val, len(args[i].Obj))
						for k, v := range args[i].Obj {
							obj[k] = v
						}
						obj[index.String(s.Value)] = Val{F: Handler}
						args[i].Obj = obj
						argIndex = -2 - i // found, inside an object
					}
				}
			}
		}
	}
	if argIndex == -1 {
		return nil, ""
	}
	inv := e.Invocation(b.Decl.Fn, argIndex, args)
	return inv, b.Decl.Name
}

// identityCalls returns the authenticated invocations of a handler when every
// unauthenticated one lacks a field that the handler's first parameter
// destructures and that the authenticated invocations fill with the caller's
// identity (dub's withWorkspace runs handlers anonymously only for the
// anonymous-link route, without session or workspace). Nil when that does not
// hold.
func identityCalls(en *entry.Entry, inv *Invocation) []HandlerCall {
	if en.Fn == nil || len(en.Fn.Args) == 0 {
		return nil
	}
	obj, ok := en.Fn.Args[0].Binding.Data.(*esb.BObject)
	if !ok {
		return nil
	}
	var keys []string
	for _, p := range obj.Properties {
		if s, ok := p.Key.Data.(*esb.EString); ok && !p.IsSpread {
			keys = append(keys, index.String(s.Value))
		}
	}
	var authed, anon []HandlerCall
	for _, c := range inv.Calls {
		if c.Authed {
			authed = append(authed, c)
		} else {
			anon = append(anon, c)
		}
	}
	if len(authed) == 0 {
		return nil
	}
	// A field every authenticated run passes and no anonymous run does exists
	// because of the authentication (session, workspace, token).
	identity := func(k string) bool {
		for _, c := range authed {
			if len(c.Args) == 0 {
				return false
			}
			if _, ok := c.Args[0].Obj[k]; !ok {
				return false
			}
		}
		return true
	}
	for _, c := range anon {
		lacks := false
		for _, k := range keys {
			if !identity(k) {
				continue
			}
			if len(c.Args) == 0 {
				lacks = true
				break
			}
			if _, ok := c.Args[0].Obj[k]; !ok {
				lacks = true
				break
			}
		}
		if !lacks {
			return nil
		}
	}
	return authed
}

func allPriv(calls []HandlerCall) bool {
	for _, c := range calls {
		if !c.Priv {
			return false
		}
	}
	return len(calls) > 0
}

func joinArgs(calls []HandlerCall) []Val {
	var out []Val
	for _, c := range calls {
		for i, a := range c.Args {
			if i < len(out) {
				out[i] = Join(out[i], a)
			} else {
				out = append(out, a)
			}
		}
	}
	return out
}

// innerInvocation resolves a project wrapper nested inside an action client's
// .action() and runs the endpoint it returns with the client's parameters.
func (e *Engine) innerInvocation(en *entry.Entry, params []Val, authed bool) (*Invocation, string) {
	c := en.Inner
	b, ok := e.calleeFunc(en.WrapperMod, c)
	if !ok {
		return nil, ""
	}
	fr := e.newFrame(en.WrapperMod)
	var rets []Ret
	fr.rets = &rets
	args := make([]Val, len(c.Args))
	argIndex := -1
	st := state{}
	for i := range c.Args {
		if f := en.WrapperMod.FuncFromExpr("", c.Args[i]); f != nil && f == en.Fn {
			argIndex = i
			continue
		}
		args[i] = fr.eval(&c.Args[i], &st)
	}
	if argIndex < 0 {
		return nil, ""
	}
	return e.invocation(b.Decl.Fn, argIndex, args, params, authed), b.Decl.Name
}

// nestedInvocation handles `outer(..., inner(..., handler))` with project (or
// package) HOFs: the outer wrapper runs what the inner one returns, and the
// inner one runs the handler. Package wrappers we cannot read (withAxiom) are
// transparent.
func (e *Engine) nestedInvocation(en *entry.Entry) (*Invocation, string) {
	if en.Inner == nil || en.Wrapper == nil {
		return nil, ""
	}
	outer := en.Wrapper
	if _, ok := astwalk.IdentRef(outer.Target); !ok {
		return nil, ""
	}
	params := e.defaultParams(en)
	authed, priv := false, false
	name := calleeName(en.WrapperMod, outer)
	if b, ok := e.calleeFunc(en.WrapperMod, outer); ok {
		fr := e.newFrame(en.WrapperMod)
		var rets []Ret
		fr.rets = &rets
		args := make([]Val, len(outer.Args))
		idx := -1
		st := state{}
		for i := range outer.Args {
			if c, ok := outer.Args[i].Data.(*esb.ECall); ok && c == en.Inner {
				idx = i
				continue
			}
			args[i] = fr.eval(&outer.Args[i], &st)
		}
		if idx < 0 {
			return nil, ""
		}
		if inv := e.Invocation(b.Decl.Fn, idx, args); inv != nil {
			authed, priv = inv.Authed, inv.Priv
			copy(params, inv.Args)
		}
	}
	innerInv, innerName := e.innerInvocation(en, params, authed)
	if innerInv == nil {
		return &Invocation{Authed: authed, Priv: priv, Args: params}, name
	}
	innerInv2 := *innerInv
	innerInv2.Authed = innerInv.Authed || authed
	innerInv2.Priv = innerInv.Priv || priv
	return &innerInv2, name + " + " + innerName
}

// pathSegments are the names of the single dynamic segments in a route
// file's path (`[teamId]`; not catch-alls, which are arrays).
func pathSegments(rel string) []string {
	var out []string
	for _, part := range strings.Split(rel, "/") {
		part = strings.TrimSuffix(part, path.Ext(part))
		if strings.HasPrefix(part, "[") && strings.HasSuffix(part, "]") && !strings.HasPrefix(part, "[[") && !strings.HasPrefix(part, "[...") {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}
