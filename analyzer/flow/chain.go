package flow

import (
	"fmt"
	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/index"
	"strings"
)

// Chain is the state of an action-client builder (next-safe-action, zsa): what
// its middleware guarantees to the handler that `.action()` finally receives.
type Chain struct {
	Lib string // "next-safe-action" | "zsa" | "zsa-procedure"
	// Authed: every middleware path that reaches the handler is authenticated.
	Authed bool
	// Passthrough counts middleware that ran without rejecting anyone;
	// Gated, middleware that rejects some callers, but on nothing known to
	// authenticate them (a call nextguard cannot see into, like an HTTP API).
	Passthrough   int
	Gated         int
	Ctx           Val
	Validated     bool
	BindValidated bool
	// Priv: middleware checked a global role (admin-only clients).
	Priv bool
	// OwnerChecked: a useValidated middleware tied the input to the caller.
	OwnerChecked bool
	Authorized   map[string]Site
}

func newChain(p *PkgRef) *Chain {
	lib := "next-safe-action"
	if p != nil && len(p.Path) > 0 {
		switch p.Path[0] {
		case "createServerAction":
			lib = "zsa"
		case "createServerActionProcedure":
			lib = "zsa-procedure"
		}
	}
	return &Chain{Lib: lib}
}

func (c *Chain) clone() *Chain {
	n := *c
	n.Authorized = map[string]Site{}
	for k, v := range c.Authorized {
		n.Authorized[k] = v
	}
	return &n
}

// chainCall applies one builder method.
func (fr *frame) chainCall(c *Chain, method string, x *esb.ECall, args []Val, st *state, site Site) Val {
	n := c.clone()
	switch method {
	case "use", "useValidated", "middleware":
		if len(args) == 0 || args[0].Fn == nil {
			break
		}
		facts := fr.e.runMiddleware(args[0].Fn, n, method == "useValidated")
		authed := len(facts.Handlers) > 0
		priv := authed
		for _, h := range facts.Handlers {
			if !h.Authed {
				authed = false
			}
			if !h.Priv {
				priv = false
			}
			if len(h.Args) > 0 {
				if ctx, ok := h.Args[0].Obj["ctx"]; ok {
					n.Ctx = mergeObj(n.Ctx, ctx)
				}
			}
		}
		if priv {
			n.Priv = true
		}
		if authed {
			n.Authed = true
		} else if !n.Authed && facts.ThrowsUnauthed {
			n.Gated++
		} else if !n.Authed {
			n.Passthrough++
		}
		if method == "useValidated" && len(facts.Authorized) > 0 {
			n.OwnerChecked = true
		}
		for k, v := range facts.Authorized {
			n.Authorized[k] = v
		}
	case "schema", "inputSchema", "input":
		n.Validated = true
	case "bindArgsSchemas":
		n.BindValidated = true
	case "handler":
		if c.Lib == "zsa-procedure" && len(args) > 0 && args[0].Fn != nil {
			// A zsa procedure's handler returns the ctx; it authenticates when all
			// its normal exits are authenticated.
			p := []Val{{Obj: map[string]Val{"ctx": c.Ctx, "input": {F: Client}}}}
			f := fr.e.Analyze(args[0].Fn, p, c.Authed, false, true)
			if f.ExitAuthed && f.NormalExits > 0 {
				n.Authed = true
			}
			var ret Val
			for _, r := range f.Returns {
				ret = Join(ret, r.Val)
			}
			n.Ctx = mergeObj(n.Ctx, ret)
		}
	case "createServerAction":
		n.Lib = "zsa"
	}
	return Val{Chain: n}
}

func mergeObj(a, b Val) Val {
	if a.Obj == nil {
		return b
	}
	return Join(a, b)
}

// runMiddleware analyses a middleware function: `next` is the handler, `ctx`
// the context so far.
func (e *Engine) runMiddleware(fn *index.Func, c *Chain, validated bool) *Facts {
	input := Val{F: Client, Origin: &Origin{ID: "parsedInput", Mod: fn.Mod, Root: "parsedInput"}}
	if validated {
		input.F |= Validated
	}
	param := Val{Obj: map[string]Val{
		"next":                 {F: Handler},
		"ctx":                  c.Ctx,
		"parsedInput":          input,
		"clientInput":          {F: Client, Origin: &Origin{ID: "clientInput", Mod: fn.Mod, Root: "clientInput"}},
		"bindArgsClientInputs": {F: Client, Origin: &Origin{ID: "bindArgsClientInputs", Mod: fn.Mod, Root: "bindArgsClientInputs"}},
		"bindArgsParsedInputs": {F: Client | Validated, Origin: &Origin{ID: "bindArgsParsedInputs", Mod: fn.Mod, Root: "bindArgsParsedInputs"}},
		"metadata":             {},
	}}
	return e.Analyze(fn, []Val{param, {F: Handler}}, c.Authed, false, true)
}

// ChainOf evaluates the builder a wrapped action was created from (the callee of
// `client.schema(s).action`), in the module where it appears.
func (e *Engine) ChainOf(m *index.Module, call *esb.ECall) *Chain {
	d, ok := call.Target.Data.(*esb.EDot)
	if !ok {
		return nil
	}
	fr := e.newFrame(m)
	var rets []Ret
	fr.rets = &rets
	st := state{}
	v := fr.eval(&d.Target, &st)
	return v.Chain
}

// Invocation describes how a wrapper runs the handler it was given.
type Invocation struct {
	Authed bool
	Priv   bool
	// Calls are the individual places the handler is run (after delegation).
	Calls []HandlerCall
	Args  []Val
	// Facts of the wrapper's own code (its sensitive operations, auth calls).
	Facts *Facts
}

