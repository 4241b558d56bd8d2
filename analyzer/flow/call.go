package flow

import (
	"math/bits"
	"sort"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/libs"
)

// Authz marks a configured authorization helper (Val.Kind).
const kindAuthz libs.Kind = 200

// kindAPIClient: an object the project built with a server secret (an SDK
// client constructed with an API key); its members are too.
const kindAPIClient libs.Kind = 201

// kindVerifier: a signature verifier (crypto.createVerify()).
const kindVerifier libs.Kind = 202

// configured returns the value a configured name stands for, if any.
func (e *Engine) configured(name, spec string) Val {
	match := func(list []string) bool {
		for _, c := range list {
			mod, fn, ok := strings.Cut(c, "#")
			if !ok {
				if c == name {
					return true
				}
				continue
			}
			if fn != name {
				continue
			}
			if mod == spec || specMatches(spec, mod) {
				return true
			}
		}
		return false
	}
	switch {
	case name == "":
	case match(e.Cfg.AuthGuards):
		return Val{Kind: libs.AuthGuard}
	case match(e.Cfg.AuthSources):
		return Val{Kind: libs.AuthSource}
	case match(e.Cfg.AuthorizationHelpers):
		return Val{Kind: kindAuthz}
	case match(e.Cfg.Validators):
		return Val{Kind: libs.ParseFunc}
	case match(e.Cfg.RateLimiters):
		return Val{Kind: libs.RateLimit}
	case match(e.Cfg.DBClients):
		return Val{F: DB}
	}
	return Val{}
}

// specMatches compares an import specifier or a file path with a configured
// module ("@/lib/auth", "lib/auth.ts", "@acme/auth").
func specMatches(spec, mod string) bool {
	trim := func(s string) string {
		for _, p := range []string{"@/", "~/", "./", "src/"} {
			s = strings.TrimPrefix(s, p)
		}
		if i := strings.LastIndexByte(s, '.'); i > strings.LastIndexByte(s, '/') {
			s = s[:i]
		}
		return strings.TrimSuffix(s, "/index")
	}
	a, b := trim(spec), trim(mod)
	return a == b || strings.HasSuffix(a, "/"+b)
}

// calleeText renders a callee for messages ("prisma.post.delete").
func (fr *frame) calleeText(e esb.Expr) string {
	end := int32(-1)
	switch x := e.Data.(type) {
	case *esb.EDot:
		end = x.NameLoc.Start + int32(len(x.Name))
	case *esb.EIdentifier, *esb.EImportIdentifier:
		ref := esb.Ref{}
		if id, ok := x.(*esb.EIdentifier); ok {
			ref = id.Ref
		} else {
			ref = x.(*esb.EImportIdentifier).Ref
		}
		return fr.mod.SymbolName(ref)
	}
	text := fr.mod.File.Text
	if end <= e.Loc.Start || int(end) > len(text) {
		return "call"
	}
	s := text[e.Loc.Start:end]
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{" .", ". ", "( ", " )", " (", ", "} {
		s = strings.ReplaceAll(s, p, strings.TrimSpace(p))
	}
	if len(s) > 60 {
		s = s[:28] + "…" + s[len(s)-28:]
	}
	return s
}

func isFuncLit(e esb.Expr) bool {
	switch e.Data.(type) {
	case *esb.EArrow, *esb.EFunction:
		return true
	}
	return false
}

// call evaluates a call expression.
func (fr *frame) call(e *esb.Expr, x *esb.ECall, st *state) Val {
	var obj, callee Val
	method := ""
	if d, ok := x.Target.Data.(*esb.EDot); ok {
		obj = fr.eval(&d.Target, st)
		method = d.Name
		callee = fr.member(obj, method, d.NameLoc)
	} else {
		callee = fr.eval(&x.Target, st)
	}
	if st.exited {
		return Val{}
	}
	all := method == "all" && fr.isGlobalRoot(x.Target, "Promise")
	opsBefore, authCallsBefore, authedBefore := len(fr.facts.Ops), len(fr.facts.AuthCalls), st.authed
	args := make([]Val, len(x.Args))
	for i := range x.Args {
		if isFuncLit(x.Args[i]) {
			args[i] = Val{Fn: fr.mod.FuncFromExpr("", x.Args[i]), FnMod: fr.mod}
			continue
		}
		args[i] = fr.eval(&x.Args[i], st)
	}
	if all && !authedBefore {
		fr.concurrentReads(fr.facts.Ops[opsBefore:], len(fr.facts.AuthCalls) > authCallsBefore, st.authed)
	}
	for i := range x.Args {
		if codeExchange(x.Args[i], 0) {
			// requestToken({ client_id, client_secret, code, grant_type }): an
			// OAuth callback completing a sign-in or connection begun elsewhere,
			// whichever helper posts the form.
			fr.facts.SignInCallback = true
		}
	}
	site := Site{Mod: fr.mod, Loc: e.Loc, End: x.CloseParenLoc.Start + 1}

	switch {
	case callee.Has(Handler):
		fr.facts.Handlers = append(fr.facts.Handlers, HandlerCall{Authed: st.authed, Priv: st.priv, Args: args, Site: site})
		return Val{}
	case callee.Has(Exit):
		st.exited = true
		return Val{F: Exit}
	case obj.Chain != nil:
		return fr.chainCall(obj.Chain, method, x, args, st, site)
	case obj.Has(DB) && method != "":
		return fr.dbCall(obj, method, e, x, args, st, site)
	case obj.Has(Effect) && (method == "constructEvent" || method == "constructEventAsync" || method == "parseThinEvent" || method == "parseEventNotification"):
		// Stripe webhook signature verification throws on a forged request.
		st.authed, st.priv = true, true
		return Val{F: Auth | Caller}
	case obj.Has(Effect) && method != "":
		fr.sensitive(site, fr.calleeText(x.Target), obj.What, st, args)
		return Val{}
	case method == "then" || method == "catch" || method == "finally":
		v := resolveQuery(obj, false)
		if method == "then" && len(args) > 0 && args[0].Fn != nil {
			return fr.inline(args[0].Fn, []Val{v}, st)
		}
		return v
	case obj.Has(Schema) && method != "":
		fr.asserts(method, x, args)
		return fr.schemaCall(method, args)
	case fr.summary && obj.Params != 0 && obj.F&^Member == 0 && schemaMethods[method]:
		// parseRequest(request, schema) calls schema.safeParse(body): in the
		// helper the schema is a parameter; callers pass a schema.
		fr.asserts(method, x, args)
		return fr.schemaCall(method, args)
	case callee.Kind == libs.AuthGuard:
		fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: fr.calleeText(x.Target), Checked: true})
		fr.facts.SessionAuth = true
		st.authed = true
		return Val{F: Caller | Auth}
	case callee.Kind == kindAuthz:
		for _, a := range args {
			fr.authorize(a.Origin, e.Loc)
			fr.authorize(a.KeyedBy, e.Loc)
		}
		return Val{}
	case callee.Pkg != nil && callee.Fn == nil:
		return fr.pkgCall(callee, method, e, x, args, st, site)
	case obj.Kind == libs.Ability && (method == "can" || method == "cannot"):
		// ability.cannot("delete", subject("SpaceMember", member)): the
		// record is checked against the rules the app built for the caller,
		// as a configured authorization helper checks it.
		for _, a := range args {
			for _, v := range []Val{a, a.deep()} {
				// the record, or a DTO made of its fields
				fr.authorize(v.Origin, e.Loc)
				fr.authorize(v.KeyedBy, e.Loc)
			}
			if fr.summary && obj.Params != 0 && (a.KeyParams != 0 || a.Params != 0) {
				// In a helper, an ability built from its parameters: whether
				// the record is the caller's depends on what callers pass.
				fr.facts.AuthzPairs = append(fr.facts.AuthzPairs, AuthzPair{Subject: a, Against: Val{F: obj.F & (Caller | Client | Member), Params: obj.Params, Field: obj.Field}, Site: site})
			}
		}
		return Val{F: Cmp}
	case obj.Kind == libs.OAuthClient && method != "":
		if method == "getToken" {
			// oauth2Client.getToken(code): the callback of an authorization-code
			// flow; the tokens identify whoever completed it.
			fr.facts.SignInCallback = true
			return Val{F: Auth | Caller}
		}
		return Val{}
	case obj.Kind == kindVerifier && method != "":
		// crypto.createVerify("SHA256").update(message).verify(cert, signature):
		// true only for the holder of the signing key.
		switch method {
		case "update":
			return obj
		case "verify":
			return Val{F: Secret}
		}
		return Val{}
	case obj.Kind == kindAPIClient && method != "":
		if !valueMethods[method] {
			fr.facts.Unread = true
		}
		if !valueMethods[method] && steeredBy(args) {
			// client.records.delete(id) on a client the project built with an
			// API key (new HubClient({ apiKey: env.HUB_API_KEY })): a
			// third-party API call with a server secret, as fetch with one is.
			// What the SDK does with its arguments is unknown (it may well
			// validate them), so they are not reported as unvalidated.
			fr.facts.Ops = append(fr.facts.Ops, &Op{Site: site, Desc: fr.calleeText(x.Target), What: "calls a third-party API with a server secret", Authed: st.authed})
		}
		return Val{}
	case injectedVerifier(obj, callee, fr.calleeText(x.Target), args):
		// gatewayToken.verifyToken(token) in a helper: the verifier is the
		// caller's, unseen here; like jwt.verify it throws on a bad token, and
		// what it returns is the caller's identity.
		st.authed = true
		return Val{F: Auth | Caller}
	case callee.Kind != libs.None && callee.Fn == nil:
		return fr.kindCall(callee, callee.Kind, callee.What, e, x, args, st, site)
	case callee.Fn != nil:
		if callee.Kind != libs.None {
			return fr.kindCall(callee, callee.Kind, callee.What, e, x, args, st, site)
		}
		return fr.callFunc(callee.Fn, x, args, st, site, fr.calleeText(x.Target))
	}
	return fr.builtinCall(obj, method, callee, e, x, args, st, site)
}

