package flow

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/libs"
)

// Config is the user's extension of the built-in library knowledge. Names are
// bare function names or "module#export".
type Config struct {
	AuthSources          []string
	AuthGuards           []string
	AuthorizationHelpers []string
	Validators           []string
	DBClients            []string
	RateLimiters         []string
}

// Summary is what calling a function does, in terms of its parameters.
type Summary struct {
	Guard bool // returns normally only for authenticated callers
	// RespGuard: returns an error Response to anonymous callers and something
	// else (the identity, the request) to authenticated ones.
	RespGuard bool
	// PrivGuard: a guard after which the caller is privileged (an admin, or a
	// machine that proved a shared secret or signature).
	PrivGuard       bool
	Exits           bool // never returns normally
	Ret             Val
	Sensitive       *Op // first sensitive operation
	Unauth          *Op // first sensitive operation reached without authentication
	Queries         []*Query
	SinkParams      uint64 // parameters that reach a sensitive operation unvalidated
	ValidatesParams uint64 // parameters it validates (its result is the parsed value)
	AuthzPairs      []AuthzPair
	SignIn          bool
	SignInCallback  bool
	StrParams       uint64 // see Facts.StrTested
	TruthParams     uint64 // see Facts.TruthTested
	CmpParams       uint64 // see Facts.CmpTested
	FilterParams    uint64 // see Facts.Filtered
	SessionAuth     bool   // see Facts.SessionAuth
	AssertsParams   uint64 // see Facts.Asserted
	RateLimit       bool
	Unread          bool // see Facts.Unread
	AuthCalls       int
}

// Engine holds the memoised summaries of one program.
type Engine struct {
	Prog      *index.Program
	Cfg       Config
	summaries map[index.Key]*Summary
	// special holds summaries specialised to known string arguments.
	special  map[string]*Summary
	busy     map[index.Key]bool
	declVals map[*index.Decl]*Val
	declBusy map[*index.Decl]bool
	// Budget bounds the work (statements and expressions evaluated) spent on one
	// entry point, so a pathological project ends with partial results, reported
	// as such, instead of never. AnalyzeEntry resets it.
	Budget int
	// truncated: some walk hit a depth limit during the current entry point.
	truncated bool
	invs      map[invKey]*Invocation
}

// New makes an engine.
func New(prog *index.Program, cfg Config) *Engine {
	return &Engine{Prog: prog, Cfg: cfg, summaries: map[index.Key]*Summary{}, busy: map[index.Key]bool{},
		declVals: map[*index.Decl]*Val{}, declBusy: map[*index.Decl]bool{}, Budget: EntryBudget}
}

// state is the path-sensitive part of an analysis: whether the caller is known
// to be authenticated here, and whether this path has ended.
type state struct {
	authed bool
	exited bool
	// priv: the caller passed a global role check (admin); ownership checks do
	// not apply to what follows.
	priv bool
	// guards (in a summary): the parameters this path requires to be truthy
	// (`if (websiteId) { … }`): a caller that does not pass them never runs it.
	guards uint64
	// fieldGuards: the same for fields of an options parameter
	// (`includeBounties && …`).
	fieldGuards guardSet
	// rejecting: on the branch that answers an anonymous caller (see
	// frame.rejecting); authed is set there for what it does on the way, not
	// for what it returns.
	rejecting bool
	// threw: the path ended by throwing (not returning).
	threw bool
}

type frame struct {
	e       *Engine
	mod     *index.Module
	facts   *Facts
	env     map[esb.Ref]Val
	rets    *[]Ret
	depth   int
	wrapper bool // analysing a wrapper: calls to unknown HOFs run their callbacks with client input
	summary bool // analysing for a summary: parameters are symbolic
	// checked: variables whose safeParse result had .success tested.
	checked map[esb.Ref]bool
	// safeLinks: see linkSafeResult.
	safeLinks map[esb.Ref]safeLink
	// onReturn observes each return of the function being run.
	onReturn func(state)
	// last holds the value each expression node had when last evaluated.
	last map[*esb.Expr]Val
	// inlining: closures being run inline right now (recursion guard).
	inlining map[*index.Func]bool
	// assigned logs the variables assignments write, in order.
	assigned []esb.Ref
	// inlined counts how often each closure ran inline.
	inlined map[*index.Func]int
}

// DebugSummary, when set, observes each computed summary (diagnosis only).
var DebugSummary func(fn *index.Func, s *Summary)

// DebugWork, when set, observes the work each summary took (diagnosis only).
var DebugWork func(fn *index.Func, work int)

const maxCallDepth = 12

// EntryBudget is the work allowed per entry point. Real entry points use a few
// thousand units; the limit only stops runaway inputs.
const EntryBudget = 400_000