// Invocation analyses a project HOF called as `hof(..., handler)` with the
// handler at argIndex: it finds the function the HOF returns (the real endpoint)
// and runs it with client input, recording how the handler is called. args are
// the other call-site arguments (may be nil).
func (e *Engine) Invocation(hof *index.Func, argIndex int, args []Val) *Invocation {
	return e.invocation(hof, argIndex, args, nil, false)
}

// invocation is Invocation with the values the endpoint the HOF returns is
// called with (nil: client input) and whether that caller already
// authenticated (a wrapper nested inside an action client).
func (e *Engine) invocation(hof *index.Func, argIndex int, args []Val, endpoint []Val, authed bool) *Invocation {
	key := invKey{hof.Key(), argIndex, argsKey(args) + argsKey(endpoint) + fmt.Sprint(authed)}
	if inv, ok := e.invocations()[key]; ok {
		return inv
	}
	if e.busy[hof.Key()] {
		return nil
	}
	e.busy[hof.Key()] = true
	defer delete(e.busy, hof.Key())
	params := make([]Val, len(hof.Args))
	for i := range params {
		if i < len(args) {
			params[i] = args[i]
		}
		if i == argIndex {
			params[i] = Val{F: Handler}
		}
	}
	fr := &frame{e: e, mod: hof.Mod, facts: newFacts(), env: map[esb.Ref]Val{}, wrapper: true, checked: map[esb.Ref]bool{}}
	var rets []Ret
	fr.rets = &rets
	st := fr.runFunc(hof.Args, hof.Body, params, state{})
	_ = st
	facts := fr.facts
	// Usually the HOF returns the endpoint function: run it with client input in
	// the HOF's scope (its parameters are still bound in fr.env).
	for _, r := range rets {
		if len(facts.Handlers) > 0 {
			break // the HOF delegated to another wrapper, which runs the handler
		}
		if r.Val.Fn != nil && r.Val.FnMod == fr.mod && within(r.Val.Fn, hof) {
			inner := r.Val.Fn
			fr.facts = newFacts()
			var innerRets []Ret
			fr.rets = &innerRets
			params := endpoint
			if params == nil {
				params = fr.endpointParams(inner)
			}
			fr.runFunc(inner.Args, inner.Body, params, state{authed: authed})
			facts = fr.facts
			break
		}
	}
	var inv *Invocation
	if len(facts.Handlers) > 0 {
		inv = &Invocation{Authed: true, Priv: true, Facts: facts, Calls: facts.Handlers}
		for _, h := range facts.Handlers {
			if !h.Authed {
				inv.Authed = false
			}
			if !h.Priv {
				inv.Priv = false
			}
			for i, a := range h.Args {
				if i < len(inv.Args) {
					inv.Args[i] = Join(inv.Args[i], a)
				} else {
					inv.Args = append(inv.Args, a)
				}
			}
		}
	}
	e.invocations()[key] = inv
	return inv
}

type invKey struct {
	fn   index.Key
	arg  int
	args string
}

// argsKey tells apart invocations of one HOF with different arguments:
// withMiddleware(h, authMiddleware) and withMiddleware(h, undefined) run the
// handler very differently.
func argsKey(args []Val) string {
	var b strings.Builder
	for _, a := range args {
		argKey(&b, a, 0)
	}
	return b.String()
}

// argKey writes what tells invocations apart: functions by identity, known
// strings by value (withApi({ auth: "none" }) is not withApi({ auth: "both" })),
// object arguments field by field.
func argKey(b *strings.Builder, a Val, depth int) {
	switch {
	case a.Fn != nil:
		fmt.Fprintf(b, "f%s:%d;", a.Fn.Mod.Rel, a.Fn.Body.Loc.Start)
	case a.HasStr:
		fmt.Fprintf(b, "s%q;", a.Str)
	case len(a.Obj) > 0 && depth < 2:
		fmt.Fprintf(b, "%d{", a.F)
		for _, k := range sortedKeys(a.Obj) {
			fmt.Fprintf(b, "%s:", k)
			argKey(b, a.Obj[k], depth+1)
		}
		b.WriteString("};")
	default:
		fmt.Fprintf(b, "%d;", a.F)
	}
}

func (e *Engine) invocations() map[invKey]*Invocation {
	if e.invs == nil {
		e.invs = map[invKey]*Invocation{}
	}
	return e.invs
}

// within reports whether fn is written inside outer's body (a closure the HOF
// returns), as opposed to a function it got from elsewhere.
func within(fn, outer *index.Func) bool {
	if fn.Mod != outer.Mod || fn.Body.Loc.Start <= outer.Body.Loc.Start {
		return false
	}
	end := outer.Body.Block.CloseBraceLoc.Start
	if end <= outer.Body.Loc.Start {
		// An expression-bodied arrow (`(h) => async (req) => …`) has no closing
		// brace; its inner function follows it directly.
		return !isTopLevel(fn)
	}
	return fn.Body.Loc.Start < end
}

func isTopLevel(fn *index.Func) bool {
	for _, d := range fn.Mod.Decls {
		if d.Fn == fn {
			return true
		}
	}
	return false
}

// endpointParams are the inputs of the function a wrapper returns: for a
// route handler (req, { params }), a request and string route segments; for
// an action, plain client arguments.
func (fr *frame) endpointParams(fn *index.Func) []Val {
	out := fr.clientParams(fn)
	if len(out) > 0 {
		out[0].F |= Request
	}
	if len(out) > 1 {
		p := Val{F: Client | Stringly, Origin: &Origin{ID: "params", Mod: fn.Mod, Loc: fn.Args[1].Binding.Loc, Root: "params"}}
		out[1].Obj = map[string]Val{"params": p}
	}
	return out
}