// builtinCall handles globals and methods of plain values.
func (fr *frame) builtinCall(obj Val, method string, callee Val, e *esb.Expr, x *esb.ECall, args []Val, st *state, site Site) Val {
	name := method
	if name == "" {
		if id, ok := x.Target.Data.(*esb.EIdentifier); ok {
			name = fr.mod.SymbolName(id.Ref)
		}
	}
	if obj.Has(Response) && method != "" {
		if (method == "json" || method == "send") && len(args) > 0 {
			*fr.rets = append(*fr.rets, Ret{Site: site, Val: resolveQuery(args[0], true)})
		}
		return Val{F: Response}
	}
	if method != "" {
		if id, ok := fr.rootIdent(x.Target); ok {
			switch id {
			case "crypto":
				if method == "randomUUID" || method == "getRandomValues" {
					fr.facts.Unread = true // the Web Crypto global
				}
				if method == "verify" {
					return Val{F: Secret} // crypto.subtle.verify(alg, key, signature, data)
				}
			case "Object":
				if method == "assign" && len(args) > 0 {
					return assignObj(args)
				}
				if method == "fromEntries" || method == "entries" || method == "values" || method == "keys" {
					return unionData(args)
				}
			case "JSON":
				if len(args) > 0 {
					return args[0]
				}
			case "Promise":
				if len(args) > 0 {
					out := args[0]
					if out.Obj != nil {
						nv := Val{Obj: map[string]Val{}, F: out.F}
						for k, v := range out.Obj {
							nv.Obj[k] = resolveQuery(v, false)
							nv.F |= nv.Obj[k].F & Rows
						}
						return nv
					}
					return out
				}
			case "NextResponse", "Response":
				if method == "json" {
					return response(args, x.Args)
				}
				return Val{F: Resp}
			}
		}
	}
	switch name {
	case "fetch":
		// A call made with a server secret matters when the caller steers it:
		// client data in the URL or body (in a helper: its parameters). A
		// license or feature-flag lookup with a fixed request is not an action
		// an anonymous caller can abuse.
		if len(x.Args) > 1 && codeExchangeBody(x.Args[1]) {
			// POST { code, client_secret } to a token endpoint: an OAuth
			// callback completing a sign-in or connection begun elsewhere.
			fr.facts.SignInCallback = true
			return Val{F: Auth | Caller}
		}
		secret, steered, cred := false, false, false
		for _, a := range args {
			d := a.deep()
			secret = secret || d.Has(Env)
			steered = steered || steers(d)
			cred = cred || d.Has(Cred)
		}
		if cred {
			// Exchanging a presented credential with its issuer (an OAuth code
			// for tokens, a token for a profile) is how the caller is identified;
			// the response is their identity.
			return Val{F: Auth | Caller}
		}
		if secret && steered {
			fr.sensitive(site, "fetch", "calls a third-party API with a server secret", st, args)
		}
		return Val{}
	case "get", "getAll":
		if len(x.Args) > 0 && fr.summary && obj.Params != 0 && !obj.Any(Client|FormData|Request) {
			// In a helper, req.headers.get('x-api-key') on a parameter: keep the
			// parameter and say it is a credential when the name says so.
			v := obj.data()
			if k, ok := fr.knownString(&x.Args[0], st); ok && credName(k) {
				v.F |= Cred
			}
			if fr.stringsOnly(x.Target, obj) {
				// req.headers.get(…) of a request the caller passes, or
				// headers.get(…) of the Headers it passes.
				v.F |= Stringly
			}
			return v
		}
		if obj.Any(Client|FormData|Request) && len(x.Args) > 0 {
			key := "?"
			if k, ok := fr.knownString(&x.Args[0], st); ok {
				key = k // a literal, or a constant (headers.get(API_KEY_HEADER))
			}
			root := "formData"
			if obj.Origin != nil {
				root = obj.Origin.Root
			}
			v := obj.data()
			v.F = v.F&^(Request|Rows|Cred) | Client
			if credName(key) {
				v.F |= Cred
			}
			if fr.stringsOnly(x.Target, obj) {
				v.F |= Stringly
			}
			if src := fr.calleeText(x.Target); strings.Contains(src, "cookies") || obj.Origin != nil && strings.Contains(obj.Origin.ID, "cookies") {
				// A cookie is what a browser presents on its own: looked up in a
				// session store, it is the session's credential.
				v.F |= Cred
			}
			v.Origin = &Origin{ID: fr.calleeText(x.Target) + "('" + key + "')", Mod: fr.mod, Loc: e.Loc, Root: root + "." + key}
			return v
		}
	case "json", "formData", "text":
		if obj.Has(Request) || obj.Has(Client) {
			id := fr.calleeText(x.Target) + "()"
			return Val{F: Client, Origin: &Origin{ID: id, Mod: fr.mod, Loc: e.Loc, Root: "request body"}}
		}
	case "map", "flatMap", "filter", "find", "some", "every", "forEach", "reduce", "findLast", "sort", "toSorted":
		el := element(resolveQuery(obj, false))
		var out Val
		for _, a := range args {
			if a.Fn != nil {
				out = fr.inline(a.Fn, []Val{el, {}, {}}, st)
			}
		}
		switch name {
		case "find", "findLast":
			found := resolveQuery(obj, false)
			// accounts.find((a) => secureCompare(code, a.code)): only an element
			// that matched the secret comes back (in a helper: the comparison
			// with what the caller passes, settled at the call).
			found.F |= out.F & Secret
			if out.Has(Cmp | Env) {
				found.F |= Cmp | Env
				found.Params |= out.Params
			}
			return found
		case "filter", "sort", "toSorted":
			return resolveQuery(obj, false)
		case "map", "flatMap":
			return out
		}
		if name == "some" && fixedList(obj) && ipOrigin(out) {
			// ALLOWED_RANGES.some((range) => isIpInRange(ip, range)): the
			// sender's address on a fixed allow-list, as webhook senders that
			// sign nothing publish it.
			return Val{F: Secret | Cmp}
		}
		// entries.some((e) => matches(e, expected)): the predicate's verdict,
		// a comparison under a secret included.
		return Val{F: out.F & (Auth | Caller | Cmp | Secret | Env), Params: out.Params}
	}
	if (method == "includes" || method == "has") && len(args) == 1 {
		if fixedList(obj) && ipOrigin(args[0]) {
			return Val{F: Secret | Cmp} // ALLOWED_IPS.includes(ip)
		}
		if obj.Has(Env) && !obj.Has(Client) {
			// env.ADMINS.includes(email): the deployment's allow-list. Being
			// on it is a role for the caller's own identity; an email the
			// client sends proves nothing, as it is no secret.
			v := compareVal(obj, args[0])
			v.F |= Listed
			if args[0].deep().Has(Client) {
				v.F &^= Env | Secret
			}
			return v
		}
	}
	if registersHandler(method) {
		// bot.onNewMention(async (thread) => …), emitter.on("event", …): the
		// callback runs when the library dispatches an event (a webhook it
		// has verified), not here.
		return Val{}
	}
	// Callbacks passed to functions we cannot see run with what we know.
	var out Val
	for i, a := range args {
		if a.Fn != nil && a.FnMod == fr.mod && isFuncLit(x.Args[i]) {
			var params []Val
			if fr.wrapper {
				params = fr.endpointParams(a.Fn)
			}
			out = Join(out, fr.inline(a.Fn, params, st))
		}
	}
	out = Join(out, fr.runObjectCallbacks(args, st))
	if method != "" {
		v := obj.data()
		v.F |= obj.F & (Auth | Caller | Member)
		v.F &^= Rows
		if obj.F == 0 && obj.Params == 0 && obj.Pkg == nil {
			// A method of a global (Buffer.from(x), String(x).trim()): the
			// result is made of the arguments.
			v = Join(v, unionData(args))
		}
		if obj.Has(Rows) && (method == "toJSON" || method == "valueOf") {
			v.F |= Rows
		}
		return Join(v, out)
	}
	return Join(unionData(args), out)
}