// SummarizeFor returns the summary of fn for a call with args: the general
// one, or, when fn compares parameters with string literals and the call
// passes known strings for them (withApi({ auth: "both" }) →
// authenticate(req, auth)), one computed with those strings, so that
// `authMode !== "none"` is decided.
func (e *Engine) SummarizeFor(fn *index.Func, args []Val) *Summary {
	s := e.Summarize(fn)
	if s.StrParams == 0 && s.TruthParams == 0 && s.CmpParams == 0 && s.FilterParams == 0 {
		return s
	}
	var key strings.Builder
	consts := map[int]string{}
	var authed, creds uint64
	secrets := map[int][]string{}
	for i, a := range args {
		if i >= 64 {
			break
		}
		bit := uint64(1) << uint(i)
		if s.StrParams&bit != 0 && a.HasStr && !a.Has(Client) {
			consts[i] = a.Str
			fmt.Fprintf(&key, "%d=%q;", i, a.Str)
		}
		if s.CmpParams&bit != 0 {
			// check(process.env.SIGNING_SECRET, body, sig): the helper compares
			// under a server secret; validate({ signingSecret: env.X, … }):
			// only that field is one.
			if f := secretFields(a); len(f) > 0 {
				secrets[i] = f
				fmt.Fprintf(&key, "%d=env:%s;", i, strings.Join(f, ","))
			}
		}
		if s.TruthParams&bit != 0 && a.Has(Auth) {
			// fetchAndAuthorize(id, authentication): the helper's test of
			// what it was handed is the caller's auth check.
			authed |= bit
			fmt.Fprintf(&key, "%d=auth;", i)
		}
		if s.FilterParams&bit != 0 && a.Has(Cred) && !a.Any(Caller|Auth) {
			// verify(req.headers.authorization): the helper's lookup of what
			// it was handed is the lookup of a presented credential. (A
			// credential field of an object argument is one in the helper
			// already, by its name; the object's other fields are not.)
			creds |= bit
			fmt.Fprintf(&key, "%d=cred;", i)
		}
	}
	if key.Len() == 0 {
		return s
	}
	k := fmt.Sprintf("%s:%d:%s", fn.Key().File, fn.Key().Pos, key.String())
	if sp := e.special[k]; sp != nil {
		return sp
	}
	if e.busy[fn.Key()] {
		return s
	}
	sp := e.analyzeSummary(fn, symbolicParams(fn, consts, authed, creds, secrets))
	if creds != 0 {
		// A credential argument changes what authenticates, not which other
		// arguments reach a sink unvalidated: `login:${email}:${code}` holds
		// the code, and still the email.
		sp.SinkParams |= s.SinkParams &^ creds
	}
	if e.Budget > 0 {
		if e.special == nil {
			e.special = map[string]*Summary{}
		}
		e.special[k] = sp
	}
	return sp
}