// isGlobalRoot reports whether a member chain starts at the global name
// (Promise.all → Promise).
func (fr *frame) isGlobalRoot(e esb.Expr, name string) bool {
	id, ok := fr.rootIdent(e)
	return ok && id == name
}

// concurrentReads settles the database reads that ran in one Promise.all with
// an auth call (`Promise.all([getWorkspace(id), getSession()])`): a guard
// among the elements rejects them all, so their results never reach an
// anonymous caller; an auth result checked afterwards does the same
// (afterExitOn). Writes have happened either way.
func (fr *frame) concurrentReads(ops []*Op, authCall, guarded bool) {
	for _, op := range ops {
		if op.Authed || op.What != "queries the database" {
			continue
		}
		switch {
		case guarded:
			op.Authed = true
		case authCall:
			fr.facts.pendingReads = append(fr.facts.pendingReads, op)
		}
	}
}

// rootIdent returns the name of the global identifier at the root of a
// member chain (`Object.fromEntries` → "Object"), if it is not a local binding.
func (fr *frame) rootIdent(e esb.Expr) (string, bool) {
	for {
		switch x := e.Data.(type) {
		case *esb.EDot:
			e = x.Target
		case *esb.EIdentifier:
			if _, local := fr.env[x.Ref]; local || fr.mod.Decls[x.Ref] != nil || fr.mod.Imports[x.Ref] != nil {
				return "", false
			}
			return fr.mod.SymbolName(x.Ref), true
		default:
			return "", false
		}
	}
}

func unionData(args []Val) Val {
	var out Val
	for _, a := range args {
		out = Join(out, a.deep())
	}
	out.F &^= Rows
	return out
}

// clientParams are parameter values of a public function: client-controlled.
func (fr *frame) clientParams(fn *index.Func) []Val {
	out := make([]Val, len(fn.Args))
	for i, a := range fn.Args {
		root := "argument " + itoa(i+1)
		id := ""
		if b, ok := a.Binding.Data.(*esb.BIdentifier); ok {
			root = fn.Mod.SymbolName(b.Ref)
			id = root
		}
		// A destructured argument has no name of its own: its fields are named
		// by their keys ("message", not "argument 1.message").
		out[i] = Val{F: Client, Origin: &Origin{ID: id, Mod: fn.Mod, Loc: a.Binding.Loc, Root: root}}
	}
	return out
}

// inline runs a function literal or local closure in the current frame, as if
// its body were here: it sees the caller's variables and auth state.
func (fr *frame) inline(fn *index.Func, params []Val, st *state) Val {
	if fn == nil || fr.depth > 200 || fn.Mod != fr.mod || fr.inlining[fn] {
		// A recursive closure runs once: its second activation adds no new facts,
		// and following it would be exponential.
		return Val{}
	}
	if fr.inlining == nil {
		fr.inlining = map[*index.Func]bool{}
		fr.inlined = map[*index.Func]int{}
	}
	if fr.inlined[fn]++; fr.inlined[fn] > maxInlines {
		// A closure called from many places (or from closures that call it
		// twice each, exponentially) has shown what it does by now.
		fr.e.truncated = true
		return Val{}
	}
	fr.inlining[fn] = true
	defer delete(fr.inlining, fn)
	var rets []Ret
	saved, savedRet := fr.rets, fr.onReturn
	fr.rets = &rets
	fr.onReturn = nil
	inner := state{authed: st.authed, priv: st.priv}
	for i, a := range fn.Args {
		var v Val
		if i < len(params) {
			v = params[i]
		}
		fr.bind(a.Binding, v, &inner)
	}
	fr.depth += 10
	fr.exec(fn.Body.Block.Stmts, inner)
	fr.depth -= 10
	fr.rets, fr.onReturn = saved, savedRet
	var out Val
	for _, r := range rets {
		out = Join(out, r.Val)
	}
	markAuthResult(&out, rets)
	return out
}

// callFunc calls a project function: local closures run inline, others use
// their summary.
func (fr *frame) callFunc(fn *index.Func, x *esb.ECall, args []Val, st *state, site Site, name string) Val {
	// Callbacks handed to a project function run inside it; we run them here with
	// what we know (a wrapper gives them client input).
	var cbOut Val
	for i, a := range args {
		if a.Fn != nil && i < len(x.Args) && isFuncLit(x.Args[i]) {
			params := fr.callbackParams(fn, i, a.Fn)
			cbOut = Join(cbOut, fr.inline(a.Fn, params.vals, &state{authed: st.authed || params.authed, priv: st.priv}))
		}
	}
	cbOut = Join(cbOut, fr.runOptionHandlers(fn, args, st))
	cbOut = Join(cbOut, fr.runObjectCallbacks(args, st))
	if fr.wrapper {
		// A wrapper handing the handler on to another wrapper
		// (withAuth(h) → withMiddleware(h, authMiddleware)): how that one runs it
		// is how this one does.
		for i, a := range args {
			at := -1
			switch {
			case a.Has(Handler):
				at = i
			case hasHandlerField(a):
				at = -2 - i // apiWrapper({ request, handler }): in an options object
			default:
				continue
			}
			if inv := fr.e.Invocation(fn, at, args); inv != nil {
				for _, c := range inv.Calls {
					c.Authed = c.Authed || st.authed
					c.Priv = c.Priv || st.priv
					fr.facts.Handlers = append(fr.facts.Handlers, c)
				}
				return Val{}
			}
		}
	}
	if fn.Mod == fr.mod && fr.isLocal(fn) {
		return Join(fr.inline(fn, args, st), cbOut)
	}
	if fr.depth > maxCallDepth*40 {
		return cbOut
	}
	s := fr.e.SummarizeFor(fn, args)
	out := Join(resolveStatusParam(fr.apply(s, fn, args, st, site, name), s.Ret.StatusParam, x.Args, args), cbOut)
	last := len(fn.Args) - 1
	for i := range x.Args {
		p := i
		if last >= 0 && i > last {
			// validateInputs(...pairs) called with several pairs: the extra
			// arguments are the rest parameter's elements.
			p = last
		}
		if p < 64 && s.AssertsParams&(1<<uint(p)) != 0 {
			// validateInputs([organizationId, ZId]): the helper throws unless
			// what it was given is valid.
			fr.markValidated(x.Args[i], 0)
		}
	}
	return out
}

type cbParams struct {
	vals   []Val
	authed bool
}

// callbackParams works out what a project HOF passes to a callback: it analyses
// the HOF with the callback marked as the handler and reads its invocation.
func (fr *frame) callbackParams(hof *index.Func, argIndex int, cb *index.Func) cbParams {
	if !fr.wrapper {
		return cbParams{}
	}
	inv := fr.e.Invocation(hof, argIndex, nil)
	if inv == nil {
		if !takesRequest(cb) {
			// mapWithConcurrency(accounts, 4, async (account) => …) invoked from
			// a closure we could not follow: its argument is an element, not
			// the request.
			return cbParams{}
		}
		return cbParams{vals: fr.endpointParams(cb)}
	}
	return cbParams{vals: inv.Args, authed: inv.Authed}
}