// secretFields says where an argument holds a server secret: [""] when it is
// one, the field names when it is an object literal with such fields.
func secretFields(a Val) []string {
	if a.Obj == nil {
		if a.Has(Env) && !a.Has(Client) {
			return []string{""}
		}
		return nil
	}
	var out []string
	for k, v := range a.Obj {
		if v.Has(Env) && !v.Has(Client) && v.Obj == nil {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// symbolicParams are the parameters a summary is computed with: each one its
// own Params bit, plus the known strings, auth results and credentials of a
// specialised summary.
func symbolicParams(fn *index.Func, consts map[int]string, authed, creds uint64, secrets map[int][]string) []Val {
	params := make([]Val, len(fn.Args))
	for i := range params {
		if i < 64 {
			params[i] = Val{Params: 1 << uint(i)}
		}
		if c, ok := consts[i]; ok {
			params[i].Str, params[i].HasStr = c, true
		}
		if i < 64 && authed&(1<<uint(i)) != 0 {
			params[i].F |= Auth | Caller
		}
		if i < 64 && creds&(1<<uint(i)) != 0 {
			params[i].F |= Cred
		}
		for _, f := range secrets[i] {
			if f == "" {
				params[i].F |= Env
				continue
			}
			if params[i].Obj == nil {
				params[i].Obj = map[string]Val{}
			}
			params[i].Obj[f] = Val{F: Env | Member, Params: params[i].Params, Field: f}
		}
	}
	return params
}

// analyzeSummary computes fn's summary from params, marking fn busy so that
// recursion stops.
func (e *Engine) analyzeSummary(fn *index.Func, params []Val) *Summary {
	k := fn.Key()
	e.busy[k] = true
	before := e.Budget
	f := e.Analyze(fn, params, false, true, false)
	if DebugWork != nil {
		DebugWork(fn, before-e.Budget)
	}
	delete(e.busy, k)
	s := summarize(f)
	if DebugSummary != nil {
		DebugSummary(fn, s)
	}
	return s
}

// Summarize returns the summary of fn, computing it once.
func (e *Engine) Summarize(fn *index.Func) *Summary {
	k := fn.Key()
	if s := e.summaries[k]; s != nil {
		return s
	}
	if e.busy[k] {
		return &Summary{} // recursion: assume nothing until the outer call finishes
	}
	s := e.analyzeSummary(fn, symbolicParams(fn, nil, 0, 0, nil))
	if e.Budget > 0 {
		// A summary cut short by the work limit is not the function's summary;
		// recompute it for the next entry point rather than reuse it.
		e.summaries[k] = s
	}
	return s
}

// markAuthFields labels the fields of a returned object that tell an
// authenticated caller from an anonymous one: set on every path that
// rejected an anonymous caller (`{ error: () => unauthorized() }`) and unset
// on some authenticated one is AuthErr, though an authenticated caller may
// get an error too (`{ error: notFound }`); set only on authenticated paths
// (`{ auth: { user } }`, null otherwise) is Auth. Callers then gate on
// `if (error) return error()` or `if (!auth) …` as on the auth result itself.
func markAuthFields(ret *Val, rets []Ret) {
	if len(ret.Obj) == 0 || len(rets) < 2 {
		return
	}
	var authed, anon []Val
	priv := true // every authenticated return is a privileged caller's
	for _, r := range rets {
		if r.Val.Obj == nil {
			return
		}
		if r.Authed {
			authed = append(authed, r.Val)
			priv = priv && r.Priv
		} else {
			anon = append(anon, r.Val)
		}
	}
	if len(authed) == 0 || len(anon) == 0 {
		return
	}
	set := func(v Val, k string) bool {
		f, ok := v.Obj[k]
		return ok && !f.MaybeNull && !f.Falsy
	}
	obj := make(map[string]Val, len(ret.Obj))
	for k, v := range ret.Obj {
		onlyAnon, onlyAuthed := true, true
		for _, a := range anon {
			onlyAnon = onlyAnon && set(a, k)
			onlyAuthed = onlyAuthed && !set(a, k)
		}
		someAuthedUnset := false
		for _, a := range authed {
			someAuthedUnset = someAuthedUnset || !set(a, k)
			onlyAuthed = onlyAuthed && set(a, k)
		}
		onlyAnon = onlyAnon && someAuthedUnset
		switch {
		case onlyAnon:
			v.F |= AuthErr
		case onlyAuthed:
			v.F |= Auth
			if priv {
				// { valid: true } from a signature check: a machine that proved
				// the secret, not a user with records of its own.
				v.F |= Secret
			}
		default:
			v.AuthTag = authTag(k, authed, anon)
		}
		obj[k] = v
	}
	ret.Obj = obj
}

// markAuthResult labels what a function returns by what it returns to
// anonymous and to authenticated callers (see markAuthFields,
// errorOnlyWhenAnonymous, nullOnlyWhenAnonymous); for summaries and for
// functions run inline alike.
func markAuthResult(ret *Val, rets []Ret) {
	markAuthFields(ret, rets)
	if errorOnlyWhenAnonymous(rets) {
		// apiWrapper(): a 401 for anonymous callers, the handler's response
		// otherwise: `if (response.ok)` holds only for authenticated ones.
		ret.OkMeansAuthed = true
	}
	if nullOnlyWhenAnonymous(rets) {
		// return null for anonymous callers, a principal otherwise
		// (authenticateApiKey(headers)): testing the result authenticates.
		ret.F |= Auth
	}
}

// errorOnlyWhenAnonymous reports whether every unauthenticated return is an
// error Response and some authenticated return exists.
func errorOnlyWhenAnonymous(rets []Ret) bool {
	authed, anon := 0, 0
	for _, r := range rets {
		switch {
		case !r.Authed && !(r.Val.Has(Resp) && r.Val.ErrStatus):
			return false
		case !r.Authed:
			anon++
		default:
			authed++
		}
	}
	return authed > 0 && anon > 0
}

// nullOnlyWhenAnonymous reports whether every return on an unauthenticated
// path gives null/undefined/false, and some authenticated one something
// else: a truthy result then means an authenticated caller (an
// authenticated one may still get null, for lacking a permission).
func nullOnlyWhenAnonymous(rets []Ret) bool {
	truthy, anon := 0, 0
	for _, r := range rets {
		falsy := r.Val.MaybeNull && r.Val.F == 0 && r.Val.Obj == nil && r.Val.Fn == nil || r.Val.Falsy
		switch {
		case !r.Authed && !falsy:
			return false
		case !r.Authed:
			anon++
		case !falsy && !r.Val.MaybeNull:
			truthy++
		}
	}
	return truthy > 0 && anon > 0
}

// authTag returns the string a field holds on authenticated returns and on no
// anonymous one ({ status: "authenticated" } vs { status: "missing" }), or
// "". Every anonymous return must hold a known string. An authenticated
// caller may still be turned away with a string of its own ({ status:
// "invalid" } for a verified token of a deactivated user): of several such
// strings, the tag is the one on the returns that hand out the identity.
func authTag(k string, authed, anon []Val) string {
	anonStr := map[string]bool{}
	for _, a := range anon {
		f := a.Obj[k]
		if !f.HasStr {
			return ""
		}
		anonStr[f.Str] = true
	}
	tags := map[string]bool{}   // held by some authenticated return only
	withID := map[string]bool{} // ... that carries the caller's identity
	for _, a := range authed {
		f := a.Obj[k]
		if !f.HasStr {
			return ""
		}
		if anonStr[f.Str] {
			continue
		}
		tags[f.Str] = true
		if a.deep().Any(Caller | Auth) {
			withID[f.Str] = true
		}
	}
	for _, set := range []map[string]bool{tags, withID} {
		if len(set) == 1 {
			for t := range set {
				return t
			}
		}
	}
	return ""
}

func summarize(f *Facts) *Summary {
	s := &Summary{SignIn: f.SignIn, SignInCallback: f.SignInCallback, StrParams: f.StrTested, TruthParams: f.TruthTested, CmpParams: f.CmpTested, FilterParams: f.Filtered, SessionAuth: f.SessionAuth, AssertsParams: f.Asserted, RateLimit: f.RateLimited, Unread: f.Unread, AuthCalls: len(f.AuthCalls)}
	s.Exits = f.NormalExits == 0
	s.Guard = f.ExitAuthed && f.NormalExits > 0
	s.PrivGuard = s.Guard && f.ExitPriv
	for _, r := range f.Returns {
		s.Ret = Join(s.Ret, r.Val)
	}
	markAuthResult(&s.Ret, f.Returns)
	unauthResp, anyUnauth, authedOther := true, false, false
	for _, r := range f.Returns {
		if r.Authed && !r.Val.Has(Resp) {
			authedOther = true
		}
		if !r.Authed {
			anyUnauth = true
			if !r.Val.Has(Resp) {
				unauthResp = false
			}
		}
	}
	s.RespGuard = !s.Guard && anyUnauth && unauthResp && authedOther
	if s.Guard {
		// A guard's result is the checked identity: callers need not test it again.
		if s.Ret.Any(Auth | AuthBox) {
			s.Ret.F |= Caller
		}
	}
	for _, op := range f.Ops {
		if s.Sensitive == nil {
			s.Sensitive = op
		}
		if !op.Authed && s.Unauth == nil {
			s.Unauth = op
		}
	}
	// One entry per distinct query and parameter shape: a helper calling
	// another twice (f1 → f0; f0) must not double the list at every level.
	type qkey struct {
		site                    Site
		filter, filterKey, data uint64
		caller, client          bool
		// guards: the same query on a path only some callers take
		// (if (tx) …) is kept apart from the one every caller reaches.
		guards      uint64
		fieldGuards guardSet
	}
	seenQ := map[qkey]bool{}
	for _, q := range f.Queries {
		if q.Filter.Params == 0 && q.Data.Params == 0 && !(q.Filter.KeyParams != 0 && q.Filter.Has(Caller)) {
			// Nothing the callers pass reaches it; but a caller-scoped check
			// on a row the parameters chose (membership in a workspace's
			// organization) ties those parameters to the caller.
			continue
		}
		inner := q
		for inner.Inner != nil {
			inner = inner.Inner
		}
		k := qkey{inner.Site, q.Filter.Params, q.Filter.KeyParams, q.Data.Params, q.Filter.Has(Caller), q.Filter.Has(Client), q.Guards, q.FieldGuards}
		if seenQ[k] {
			continue
		}
		seenQ[k] = true
		s.Queries = append(s.Queries, q)
	}
	for _, u := range f.Uses {
		// A credential or a string by construction (header, URL) reaching a
		// lookup is not a validation gap at the caller either.
		if !u.Val.Has(Validated) && !u.Val.Any(Cred|Stringly) {
			s.SinkParams |= u.Val.Params
		}
	}
	type pkey struct {
		sp, skp, ap uint64
		caller      bool
	}
	seenP := map[pkey]bool{}
	for _, p := range f.AuthzPairs {
		k := pkey{p.Subject.Params, p.Subject.KeyParams, p.Against.Params, p.Against.Has(Caller)}
		if !seenP[k] {
			seenP[k] = true
			s.AuthzPairs = append(s.AuthzPairs, p)
		}
	}
	if s.Ret.Has(Validated) {
		s.ValidatesParams = s.Ret.Params
	}
	return s
}

// Analyze runs fn's body with the given parameter values. authed says whether
// the caller is already authenticated (a wrapper's guard ran first).
func (e *Engine) Analyze(fn *index.Func, params []Val, authed, summary, wrapper bool) *Facts {
	return e.analyzeFrom(fn, params, state{authed: authed}, summary, wrapper)
}

func (e *Engine) analyzeFrom(fn *index.Func, params []Val, start state, summary, wrapper bool) *Facts {
	return e.analyzeIn(fn, params, start, summary, wrapper, nil)
}

// analyzeIn runs fn with outer variables already known (env may be nil):
// an inline action sees what its component computed before it.
func (e *Engine) analyzeIn(fn *index.Func, params []Val, start state, summary, wrapper bool, env map[esb.Ref]Val) *Facts {
	if env == nil {
		env = map[esb.Ref]Val{}
	}
	fr := &frame{e: e, mod: fn.Mod, facts: newFacts(), env: env, summary: summary, wrapper: wrapper, checked: map[esb.Ref]bool{}}
	var rets []Ret
	fr.rets = &rets
	st := fr.runFunc(fn.Args, fn.Body, params, start)
	fr.facts.Returns = rets
	_ = st
	return fr.facts
}

// runFunc binds params and executes a body; it records exits into facts.
func (fr *frame) runFunc(args []esb.Arg, body *esb.FnBody, params []Val, st state) state {
	for i, a := range args {
		var v Val
		if i < len(params) {
			v = params[i]
		}
		if a.DefaultOrNil.Data != nil && v.F == 0 && v.Params == 0 {
			v = fr.eval(&a.DefaultOrNil, &st)
		}
		fr.bind(a.Binding, v, &st)
	}
	allAuthed, allPriv := true, true
	exits := 0
	fr.facts.ExitAuthed = true
	st = fr.execFn(body.Block.Stmts, st, &allAuthed, &allPriv, &exits)
	if !st.exited {
		exits++
		if !st.authed {
			allAuthed = false
		}
		if !st.priv {
			allPriv = false
		}
	}
	fr.facts.NormalExits += exits
	fr.facts.ExitAuthed = allAuthed
	fr.facts.ExitPriv = allPriv && exits > 0
	return st
}

// execFn executes a function body, tracking each return's auth state.
func (fr *frame) execFn(stmts []esb.Stmt, st state, allAuthed, allPriv *bool, exits *int) state {
	saved := fr.onReturn
	fr.onReturn = func(s state) {
		*exits++
		if !s.authed || s.rejecting {
			*allAuthed = false
		}
		if !s.priv {
			*allPriv = false
		}
	}
	st = fr.exec(stmts, st)
	fr.onReturn = saved
	return st
}

func (fr *frame) budget() bool {
	fr.e.Budget--
	return fr.e.Budget > 0
}

// exec runs statements in order.
func (fr *frame) exec(stmts []esb.Stmt, st state) state {
	for i := range stmts {
		if st.exited {
			break
		}
		st = fr.stmt(&stmts[i], st)
	}
	return st
}

func (fr *frame) stmt(s *esb.Stmt, st state) state {
	if !fr.budget() {
		st.exited = true
		return st
	}
	switch x := s.Data.(type) {
	case *esb.SLocal:
		for i := range x.Decls {
			d := &x.Decls[i]
			var v Val
			if d.ValueOrNil.Data != nil {
				v = fr.eval(&d.ValueOrNil, &st)
				v = resolveQuery(v, false)
				if id, ok := d.Binding.Data.(*esb.BIdentifier); ok {
					if f := fr.mod.FuncFromExpr(fr.mod.SymbolName(id.Ref), d.ValueOrNil); f != nil {
						v.Fn, v.FnMod = f, fr.mod
					}
				}
			}
			fr.bind(d.Binding, v, &st)
		}
	case *esb.SExpr:
		fr.eval(&x.Value, &st)
	case *esb.SReturn:
		if t, ok := x.ValueOrNil.Data.(*esb.EIf); ok {
			if c := fr.cond(&t.Test, &st); c.gate {
				// return verified ? { verified: true } : { verified: false }:
				// two answers, one to each side of the check.
				return fr.ifStmt(&esb.SIf{Test: t.Test,
					Yes:     esb.Stmt{Loc: t.Yes.Loc, Data: &esb.SReturn{ValueOrNil: t.Yes}},
					NoOrNil: esb.Stmt{Loc: t.No.Loc, Data: &esb.SReturn{ValueOrNil: t.No}}}, st)
			}
		}
		var v Val
		if x.ValueOrNil.Data != nil {
			v = resolveQuery(fr.eval(&x.ValueOrNil, &st), true)
			if st.exited { // `return redirect(...)`
				return st
			}
		}
		*fr.rets = append(*fr.rets, Ret{Site: fr.site(s.Loc), Val: v, Authed: st.authed && !st.rejecting, Priv: st.priv && !st.rejecting})
		if fr.onReturn != nil {
			fr.onReturn(st)
		}
		st.exited = true
	case *esb.SThrow:
		fr.eval(&x.Value, &st)
		fr.facts.ThrowsUnauthed = fr.facts.ThrowsUnauthed || !st.authed
		st.exited, st.threw = true, true
	case *esb.SBlock:
		st = fr.exec(x.Stmts, st)
	case *esb.SIf:
		st = fr.ifStmt(x, st)
	case *esb.SFor:
		if x.InitOrNil.Data != nil {
			st = fr.stmt(&x.InitOrNil, st)
		}
		if x.TestOrNil.Data != nil {
			fr.eval(&x.TestOrNil, &st)
		}
		st, _ = fr.loopBody(&x.Body, st)
	case *esb.SForOf:
		v := fr.eval(&x.Value, &st)
		fr.bindLoopVar(&x.Init, element(resolveQuery(v, false)), &st)
		before := st
		var bs state
		st, bs = fr.loopBody(&x.Body, st)
		if !before.authed && bs.authed && !bs.exited {
			// for (const n of body.value) { if (n.clientState !== secret) return 403 }:
			// every element passed the check, or there were none to act on.
			st.authed, st.priv = true, st.priv || bs.priv
		}
	case *esb.SForIn:
		fr.eval(&x.Value, &st)
		fr.bindLoopVar(&x.Init, Val{}, &st)
		st, _ = fr.loopBody(&x.Body, st)
	case *esb.SWhile:
		fr.eval(&x.Test, &st)
		st, _ = fr.loopBody(&x.Body, st)
	case *esb.SDoWhile:
		st = fr.stmt(&x.Body, st)
		st.exited = false
		fr.eval(&x.Test, &st)
	case *esb.STry:
		before := st
		after := fr.exec(x.Block.Stmts, st)
		if x.Catch != nil {
			// Error handling (logging, an error response, an audit write) is not
			// an operation an anonymous caller can steer: it runs as if the
			// request were checked, and what follows the try is judged by the
			// try block's own state.
			cs := before
			csAuthed := cs.authed
			// What it returns is still an answer to whoever reached the try
			// (`catch { return { success: false } }` after a throwing verifier).
			cs.authed, cs.rejecting = true, !csAuthed
			fr.bind(x.Catch.BindingOrNil, Val{}, &cs)
			cs = fr.exec(x.Catch.Block.Stmts, cs)
			cs.rejecting = before.rejecting
			if !cs.exited {
				cs.authed = csAuthed
			}
			after = merge(after, cs)
		}
		if x.Finally != nil {
			fs := after
			fs.exited = false
			fs = fr.exec(x.Finally.Block.Stmts, fs)
			if fs.exited {
				after.exited = true
			}
		}
		st = after
	case *esb.SSwitch:
		fr.eval(&x.Test, &st)
		out := state{exited: true, authed: true}
		hasDefault := false
		for i := range x.Cases {
			c := &x.Cases[i]
			if c.ValueOrNil.Data == nil {
				hasDefault = true
			} else {
				fr.eval(&c.ValueOrNil, &st)
			}
			cs := fr.exec(c.Body, st)
			if breaks(c.Body) {
				cs.exited = false
			}
			out = merge(out, cs)
		}
		if !hasDefault {
			out = merge(out, st)
		}
		st = out
	case *esb.SLabel:
		st = fr.stmt(&x.Stmt, st)
		st.exited = false
	case *esb.SFunction:
		if x.Fn.Name != nil {
			f := fr.mod.FuncOf(fr.mod.SymbolName(x.Fn.Name.Ref), x.Fn.Name.Loc, x.Fn.Args, &x.Fn.Body, false, x.Fn.IsAsync)
			fr.env[x.Fn.Name.Ref] = Val{Fn: f, FnMod: fr.mod}
		}
	}
	return st
}

// breaks reports a `break` at the end of a switch case (so the path continues).
func breaks(body []esb.Stmt) bool {
	if len(body) == 0 {
		return true
	}
	switch x := body[len(body)-1].Data.(type) {
	case *esb.SBreak:
		return true
	case *esb.SBlock:
		return breaks(x.Stmts)
	}
	return false
}

// loopBody runs a loop body once; it returns the state after the loop and
// the state at the end of the body.
func (fr *frame) loopBody(body *esb.Stmt, st state) (after, end state) {
	bs := fr.stmt(body, st)
	// The body may run zero times; what it establishes does not carry over, but a
	// loop never makes an authenticated path unauthenticated.
	return state{authed: st.authed, priv: st.priv, exited: st.exited}, bs
}

func (fr *frame) bindLoopVar(init *esb.Stmt, v Val, st *state) {
	if l, ok := init.Data.(*esb.SLocal); ok {
		for _, d := range l.Decls {
			fr.bind(d.Binding, v, st)
		}
	}
}

// merge joins the states of two paths that meet.
func merge(a, b state) state {
	switch {
	case a.exited && b.exited:
		return state{exited: true, authed: a.authed && b.authed, threw: a.threw && b.threw}
	case a.exited:
		return b
	case b.exited:
		return a
	}
	return state{authed: a.authed && b.authed, priv: a.priv && b.priv, guards: a.guards & b.guards, fieldGuards: a.fieldGuards.and(b.fieldGuards)}
}

// responseTest recognises `x instanceof Response` (or NextResponse).
func (fr *frame) responseTest(test esb.Expr) (esb.Ref, bool) {
	b, ok := test.Data.(*esb.EBinary)
	if !ok || b.Op != esb.BinOpInstanceof {
		return esb.Ref{}, false
	}
	ref, ok := astwalk.IdentRef(b.Left)
	if !ok {
		return esb.Ref{}, false
	}
	cls, ok := astwalk.IdentRef(b.Right)
	if n := fr.mod.SymbolName(cls); !ok || n != "Response" && n != "NextResponse" {
		return esb.Ref{}, false
	}
	return ref, true
}

// paramTest recognises, in a summary, a test of a parameter's truthiness:
// `p` or `!p` with p a parameter itself, or a field destructured from one
// (`{ includeBounties = false }`: field is "0.includeBounties").
func (fr *frame) paramTest(e *esb.Expr) (bit uint64, field string, negated bool, ok bool) {
	if !fr.summary {
		return 0, "", false, false
	}
	if u, isNot := e.Data.(*esb.EUnary); isNot && u.Op == esb.UnOpNot {
		bit, field, _, ok = fr.paramTest(&u.Value)
		return bit, field, true, ok
	}
	ref, isID := astwalk.IdentRef(*e)
	if !isID {
		return 0, "", false, false
	}
	v, known := fr.env[ref]
	if !known || v.Params == 0 || v.Params&(v.Params-1) != 0 {
		return 0, "", false, false
	}
	if v.Has(Member) || v.Field != "" {
		if v.Field == "" {
			return 0, "", false, false
		}
		return 0, itoa(bits.TrailingZeros64(v.Params)) + "." + v.Field, false, true
	}
	return v.Params, "", false, true
}

// guard records on st what a path requires of the parameters (see paramTest).
func (st *state) guard(bit uint64, field string) {
	st.guards |= bit
	if field != "" {
		st.fieldGuards = st.fieldGuards.add(field)
	}
}

// guardSet is a set of options fields a path requires to be truthy, each
// "param.field", kept sorted and newline-terminated so that sets compare
// as strings.
type guardSet string

func (g guardSet) has(f string) bool {
	return strings.Contains("\n"+string(g), "\n"+f+"\n")
}

func (g guardSet) add(f string) guardSet {
	if g.has(f) {
		return g
	}
	fs := append(g.list(), f)
	sort.Strings(fs)
	return guardSet(strings.Join(fs, "\n") + "\n")
}

func (g guardSet) list() []string {
	if g == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(g), "\n"), "\n")
}

// and keeps the fields both paths require.
func (g guardSet) and(o guardSet) guardSet {
	if g == o {
		return g
	}
	var out guardSet
	for _, f := range g.list() {
		if o.has(f) {
			out = out.add(f)
		}
	}
	return out
}

// skippedBy reports whether a call leaves out (or passes a literal false
// for) an options field the path requires: the call never runs that path.
func (g guardSet) skippedBy(args []Val) bool {
	for _, f := range g.list() {
		dot := strings.IndexByte(f, '.')
		i, err := strconv.Atoi(f[:dot])
		if err != nil || i >= len(args) || args[i].Obj == nil {
			continue
		}
		if v, ok := args[i].Obj[f[dot+1:]]; !ok || v.Falsy || v.MaybeNull && v.F == 0 && v.Obj == nil && v.Fn == nil {
			return true
		}
	}
	return false
}

func (fr *frame) ifStmt(x *esb.SIf, st state) state {
	fr.eval(&x.Test, &st)
	if st.exited {
		return st
	}
	c := fr.cond(&x.Test, &st)
	fr.markSuccess(c)
	yes, no := st, st
	switch c.constant {
	case 1:
		// Decided by known strings: the other branch does not run here.
		no.exited = true
	case -1:
		yes.exited = true
	}
	if v := fr.peek(&x.Test, &st); v.Fn != nil && v.F == 0 && !v.MaybeNull {
		// `if (middleware)` where middleware is a known function: the test is
		// always true, so the path that skips the block does not exist.
		no.exited = true
		if x.NoOrNil.Data == nil {
			st2 := fr.stmt(&x.Yes, yes)
			return st2
		}
	}
	if c.pos {
		yes.authed = true
		yes.priv = yes.priv || c.role || c.secret
	}
	if c.neg {
		no.authed = true
		no.priv = no.priv || c.role || c.secret
	}
	if c.config {
		// `if (process.env.VERCEL !== "1") return`: a deployment switch, not a
		// door for anonymous callers in production.
		yes.authed, yes.priv = true, true
	}
	if bit, field, negated, ok := fr.paramTest(&x.Test); ok {
		if negated {
			no.guard(bit, field)
		} else {
			yes.guard(bit, field)
		}
	}
	// Variables are tracked per path: what an exiting branch assigns
	// (`workspace = undefined; throw …`) must not leak into the path that
	// continues, and two continuing branches join.
	pre := copyEnv(fr.env)
	mark := len(fr.assigned)
	if ref, ok := fr.responseTest(x.Test); ok {
		// if (result instanceof Response) return result: on that branch it is
		// the Response, not the rows the helper returns otherwise.
		if v, known := fr.env[ref]; known && v.Has(Resp) {
			fr.env[ref] = Val{F: Resp | v.F&(AuthOrResp|Client), ErrStatus: v.ErrStatus, OkMeansAuthed: v.OkMeansAuthed}
		}
	}
	if c.gate && c.neg && !yes.authed {
		yes = fr.rejecting(&x.Yes, yes)
	} else {
		yes = fr.stmt(&x.Yes, yes)
	}
	if c.gate && c.neg && !yes.exited {
		// `if (!auth) { error = () => unauthorized() }`: what is assigned only
		// for anonymous callers says so when tested later (`if (error) return`).
		for _, ref := range fr.assigned[mark:] {
			v := fr.env[ref]
			v.F |= AuthErr
			fr.env[ref] = v
		}
	}
	yesEnv := fr.env
	fr.env = copyEnv(pre)
	if x.NoOrNil.Data != nil {
		if c.gate && c.pos && !no.authed {
			no = fr.rejecting(&x.NoOrNil, no)
		} else {
			no = fr.stmt(&x.NoOrNil, no)
		}
	}
	switch {
	case yes.exited && !no.exited:
		// keep the no-branch's variables
	case no.exited && !yes.exited:
		fr.env = yesEnv
	case !yes.exited && !no.exited:
		fr.env = joinEnv(yesEnv, fr.env)
	}
	// safeParse, then throw when it failed: in a helper, the parsed parameter
	// is asserted for callers.
	if len(c.successRefs) > 0 && fr.summary {
		failed := no
		if c.successNeg {
			failed = yes
		}
		if failed.exited && failed.threw {
			for _, ref := range c.successRefs {
				if v := fr.env[ref]; v.Has(SafeResult) && v.Params != 0 {
					fr.facts.Asserted |= v.Params &^ v.KeyParams
				}
			}
		}
	}
	// A path that exits when the check fails makes what follows checked.
	if yes.exited && !no.exited {
		fr.afterExitOn(c, true)
	} else if no.exited && !yes.exited {
		fr.afterExitOn(c, false)
	}
	return merge(yes, no)
}

// rejecting runs the branch an auth check takes for anonymous callers. When
// it ends the request (`if (!auth) return handleApiError(req, unauthorized)`)
// what it does on the way — logging the attempt, an audit write, building
// the error response — only rejects the caller: like a catch block, it
// counts as checked. A branch that falls through is an ordinary anonymous
// path, and a check inside it (`else if (authKey) { … }`) authenticates
// what it guards there as anywhere else.
func (fr *frame) rejecting(s *esb.Stmt, st state) state {
	ops, queries := len(fr.facts.Ops), len(fr.facts.Queries)
	throws := fr.facts.ThrowsUnauthed
	out := fr.stmt(s, st)
	if out.exited {
		for _, op := range fr.facts.Ops[ops:] {
			op.Authed = true
		}
		for _, q := range fr.facts.Queries[queries:] {
			q.Authed = true
		}
		// Rejecting an anonymous caller is not rejecting "some callers" on
		// something unknown (see Facts.ThrowsUnauthed).
		fr.facts.ThrowsUnauthed = throws
	}
	return out
}

// bind assigns v to a binding pattern, deriving fields for destructuring.
func (fr *frame) bind(b esb.Binding, v Val, st *state) {
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		fr.env[x.Ref] = v
	case *esb.BObject:
		if v.Has(SafeResult) {
			fr.linkSafeResult(x)
		}
		for _, p := range x.Properties {
			if p.IsSpread {
				fr.bind(p.Value, v, st)
				continue
			}
			name := ""
			if s, ok := p.Key.Data.(*esb.EString); ok {
				name = index.String(s.Value)
			}
			fv := fr.member(v, name, p.Key.Loc)
			if p.DefaultValueOrNil.Data != nil {
				// The default applies only when the field is missing: an
				// options object that sets it ({ auth: "session" }) keeps its value.
				if given, ok := v.Obj[name]; !ok || given.MaybeNull || given.isZero() {
					fv = Join(fv, fr.eval(&p.DefaultValueOrNil, st))
				}
			}
			fr.bind(p.Value, fv, st)
		}
	case *esb.BArray:
		for i, it := range x.Items {
			ev := element(v)
			if v.Obj != nil {
				if f, ok := v.Obj["["+itoa(i)+"]"]; ok {
					ev = f
				}
			}
			fr.bind(it.Binding, ev, st)
		}
	}
}