// takesRequest reports whether a callback's first parameter is named as the
// request a route wrapper would pass (req, request, ctx, { req }).
func takesRequest(fn *index.Func) bool {
	if len(fn.Args) == 0 {
		return false
	}
	switch b := fn.Args[0].Binding.Data.(type) {
	case *esb.BIdentifier:
		return requestName(fn.Mod.SymbolName(b.Ref))
	case *esb.BObject:
		for _, p := range b.Properties {
			if k, ok := p.Key.Data.(*esb.EString); ok && requestName(index.String(k.Value)) {
				return true
			}
		}
	}
	return false
}

func requestName(n string) bool {
	switch strings.ToLower(n) {
	case "req", "request", "ctx", "context", "event", "evt", "nextrequest", "r":
		return true
	}
	return false
}

// isLocal reports whether fn is declared inside another function (a closure),
// rather than at the top level of its module.
func (fr *frame) isLocal(fn *index.Func) bool {
	for _, d := range fn.Mod.Decls {
		if d.Fn == fn {
			return false
		}
	}
	return true
}

// apply brings a callee's summary into the caller.
func (fr *frame) apply(s *Summary, fn *index.Func, args []Val, st *state, site Site, name string) Val {
	// whole: for values that select or authorize (filters, authorization
	// pairs), a parameter read in several fields stands for everything its
	// object argument carries; for values that flow on (returns, written
	// data) it does not, or a helper returning one field of { logs,
	// workspace } would return the workspace row.
	var substAs func(v Val, depth int, whole bool) Val
	substAs = func(v Val, depth int, whole bool) Val {
		if i := singleParam(v); i >= 0 && i < len(args) && len(args[i].Obj) > 0 && !v.Has(Cmp) {
			// The parameter itself (ok(data) returns { ok: true, data }): the
			// object argument, fields and all.
			out := args[i]
			out.F |= v.F &^ (Member | DTO)
			return out
		}
		out := v
		out.Params, out.KeyParams, out.StatusParam = 0, 0, 0
		if v.Obj != nil && depth < 4 {
			out.Obj = make(map[string]Val, len(v.Obj))
			for k, f := range v.Obj {
				out.Obj[k] = substAs(f, depth+1, whole)
			}
		}
		var argsUnion Val
		for i, a := range args {
			if i >= 64 {
				break
			}
			bit := uint64(1) << uint(i)
			if v.Params&bit != 0 {
				argsUnion = Join(argsUnion, a.deep())
				ad := a.data()
				if whole && len(a.Obj) > 0 {
					// The parameter whole, or several of its fields (the summary
					// keeps one field name only): an object argument stands for
					// everything it carries.
					ad = a.deep()
				}
				// Field survives operators that drop the Member flag (Drizzle's
				// eq(t.id, input.id)): it still names a field of the parameter.
				member := v.Has(Member) || v.Field != ""
				if f, ok := a.Obj[v.Field]; ok && member && v.Field != "" {
					ad = f.deep() // { rewardId, programId }.programId is programId
				} else if member && len(a.Obj) > 0 {
					ad = a.deep() // some field of an object argument
				}
				if member || v.Has(Validated) {
					// user.name of a row is a field, not the row; and what the
					// helper parsed with a schema (UserSchema.parse(user)) has
					// only the schema's keys.
					ad.F &^= Rows
					ad.Model, ad.RowsAt = "", nil
				}
				out = Join(out, ad)
				if v.Has(Role) && ad.Has(Client) && !ad.Has(Caller) {
					// isAdmin read from what the client sent is no global role.
					out.F &^= Role
				}
				if a.Any(Auth | AuthBox) {
					out.F |= a.F & (Auth | AuthBox)
				}
			}
			if v.KeyParams&bit != 0 {
				if f, ok := a.Obj[v.KeyField]; ok && v.KeyField != "" {
					a = f.deep()
				} else {
					// Options objects ({ where: { id: userId } }): what selected the
					// rows is somewhere inside.
					a = a.deep()
				}
				if a.Has(Caller) {
					out.F |= Caller
				}
				if a.Has(Client) {
					// A role looked up by a client-chosen id (a workspace
					// membership) is not a global role.
					out.F &^= Role
				}
				if a.Has(Client) && out.KeyedBy == nil {
					out.KeyedBy = a.Origin
				}
				if out.KeyedBy == nil && a.KeyedBy != nil {
					out.KeyedBy = a.KeyedBy // a field of a client-chosen row
				}
				out.KeyParams |= a.KeyParams | a.Params
			}
		}
		if v.Has(Validated) {
			// The helper parsed what it was given (parseRequest(req, schema)):
			// the result is validated whatever the argument was.
			out.F |= Validated
		}
		// A comparison against a server secret, made inside a helper
		// (hasCronSecret(req)), authenticates when the other side is the
		// caller's input.
		if v.Has(Cmp) && !v.Has(Listed) && (v.Has(Env) || argsUnion.Has(Env)) && (v.Has(Client) || argsUnion.Has(Client)) {
			out.F |= Secret
		} else if v.Has(Cmp) && v.Has(Env) && argsUnion.Has(Caller) && !argsUnion.Has(Client) {
			// isAdmin({ email: session.user.email }): the caller's identity on
			// the deployment's admin list is a global role.
			out.F |= Role
		}
		// What the helper's response is does not depend on the arguments.
		out.ErrStatus, out.OkMeansAuthed = v.ErrStatus, v.OkMeansAuthed
		return out
	}
	subst := func(v Val, depth int) Val { return substAs(v, depth, false) }
	selector := func(v Val) Val { return substAs(v, 0, true) }
	if s.SignIn {
		fr.facts.SignIn = true
	}
	if s.SignInCallback {
		fr.facts.SignInCallback = true
	}
	if s.SessionAuth {
		fr.facts.SessionAuth = true
	}
	if s.RateLimit {
		fr.facts.RateLimited = true
	}
	if s.Unread {
		fr.facts.Unread = true
	}
	unauth := s.Unauth
	if unauth != nil && s.Ret.Has(Secret) && unauth.What == "queries the database" {
		// verifySignature(req): what the helper reads on the way (the sender's
		// certificate from a cache) is part of the check its result is.
		unauth = nil
	}
	if unauth != nil {
		// The helper's unauthenticated step is a lookup keyed by what the caller
		// passes; keyed by a presented credential (an OAuth code, a token) it is
		// the authentication itself.
		for _, q := range s.Queries {
			if q.Site == unauth.Site && selector(q.Filter).Has(Cred) {
				unauth = nil
				break
			}
		}
	}
	if s.Sensitive != nil {
		op := &Op{Site: site, Desc: name + "()", What: s.Sensitive.What, Authed: st.authed || unauth == nil, Via: name, Inner: s.Sensitive}
		if unauth != nil {
			op.Inner = s.Unauth
			op.What = s.Unauth.What
		}
		fr.facts.Ops = append(fr.facts.Ops, op)
	}
	for _, q := range s.Queries {
		if q.Guards&missingArgs(args) != 0 || q.FieldGuards.skippedBy(args) {
			continue // behind `if (param)` for a parameter this call leaves out
		}
		nq := &Query{Site: site, Desc: name + "() → " + q.Desc, Model: q.Model, Write: q.Write, Whole: q.Whole, Projected: q.Projected,
			RLS: q.RLS, Authed: st.authed || q.Authed, Priv: st.priv || q.Priv, Via: name, Inner: q, Guards: st.guards, FieldGuards: st.fieldGuards}
		nq.Filter = selector(q.Filter)
		nq.Data = subst(q.Data, 0)
		if q.IDOrigin != nil {
			nq.IDOrigin = q.IDOrigin
		}
		nq.ParentKey, nq.Create = q.ParentKey, q.Create
		if q.ParentOrigin != nil && q.ParentOrigin.Mod == fr.mod {
			nq.ParentOrigin = q.ParentOrigin
		}
		nq.IDParams = 0
		for i, a := range args {
			if i >= 64 || q.IDParams&(1<<uint(i)) == 0 {
				continue
			}
			if f, ok := a.Obj[q.Filter.Field]; ok && q.Filter.Field != "" {
				a = f.deep()
			}
			if a.Has(Client) && nq.IDOrigin == nil {
				nq.IDOrigin = a.Origin
			}
			nq.IDParams |= a.Params
		}
		if nq.IDOrigin != nil && nq.IDOrigin.Mod != fr.mod && !nq.Filter.Has(Client) {
			nq.IDOrigin = nil
		}
		fr.facts.Queries = append(fr.facts.Queries, nq)
		if nq.Filter.Has(Client) && nq.Filter.Has(Caller) {
			fr.authorize(nq.Filter.Origin, site.Loc)
			// Every client value the helper's scoped query was keyed by is tied
			// to the caller, not only the first one a merged value names
			// (checkAccess({ userId, organizationId, ... })).
			for i, a := range args {
				if i >= 64 || q.Filter.Params&(1<<uint(i)) == 0 {
					continue
				}
				if f, ok := a.Obj[q.Filter.Field]; ok && q.Filter.Field != "" {
					a = f
				}
				for _, o := range clientOrigins(a, 0) {
					fr.authorize(o, site.Loc)
				}
			}
		}
		if nq.Filter.Has(Caller) {
			// A scoped query on something derived from client-chosen rows (the
			// organization of the response the client named) ties those rows to
			// the caller too.
			for i, a := range args {
				if i >= 64 {
					break
				}
				bit := uint64(1) << uint(i)
				if q.Filter.Params&bit != 0 {
					for _, o := range keyOrigins(a, 0) {
						fr.authorize(o, site.Loc)
					}
				}
				if q.Filter.KeyParams&bit != 0 {
					// The filter holds a field of the row this argument chose
					// (ensureDeleteAccess(userId, workspaceId) checks membership
					// in the workspace's organization): that row is the caller's.
					for _, o := range clientOrigins(a, 0) {
						fr.authorize(o, site.Loc)
					}
				}
			}
		}
	}
	for i, a := range args {
		if i < 64 && s.SinkParams&(1<<uint(i)) != 0 && (a.Has(Client) || a.Params != 0) {
			fr.facts.Uses = append(fr.facts.Uses, &Use{Site: site, Val: a, Sink: name + "()", Priv: st.priv})
		}
	}
	for _, p := range s.AuthzPairs {
		subj, against := selector(p.Subject), selector(p.Against)
		if against.Has(Caller) {
			fr.authorize(subj.KeyedBy, site.Loc)
			if subj.Has(Client) {
				fr.authorize(subj.Origin, site.Loc)
			}
		}
		if against.Params != 0 || subj.Params != 0 {
			fr.facts.AuthzPairs = append(fr.facts.AuthzPairs, AuthzPair{Subject: subj, Against: against, Site: site})
		}
	}
	if s.Guard {
		st.authed = true
	}
	if s.PrivGuard {
		st.priv = true
	}
	if s.Exits {
		st.exited = true
	}
	ret := subst(s.Ret, 0)
	if ret.Kind == libs.Ability {
		// defineAbilityForApiKeys({ spaceId }): the rules are about what the
		// call passes; keep it with the ability for its checks.
		a := unionData(args)
		ret.F |= a.F & (Caller | Client | Member)
		ret.Params |= a.Params
		ret.Field = a.Field // ({ spaceId }): that field of the caller's options
		if ret.Origin == nil {
			ret.Origin = a.Origin
		}
	}
	if s.Ret.RowsAt != nil && selector(s.Ret.RowsAt.Filter).Any(Caller|Cred) {
		// The helper returns the row it looked up by what this call passes:
		// the caller's identity or a presented credential (a hashed API key),
		// so, as when the lookup is written here, the row is the principal.
		ret.F |= Caller | Auth
	}
	if s.Ret.Has(HashCheck) {
		var in Val
		for i, a := range args {
			if i < 64 && s.Ret.Params&(1<<uint(i)) != 0 {
				in = Join(in, a.deep())
			}
		}
		switch {
		case in.Has(Cred):
			ret.F |= Auth | Caller
		case in.Has(Client) || in.Params != 0:
			if fr.summary {
				ret.F |= HashCheck
				ret.Params |= in.Params
			} else {
				fr.facts.SignIn = true
			}
		}
		ret.F &^= HashCheck
		if fr.summary && in.Params != 0 && !in.Has(Cred) {
			ret.F |= HashCheck
		}
	}
	if s.RespGuard {
		ret.F |= AuthOrResp
	}
	if ret.Any(Auth|AuthBox) && !s.Guard {
		fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: name})
	}
	if s.ValidatesParams != 0 {
		ret.F |= Validated
	}

	return ret
}

// sensitive records a sensitive operation that is not a query.
func (fr *frame) sensitive(site Site, desc, what string, st *state, args []Val) {
	fr.facts.Ops = append(fr.facts.Ops, &Op{Site: site, Desc: desc, What: what, Authed: st.authed})
	for _, a := range args {
		fr.useLeaves(site, desc, a, 0, st.priv)
	}
}

// useLeaves records each client value an argument carries, one by one: a
// validated parsedInput.id next to an unvalidated field must not hide it,
// nor take its blame.
func (fr *frame) useLeaves(site Site, sink string, v Val, depth int, priv bool) {
	if len(v.Obj) > 0 && depth < 6 {
		keys := make([]string, 0, len(v.Obj))
		for k := range v.Obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fr.useLeaves(site, sink, v.Obj[k], depth+1, priv)
		}
		if v.Origin == nil || v.Has(DTO) {
			return
		}
		// An object that is itself client input (a spread of the body) counts too.
	}
	if v.Has(Client) || v.Params != 0 {
		d := v.data()
		d.Origin = v.Origin
		fr.facts.Uses = append(fr.facts.Uses, &Use{Site: site, Val: d, Sink: sink, Priv: priv})
	}
}

// throwingParse are the schema methods that throw unless their input is valid.
var throwingParse = map[string]bool{"parse": true, "parseAsync": true, "assert": true, "validateSync": true, "assertType": true}

// asserts applies `Schema.parse(x)` to x itself: the call throws unless x is
// valid, so whatever follows sees a valid x even when the parsed copy is
// thrown away. In a helper, a parameter asserted this way is recorded
// (Facts.Asserted) for callers.
func (fr *frame) asserts(method string, x *esb.ECall, args []Val) {
	if !throwingParse[method] || len(x.Args) == 0 || len(args) == 0 {
		return
	}
	if fr.summary && args[0].Params != 0 {
		fr.facts.Asserted |= args[0].Params &^ args[0].KeyParams
	}
	fr.markValidated(x.Args[0], 0)
}

// markValidated labels the local variables an expression names (directly, or
// as elements of array and object literals) as validated.
func (fr *frame) markValidated(e esb.Expr, depth int) {
	if depth > 3 {
		return
	}
	switch x := e.Data.(type) {
	case *esb.EIdentifier:
		if v, ok := fr.env[x.Ref]; ok && (v.Has(Client) || v.Params != 0) {
			v.F |= Validated
			fr.env[x.Ref] = v
		}
	case *esb.EArray:
		for _, it := range x.Items {
			fr.markValidated(it, depth+1)
		}
	case *esb.EObject:
		for _, p := range x.Properties {
			if p.ValueOrNil.Data != nil {
				fr.markValidated(p.ValueOrNil, depth+1)
			}
		}
	}
}

// schemaCall handles methods of a validation schema.
func (fr *frame) schemaCall(method string, args []Val) Val {
	var in Val
	if len(args) > 0 {
		in = args[0]
	}
	switch method {
	case "parse", "parseAsync", "validate", "validateSync", "cast", "assert", "create", "decode", "decodeUnknown", "decodeUnknownSync", "from", "assertType":
		v := in.deep()
		v.F |= Validated
		v.F &^= Rows
		return v
	case "safeParse", "safeParseAsync", "spa", "isValid", "isValidSync", "is", "validateAsync":
		v := in.deep()
		v.F |= SafeResult
		v.F &^= Validated | Rows
		return v
	}
	if len(args) > 0 && args[0].Any(Client) && (method == "check") {
		return Val{}
	}
	return Val{F: Schema}
}