// linkSafeResult remembers, for `const { data, error } =
// schema.safeParse(x)`, which variable says whether data is valid: a path
// that exits when error is set (or success is not) continues with valid data.
func (fr *frame) linkSafeResult(x *esb.BObject) {
	var data esb.Ref
	var hasData bool
	tests := map[esb.Ref]bool{} // variable -> its truthiness means failure
	for _, p := range x.Properties {
		k, ok := p.Key.Data.(*esb.EString)
		id, isID := p.Value.Data.(*esb.BIdentifier)
		if !ok || !isID {
			continue
		}
		switch index.String(k.Value) {
		case "data":
			data, hasData = id.Ref, true
		case "error":
			tests[id.Ref] = true
		case "success":
			tests[id.Ref] = false
		}
	}
	if !hasData {
		return
	}
	if fr.safeLinks == nil {
		fr.safeLinks = map[esb.Ref]safeLink{}
	}
	for ref, failOnTruthy := range tests {
		fr.safeLinks[ref] = safeLink{data: data, failOnTruthy: failOnTruthy}
	}
}

// safeLink ties a safeParse result's error or success variable to its data.
type safeLink struct {
	data         esb.Ref
	failOnTruthy bool
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// element is the value of one element of an array value.
func element(v Val) Val {
	out := v
	out.Obj = nil
	if f, ok := v.Obj["[]"]; ok {
		return Join(f, v.data())
	}
	return out
}

func (fr *frame) site(loc esb.Loc) Site { return Site{Mod: fr.mod, Loc: loc} }

// idLike reports whether a name selects a record: id, postId, team_id, slug.
func idLike(name string) bool {
	n := name
	if i := strings.LastIndexAny(n, ".'\"("); i >= 0 {
		n = n[i+1:]
	}
	n = strings.TrimRight(n, "')\"[]")
	l := strings.ToLower(n)
	switch l {
	case "id", "ids", "_id", "slug", "uuid", "key", "handle", "pk":
		return true
	}
	return strings.HasSuffix(n, "Id") || strings.HasSuffix(n, "ID") || strings.HasSuffix(n, "Ids") || strings.HasSuffix(l, "_id") || strings.HasSuffix(l, "_ids") || strings.HasSuffix(n, "Slug") || strings.HasSuffix(l, "_slug")
}

var _ = libs.None

func copyEnv(env map[esb.Ref]Val) map[esb.Ref]Val {
	out := make(map[esb.Ref]Val, len(env))
	for k, v := range env {
		out[k] = v
	}
	return out
}

// joinEnv merges the variables of two paths that meet.
func joinEnv(a, b map[esb.Ref]Val) map[esb.Ref]Val {
	out := make(map[esb.Ref]Val, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if old, ok := out[k]; ok {
			out[k] = Join(old, v)
		} else {
			out[k] = v
		}
	}
	return out
}

// outerEnv runs the function that encloses an inline action (a Server
// Component) and returns its variables: the action's closure. Next.js
// encrypts closed-over values, so the client cannot forge them; a session
// the component loaded is the session the action sees.
func (e *Engine) outerEnv(fn *index.Func) map[esb.Ref]Val {
	outer := enclosing(fn)
	if outer == nil {
		return nil
	}
	fr := e.newFrame(outer.Mod)
	var rets []Ret
	fr.rets = &rets
	params := make([]Val, len(outer.Args))
	for i, a := range outer.Args {
		// A page's props (params, searchParams) come from the URL.
		params[i] = Val{F: Client, Origin: &Origin{ID: "props", Mod: outer.Mod, Loc: a.Binding.Loc, Root: "props"}}
	}
	fr.runFunc(outer.Args, outer.Body, params, state{})
	return fr.env
}

// enclosing finds the innermost function of fn's module whose body contains fn.
func enclosing(fn *index.Func) *index.Func {
	var best *index.Func
	start := fn.Body.Loc.Start
	consider := func(args []esb.Arg, body *esb.FnBody, loc esb.Loc, arrow, async bool) {
		end := body.Block.CloseBraceLoc.Start
		if body.Loc.Start < start && start < end && (best == nil || body.Loc.Start > best.Body.Loc.Start) {
			best = fn.Mod.FuncOf("", loc, args, body, arrow, async)
		}
	}
	v := &astwalk.Visitor{}
	v.OnStmt = func(s *esb.Stmt) bool {
		if f, ok := s.Data.(*esb.SFunction); ok {
			consider(f.Fn.Args, &f.Fn.Body, s.Loc, false, f.Fn.IsAsync)
		}
		if d, ok := s.Data.(*esb.SExportDefault); ok {
			if f, ok := d.Value.Data.(*esb.SFunction); ok {
				consider(f.Fn.Args, &f.Fn.Body, d.Value.Loc, false, f.Fn.IsAsync)
			}
		}
		return true
	}
	v.OnExpr = func(x *esb.Expr) bool {
		switch f := x.Data.(type) {
		case *esb.EArrow:
			consider(f.Args, &f.Body, x.Loc, true, f.IsAsync)
		case *esb.EFunction:
			consider(f.Fn.Args, &f.Fn.Body, x.Loc, false, f.Fn.IsAsync)
		}
		return true
	}
	v.Parts(fn.Mod.AST.Parts)
	return best
}

// newFrame is an empty frame for analysing code of m outside any entry point's
// own function (wrappers, chains, module-level values).
func (e *Engine) newFrame(m *index.Module) *frame {
	return &frame{e: e, mod: m, facts: newFacts(), env: map[esb.Ref]Val{}, checked: map[esb.Ref]bool{}}
}