// newExpr handles `new X(...)`.
func (fr *frame) newExpr(e *esb.Expr, x *esb.ENew, st *state) Val {
	callee := fr.eval(&x.Target, st)
	args := make([]Val, len(x.Args))
	for i := range x.Args {
		args[i] = fr.eval(&x.Args[i], st)
	}
	if callee.Pkg != nil {
		site := Site{Mod: fr.mod, Loc: e.Loc}
		return fr.pkgCall(callee, "", e, &esb.ECall{Target: x.Target, Args: x.Args}, args, st, site)
	}
	if id, ok := x.Target.Data.(*esb.EIdentifier); ok {
		switch fr.mod.SymbolName(id.Ref) {
		case "Response", "NextResponse":
			return response(args, x.Args)
		case "URL", "URLSearchParams", "Request", "Headers":
			// new URL(req.url).searchParams: still the client's data.
			return unionData(args)
		}
	}
	if callee.Fn != nil {
		return Val{}
	}
	if m, c := fr.projectClass(x.Target); c != nil && len(c.Methods) > 0 {
		// new ApiAuthService(prisma).verify(header): the project's methods,
		// and what it was built from, as for any other object. One built
		// with a server secret stays an API client (below): what its
		// methods do with `this` is not followed.
		if d := unionData(args); !d.Has(Env) {
			return Join(Val{Obj: methodVals(m, c.Methods)}, d)
		}
	}
	if name := ctorName(fr.mod, x.Target); name == "PrismaClient" || name == "PrismaClientExtended" {
		// A Prisma client generated to a custom path that is committed (a
		// project class): the class name is unambiguous. One imported from an
		// uncommitted generated folder is recognised by its specifier
		// (libs.IsGeneratedPrismaClient).
		return Val{F: DB, Kind: libs.DBFactory}
	}
	if callee.F == 0 && callee.Params == 0 && callee.Pkg == nil {
		if d := unionData(args); d.Has(Env) && !builtinCtor(fr, x.Target) {
			// new HubClient({ apiKey: env.HUB_API_KEY }): a client of some API,
			// holding the server's credentials.
			return Val{Kind: kindAPIClient}
		}
		// new Uint8Array(buf), new Date(x), new TextEncoder(): built from the
		// arguments.
		return unionData(args)
	}
	return callee
}

// stringsOnly reports whether a get() reads URLSearchParams, Headers or
// cookies, which hold strings only (a FormData field may be a File): by the
// receiver's text (req.headers.get, searchParams.get), its origin, or the
// field of a parameter it is (a helper's req.headers).
func (fr *frame) stringsOnly(target esb.Expr, obj Val) bool {
	src := fr.calleeText(target)
	if strings.Contains(src, "searchParams") || strings.Contains(strings.ToLower(src), "headers") || strings.Contains(src, "cookies") {
		return true
	}
	if obj.Origin != nil && (strings.Contains(obj.Origin.ID, "searchParams") || strings.Contains(obj.Origin.ID, "headers") || strings.Contains(obj.Origin.ID, "cookies")) {
		return true
	}
	return obj.Field == "headers" || obj.Field == "searchParams" || obj.Field == "cookies"
}

// projectClass resolves `new C(…)`'s target to a class the project declares.
func (fr *frame) projectClass(target esb.Expr) (*index.Module, *index.Class) {
	ref, ok := astwalk.IdentRef(target)
	if !ok {
		return nil, nil
	}
	if _, local := fr.env[ref]; local {
		return nil, nil
	}
	b := fr.e.Prog.ResolveRef(fr.mod, ref)
	if b.Decl == nil || b.Decl.Class == nil {
		return nil, nil
	}
	return b.Mod, b.Decl.Class
}

// pkgCall handles a call of a package export or a member below it.
func (fr *frame) pkgCall(callee Val, method string, e *esb.Expr, x *esb.ECall, args []Val, st *state, site Site) Val {
	p := callee.Pkg
	if p.Spec == "$auth" {
		kind := libs.AuthFactoryMembers[strings.Join(p.Path, ".")]
		return fr.kindCall(callee, kind, "", e, x, args, st, site)
	}
	if len(p.Path) == 0 {
		return Val{}
	}
	ex, ok := libs.Lookup(p.Spec, p.Path[0])
	if p.Path[0] == "*" && len(p.Path) > 1 {
		ex, ok = libs.Lookup(p.Spec, p.Path[1])
	}
	if !ok && p.Path[0] == "default" && len(p.Path) > 1 {
		// `import jwt from 'jsonwebtoken'; jwt.verify(...)`: the default export
		// is the module's namespace.
		ex, ok = libs.Lookup(p.Spec, p.Path[1])
		if ok {
			p = &PkgRef{Spec: p.Spec, Path: p.Path[1:]}
			callee.Pkg = p
		}
	}
	if !ok {
		if path := strings.TrimPrefix(strings.Join(p.Path, "."), "*."); strings.HasPrefix(p.Spec, "next/server") && strings.HasPrefix(path, "NextResponse") {
			// new NextResponse(body, init) and NextResponse.json(body, init)
			if path == "NextResponse" || path == "NextResponse.json" {
				return response(args, x.Args)
			}
			return Val{F: Resp} // NextResponse.redirect(), .next(), .rewrite()
		}
		return fr.builtinCall(Val{}, method, callee, e, x, args, st, site)
	}
	if len(p.Path) > 1 && p.Path[0] != "*" {
		// Members of a known export: `auth.protect()`, `z.object()`, `stripe.x.y()`.
		switch ex.Kind {
		case libs.AuthBox:
			if p.Path[len(p.Path)-1] == "protect" {
				fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: "auth.protect", Checked: true})
				fr.facts.SessionAuth = true
				st.authed = true
				return Val{F: Auth | Caller}
			}
		case libs.SchemaNS:
			fr.asserts(p.Path[len(p.Path)-1], x, args)
			return fr.schemaCall(p.Path[len(p.Path)-1], args)
		case libs.Verify, libs.RateLimit:
			return fr.kindCall(callee, ex.Kind, ex.What, e, x, args, st, site)
		case libs.SideEffect, libs.SideEffectFactory:
			fr.sensitive(site, fr.calleeText(x.Target), ex.What, st, args)
			return Val{}
		case libs.DBFactory:
			// mongoose.model('Note', schema), mongoose.connection.db: a handle on
			// the database.
			return Val{F: DB, Kind: libs.DBFactory}
		case libs.OAuthClient:
			if p.Path[len(p.Path)-1] == "OAuth2" {
				return Val{Kind: libs.OAuthClient} // new google.auth.OAuth2(id, secret, redirect)
			}
		case libs.Ability:
			if p.Path[len(p.Path)-1] == "build" {
				return Val{Kind: libs.Ability} // new AbilityBuilder(createPrismaAbility).build()
			}
		}
		return fr.builtinCall(Val{}, method, callee, e, x, args, st, site)
	}
	return fr.kindCall(callee, ex.Kind, ex.What, e, x, args, st, site)
}

// injectedVerifier reports whether a call runs a verification function the
// function being summarised was handed by its caller (a parameter or a
// field of one) rather than one the analysis can follow: verifyToken(token).
func injectedVerifier(obj, callee Val, text string, args []Val) bool {
	if callee.Fn != nil || callee.Pkg != nil || len(args) == 0 || (callee.Params|obj.Params) == 0 {
		return false
	}
	name := text[strings.LastIndexByte(text, '.')+1:]
	return strings.HasPrefix(strings.ToLower(name), "verify")
}

// singleParam returns i when v is parameter i itself (not one of its fields,
// not derived from several), or -1.
func singleParam(v Val) int {
	if v.Params == 0 || v.Params&(v.Params-1) != 0 || v.KeyParams != 0 || v.Has(Member) || v.Field != "" || v.Obj != nil {
		return -1
	}
	return bits.TrailingZeros64(v.Params)
}

// missingArgs is the mask of the parameters a call leaves out (undefined).
func missingArgs(args []Val) uint64 {
	if len(args) >= 64 {
		return 0
	}
	return ^uint64(0) << uint(len(args))
}

// kindCall applies the meaning of a known library function.
func (fr *frame) kindCall(callee Val, kind libs.Kind, what string, e *esb.Expr, x *esb.ECall, args []Val, st *state, site Site) Val {
	name := fr.calleeText(x.Target)
	switch kind {
	case libs.AuthSource:
		fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: name})
		fr.facts.SessionAuth = true
		return Val{F: Auth | Caller}
	case libs.AuthBox:
		fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: name})
		fr.facts.SessionAuth = true
		return Val{F: AuthBox}
	case libs.AuthGuard:
		fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: name, Checked: true})
		fr.facts.SessionAuth = true
		st.authed = true
		return Val{F: Auth | Caller}
	case libs.AuthUntrusted:
		fr.facts.Untrusted = append(fr.facts.Untrusted, &AuthCall{Site: site, Name: name})
		return Val{F: Untrusted}
	case libs.AuthFactory:
		return Val{Pkg: &PkgRef{Spec: "$auth"}}
	case libs.SignInCallback:
		fr.facts.SignInCallback = true
		return Val{}
	case libs.SignIn:
		var params uint64
		for _, a := range args {
			d := a.deep()
			if d.Has(Cred) {
				// bcrypt.compare(apiKey, row.hashedKey): verifying a credential the
				// request presents is authentication, not a password sign-in.
				return Val{F: Auth | Caller | Cmp}
			}
			params |= d.Params
		}
		if fr.summary && params != 0 && isHashCompare(name) {
			// verifySecret(secret, hash) in a helper: what it verifies is known
			// only at the call site (an API key authenticates, a password signs in).
			return Val{F: HashCheck | Cmp, Params: params}
		}
		fr.facts.SignIn = true
		return Val{}
	case libs.DBFactory:
		return Val{F: DB, Kind: libs.DBFactory}
	case libs.RLSFactory:
		return Val{F: DB | RLS, Kind: libs.RLSFactory}
	case libs.DBFunc:
		return fr.dbCall(Val{F: DB}, name, e, x, args, st, site)
	case libs.SideEffectFactory:
		return Val{F: Effect, What: what, Kind: kind}
	case libs.SideEffect:
		fr.sensitive(site, name, what, st, args)
		return Val{}
	case libs.SchemaNS:
		return Val{F: Schema}
	case libs.ParseFunc:
		v := unionData(args)
		v.F |= Validated
		return v
	case libs.SafeParseFunc:
		v := unionData(args)
		v.F |= SafeResult
		return v
	case libs.Exit:
		st.exited = true
		return Val{F: Exit}
	case libs.Headers:
		return Val{F: Client | Request, Origin: &Origin{ID: name + "()", Mod: fr.mod, Loc: e.Loc, Root: name + "()"}}
	case libs.HeaderInfo:
		return Val{F: Client | Stringly, Origin: &Origin{ID: name + "()", Mod: fr.mod, Loc: e.Loc, Root: name + "()"}}
	case libs.Verify:
		if len(callee.Pkg.Path) == 1 && (callee.Pkg.Path[0] == "Webhook" || callee.Pkg.Path[0] == "Receiver") {
			// new Webhook(secret) / new Receiver(): the verifier; its verify() authenticates.
			return Val{Pkg: &PkgRef{Spec: callee.Pkg.Spec, Path: []string{callee.Pkg.Path[0], "instance"}}}
		}
		// Verification throws on a bad signature or token, so the caller is
		// authenticated after it and what it returns is their identity. A
		// signed request comes from a trusted sender, not a user.
		st.authed = true
		if spec := callee.Pkg.Spec; spec != "jose" && spec != "jsonwebtoken" {
			st.priv = true // a JWT is a user's session; a webhook signature is not
		}
		// verifySignatureAppRouter(handler), serve(handler): the handler runs
		// only for verified requests.
		var out Val
		for i, a := range args {
			if a.Fn != nil && a.FnMod == fr.mod && i < len(x.Args) && isFuncLit(x.Args[i]) {
				out = Join(out, fr.inline(a.Fn, fr.endpointParams(a.Fn), st))
			}
		}
		if out.F != 0 || out.Fn != nil {
			return out
		}
		return Val{F: Auth | Caller}
	case libs.RateLimit:
		fr.facts.RateLimited = true
		return Val{Pkg: callee.Pkg}
	case libs.ActionClient:
		return Val{Chain: newChain(callee.Pkg)}
	case libs.ORMHelper:
		return unionData(args)
	case libs.EnvObject:
		return Val{F: Env, Kind: libs.EnvObject}
	case libs.Mint:
		fr.facts.Unread = true
		return Val{}
	case libs.Identity:
		// cache(fn), unstable_cache(fn, keys), memoize(fn): the function
		// comes first, be it the project's or a library's
		// (`cache(nextAuth)` of NextAuth's `auth`).
		if len(args) > 0 {
			return args[0]
		}
		return Val{}
	case libs.Compare:
		if len(args) >= 2 {
			return compareVal(args[0], args[1])
		}
		return Val{F: Cmp}
	case libs.OAuthClient:
		return Val{Kind: libs.OAuthClient}
	case libs.CookieJar:
		// parse(req.headers.cookie)[name]: a cookie, strings only, and what
		// the browser presents as a session credential.
		return Val{F: Client | Stringly | Cred, Origin: &Origin{ID: "cookies", Mod: fr.mod, Loc: e.Loc, Root: "cookies"}}
	case libs.Ability:
		if p := callee.Pkg; p != nil && p.Path[len(p.Path)-1] == "subject" && len(args) > 1 {
			return args[1] // subject("SpaceMember", member) is the member
		}
		if p := callee.Pkg; p != nil && p.Path[len(p.Path)-1] == "AbilityBuilder" {
			return callee // its build() makes the ability
		}
		return Val{Kind: libs.Ability}
	case libs.SigVerify:
		if p := callee.Pkg; p != nil && p.Path[len(p.Path)-1] == "createVerify" {
			return Val{Kind: kindVerifier}
		}
		return Val{F: Secret} // crypto.verify(alg, data, key, signature)
	case kindAuthz:
		for _, a := range args {
			fr.authorize(a.Origin, e.Loc)
			fr.authorize(a.KeyedBy, e.Loc)
		}
		return Val{}
	}
	return fr.builtinCall(Val{}, "", callee, e, x, args, st, site)
}

// runObjectCallbacks runs functions written inside object-literal arguments
// (`instrument({ name, run: () => next({ ctx }) })`): the callee calls them,
// and what they do — often the rest of the request — must be seen.
func (fr *frame) runObjectCallbacks(args []Val, st *state) Val {
	var out Val
	for _, a := range args {
		if a.Fn != nil || len(a.Obj) == 0 {
			continue
		}
		keys := make([]string, 0, len(a.Obj))
		for k, f := range a.Obj {
			if f.Fn != nil && f.FnMod == fr.mod && fr.isLocal(f.Fn) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			var params []Val
			if fr.wrapper {
				params = fr.endpointParams(a.Obj[k].Fn)
			}
			out = Join(out, fr.inline(a.Obj[k].Fn, params, st))
		}
	}
	return out
}

// assignObj is Object.assign(target, ...sources): the target keeps its own
// labels, and the sources' fields become its fields (req.userId set by
// middleware is the caller's id, not client input).
func assignObj(args []Val) Val {
	out := args[0]
	fields := map[string]Val{}
	for k, v := range out.Obj {
		fields[k] = v
	}
	for _, src := range args[1:] {
		for k, v := range src.Obj {
			fields[k] = v
		}
		if src.Obj == nil {
			out = Join(out, src.data())
		}
	}
	out.Obj = fields
	return out
}

// ctorName is the name a constructor is imported or declared as.
func ctorName(m *index.Module, e esb.Expr) string {
	if d, ok := e.Data.(*esb.EDot); ok {
		return d.Name
	}
	ref, ok := astwalk.IdentRef(e)
	if !ok {
		return ""
	}
	if imp := m.Imports[ref]; imp != nil && imp.Name != "default" && imp.Name != "*" {
		return imp.Name
	}
	return m.SymbolName(ref)
}

// isHashCompare: password-hash comparison functions (not hash creation).
func isHashCompare(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "compare") || strings.HasSuffix(n, "comparesync") || strings.HasSuffix(n, "verify")
}

// response is the Response built from (body, init): the body is what reaches
// the client, and an error status in init makes it a rejection. A status
// that is a parameter of the function being summarised is left to its
// callers (resolveStatusParam).
func response(args []Val, raw []esb.Expr) Val {
	var v Val
	if len(args) > 0 {
		v = args[0]
	}
	v.F |= Resp
	v.ErrStatus = errorStatus(raw)
	if len(args) > 1 && !v.ErrStatus {
		if i := singleParam(args[1].Obj["status"]); i >= 0 {
			v.StatusParam = i + 1
		}
	}
	return v
}

// resolveStatusParam decides the status of a Response a helper built from
// its parameter p (1-based) by what this call passes there:
// statusResponse(401, "Unauthorized") is an error; a parameter of the
// function being summarised passes the question on to its callers.
func resolveStatusParam(out Val, p int, raw []esb.Expr, args []Val) Val {
	if p == 0 || p > len(raw) || p > len(args) || !out.Has(Resp) {
		return out
	}
	if n, ok := raw[p-1].Data.(*esb.ENumber); ok {
		out.ErrStatus = out.ErrStatus || n.Value >= 400
		return out
	}
	if i := singleParam(args[p-1]); i >= 0 {
		out.StatusParam = i + 1
	}
	return out
}

// errorStatus reports whether a Response constructor's init argument sets an
// error status: new Response(body, { status: 401 }), Response.json(x, { status: 404 }).
func errorStatus(args []esb.Expr) bool {
	if len(args) < 2 {
		return false
	}
	o, ok := args[1].Data.(*esb.EObject)
	if !ok {
		return false
	}
	for _, p := range o.Properties {
		k, ok := p.Key.Data.(*esb.EString)
		if !ok || index.String(k.Value) != "status" || p.ValueOrNil.Data == nil {
			continue
		}
		if n, ok := p.ValueOrNil.Data.(*esb.ENumber); ok {
			return n.Value >= 400
		}
	}
	return false
}

// hasHandlerField reports whether an object argument carries the handler.
func hasHandlerField(v Val) bool {
	for _, f := range v.Obj {
		if f.Has(Handler) {
			return true
		}
	}
	return false
}

// runOptionHandlers runs handlers passed in an options object to a project
// HOF (`authenticatedApiClient({ request, handler: async ({ auth }) => … })`)
// the way the HOF runs them: after its checks, with what it passes. The
// handled properties are then removed from args so they do not run twice.
func (fr *frame) runOptionHandlers(hof *index.Func, args []Val, st *state) Val {
	var out Val
	for i := range args {
		if len(args[i].Obj) == 0 || args[i].Fn != nil {
			continue
		}
		for _, k := range sortedKeys(args[i].Obj) {
			f := args[i].Obj[k]
			if f.Fn == nil || f.FnMod != fr.mod || !fr.isLocal(f.Fn) {
				continue
			}
			marked := append([]Val(nil), args...)
			obj := make(map[string]Val, len(args[i].Obj))
			for kk, vv := range args[i].Obj {
				obj[kk] = vv
			}
			obj[k] = Val{F: Handler}
			marked[i].Obj = obj
			inv := fr.e.Invocation(hof, -2-i, marked)
			if inv == nil {
				continue
			}
			inner := state{authed: st.authed || inv.Authed, priv: st.priv || inv.Priv}
			out = Join(out, fr.inline(f.Fn, inv.Args, &inner))
			rest := make(map[string]Val, len(args[i].Obj))
			for kk, vv := range args[i].Obj {
				if kk != k {
					rest[kk] = vv
				}
			}
			args[i].Obj = rest
		}
	}
	return out
}

// schemaMethods are the validating methods of schema libraries.
var schemaMethods = map[string]bool{"parse": true, "parseAsync": true, "safeParse": true, "safeParseAsync": true, "validate": true, "validateSync": true}

// clientOrigins lists the client origins inside a value, field by field.
func clientOrigins(v Val, depth int) []*Origin {
	var out []*Origin
	if v.Has(Client) && v.Origin != nil {
		out = append(out, v.Origin)
	}
	if depth < 4 {
		for _, k := range sortedKeys(v.Obj) {
			out = append(out, clientOrigins(v.Obj[k], depth+1)...)
		}
	}
	return out
}

// keyOrigins lists the client origins that selected rows a value was read
// from, field by field.
func keyOrigins(v Val, depth int) []*Origin {
	var out []*Origin
	if v.KeyedBy != nil {
		out = append(out, v.KeyedBy)
	}
	if depth < 4 {
		for _, k := range sortedKeys(v.Obj) {
			out = append(out, keyOrigins(v.Obj[k], depth+1)...)
		}
	}
	return out
}

// maxInlines bounds how often one closure runs inline in one analysis.
const maxInlines = 64

// valueMethods are the methods of strings, arrays, numbers and plain objects:
// calling one on a secret (env.KEY.slice(0, 4)) calls no API.
var valueMethods = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`at charAt charCodeAt codePointAt concat endsWith includes indexOf lastIndexOf
		localeCompare match matchAll normalize padEnd padStart repeat replace replaceAll search slice split startsWith
		substring substr toLowerCase toUpperCase toLocaleLowerCase toLocaleUpperCase toString trim trimEnd trimStart
		valueOf every filter find findIndex findLast findLastIndex flat flatMap forEach join keys map reduce reduceRight
		reverse some sort toSorted toReversed entries values toFixed toPrecision hasOwnProperty toJSON length`) {
		valueMethods[m] = true
	}
}

// steeredBy reports whether a call's arguments carry what the caller of the
// entry point (or of the function being summarised) chose.
func steeredBy(args []Val) bool {
	for _, a := range args {
		if steers(a.deep()) {
			return true
		}
	}
	return false
}

// steers: a value (already deepened) holds client data or a parameter of
// the function being summarised.
func steers(d Val) bool {
	return d.Has(Client) || d.Params != 0
}

// builtinCtor reports whether a constructor is a JavaScript or Web global
// (new URL(env.BASE), new TextEncoder()), not an API client's class.
func builtinCtor(fr *frame, target esb.Expr) bool {
	name, ok := fr.rootIdent(target)
	return ok && name != "" && name[0] >= 'A' && name[0] <= 'Z' && jsGlobals[name]
}

var jsGlobals = map[string]bool{"URL": true, "URLSearchParams": true, "Date": true, "Map": true, "Set": true, "WeakMap": true,
	"Array": true, "Uint8Array": true, "TextEncoder": true, "TextDecoder": true, "Error": true, "TypeError": true, "RegExp": true,
	"Headers": true, "Request": true, "Response": true, "FormData": true, "Blob": true, "File": true, "Buffer": true,
	"Promise": true, "Intl": true, "AbortController": true, "ReadableStream": true, "Proxy": true, "Object": true}

// codeExchangeBody reports whether a fetch init's body is an OAuth 2.0
// authorization-code exchange: `code` with the client's secret, a PKCE
// verifier or grant_type, as an object literal, JSON.stringify(…) or
// new URLSearchParams(…).
func codeExchangeBody(init esb.Expr) bool {
	o, ok := init.Data.(*esb.EObject)
	if !ok {
		return false
	}
	for _, p := range o.Properties {
		if k, ok := p.Key.Data.(*esb.EString); ok && index.String(k.Value) == "body" && p.ValueOrNil.Data != nil {
			return codeExchange(p.ValueOrNil, 0)
		}
	}
	return false
}

// codeExchange reports whether e is an OAuth 2.0 token request for an
// authorization code: an object literal (also inside JSON.stringify(…) or
// new URLSearchParams(…)) with the code and the client's secret, a PKCE
// verifier or the grant type. It runs on every call argument, so it reads
// the keys in place rather than collecting them.
func codeExchange(e esb.Expr, depth int) bool {
	if depth > 3 {
		return false
	}
	switch x := e.Data.(type) {
	case *esb.EObject:
		code, proof := false, false
		for _, p := range x.Properties {
			if k, ok := p.Key.Data.(*esb.EString); ok {
				switch index.String(k.Value) {
				case "code":
					code = true
				case "client_secret", "code_verifier", "grant_type":
					proof = true
				}
			}
		}
		return code && proof
	case *esb.ENew:
		if len(x.Args) == 1 {
			return codeExchange(x.Args[0], depth+1)
		}
	case *esb.ECall:
		if len(x.Args) >= 1 {
			return codeExchange(x.Args[0], depth+1)
		}
	}
	return false
}

// registersHandler reports whether a method of an object we cannot see
// registers an event handler rather than calling it: on, once,
// addEventListener, onNewMention, onAction.
func registersHandler(method string) bool {
	switch method {
	case "on", "once", "addListener", "addEventListener", "prependListener":
		return true
	}
	return len(method) > 2 && strings.HasPrefix(method, "on") && method[2] >= 'A' && method[2] <= 'Z'
}

// fixedList: a list nothing the caller sends went into (a constant of the
// project, or the deployment's configuration).
func fixedList(v Val) bool {
	return !v.Any(Client|Caller|Rows|DB|Request|Cred) && v.Params == 0 && v.Fn == nil && v.Pkg == nil && v.Origin == nil
}

// ipOrigin reports whether a value is the caller's network address: the
// forwarding headers a platform sets, or a library's reading of them.
func ipOrigin(v Val) bool {
	if !v.Has(Client) || v.Origin == nil {
		return false
	}
	id := strings.ToLower(v.Origin.ID)
	for _, h := range []string{"x-forwarded-for", "x-real-ip", "cf-connecting-ip", "true-client-ip", "x-vercel-forwarded-for", "fly-client-ip", "ipaddress()"} {
		if strings.Contains(id, h) {
			return true
		}
	}
	return false
}
