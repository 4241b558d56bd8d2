package flow

import (
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/libs"
)

// eval computes an expression's value, recording the operations it performs.
func (fr *frame) eval(e *esb.Expr, st *state) Val {
	if e == nil || e.Data == nil || st.exited {
		return Val{}
	}
	fr.depth++
	defer func() { fr.depth-- }()
	if fr.depth > 400 || !fr.budget() {
		fr.e.truncated = true
		return Val{}
	}
	v := fr.evalNode(e, st)
	// Conditions are inspected right after they are evaluated (cond/peek);
	// remembering each node's value keeps nested && / ?: linear instead of
	// re-evaluating every operand once per nesting level.
	if fr.last == nil {
		fr.last = map[*esb.Expr]Val{}
	}
	fr.last[e] = v
	return v
}

func (fr *frame) evalNode(e *esb.Expr, st *state) Val {
	switch x := e.Data.(type) {
	case *esb.ENull, *esb.EUndefined:
		return Val{MaybeNull: true}
	case *esb.EBoolean:
		return Val{Falsy: !x.Value, Truthy: x.Value}
	case *esb.EString:
		return Val{Str: index.String(x.Value), HasStr: true}
	case *esb.EIdentifier:
		return fr.ident(x.Ref)
	case *esb.EImportIdentifier:
		return fr.ident(x.Ref)
	case *esb.EDot:
		if id, ok := x.Target.Data.(*esb.EDot); ok && id.Name == "env" && isGlobal(fr, id.Target, "process") {
			return envVar(x.Name)
		}
		base := fr.eval(&x.Target, st)
		if base.Kind == libs.EnvObject {
			return envVar(x.Name) // env.CRON_SECRET of t3-env's createEnv
		}
		return fr.member(base, x.Name, x.NameLoc)
	case *esb.EIndex:
		base := fr.eval(&x.Target, st)
		idx := fr.eval(&x.Index, st)
		if s, ok := x.Index.Data.(*esb.EString); ok {
			return fr.member(base, index.String(s.Value), x.Index.Loc)
		}
		if _, ok := x.Index.Data.(*esb.ENumber); ok {
			return element(base)
		}
		_ = idx
		return element(base).data()
	case *esb.ECall:
		return fr.call(e, x, st)
	case *esb.ENew:
		return fr.newExpr(e, x, st)
	case *esb.EAwait:
		return resolveQuery(fr.eval(&x.Value, st), false)
	case *esb.EBinary:
		return fr.binary(e, x, st)
	case *esb.EUnary:
		v := fr.eval(&x.Value, st)
		switch x.Op {
		case esb.UnOpNot:
			return Val{F: v.F & (Auth | AuthErr | Caller)}
		case esb.UnOpTypeof, esb.UnOpVoid, esb.UnOpDelete:
			return Val{}
		}
		return v.data()
	case *esb.EIf:
		fr.eval(&x.Test, st)
		c := fr.cond(&x.Test, st)
		ys, ns := *st, *st
		if c.pos {
			ys.authed = true
		}
		if c.neg {
			ns.authed = true
		}
		y := fr.eval(&x.Yes, &ys)
		n := fr.eval(&x.No, &ns)
		return Join(y, n)
	case *esb.EObject:
		return fr.object(x, st)
	case *esb.EArray:
		out := Val{Obj: map[string]Val{}}
		// The array is validated (or a string list) when every client value in
		// it is: [...new Set(parsed.ids)] stays as checked as parsed.ids.
		checked := Validated | Stringly
		for i := range x.Items {
			iv := fr.eval(&x.Items[i], st)
			if _, ok := x.Items[i].Data.(*esb.ESpread); ok {
				iv = element(iv)
			}
			out.Obj["["+itoa(i)+"]"] = iv
			out.Obj["[]"] = Join(out.Obj["[]"], iv)
			out.F |= iv.F & (Client | Caller | Rows)
			if iv.Has(Client) {
				checked &= iv.F
			}
		}
		if out.Has(Client) {
			out.F |= checked & (Validated | Stringly)
		}
		return out
	case *esb.ESpread:
		return fr.eval(&x.Value, st)
	case *esb.ETemplate:
		if x.TagOrNil.Data != nil {
			return fr.taggedTemplate(e, x, st)
		}
		var out Val
		for i := range x.Parts {
			out = Join(out, fr.eval(&x.Parts[i].Value, st).data())
		}
		out.F &^= Rows
		return out
	case *esb.EArrow:
		return Val{Fn: fr.mod.FuncFromExpr("", *e), FnMod: fr.mod}
	case *esb.EFunction:
		return Val{Fn: fr.mod.FuncFromExpr("", *e), FnMod: fr.mod}
	case *esb.EYield:
		if x.ValueOrNil.Data != nil {
			return fr.eval(&x.ValueOrNil, st)
		}
	case *esb.EAnnotation:
		return fr.eval(&x.Value, st)
	case *esb.EInlinedEnum:
		return fr.eval(&x.Value, st)
	case *esb.EImportCall:
		fr.eval(&x.Expr, st)
	case *esb.EJSXElement:
		// JSX is rendered output; inline actions inside it are entry points of
		// their own and are not run here.
		return Val{}
	}
	return Val{}
}

func isGlobal(fr *frame, e esb.Expr, name string) bool {
	if id, ok := e.Data.(*esb.EIdentifier); ok {
		if _, local := fr.env[id.Ref]; local {
			return false
		}
		return fr.mod.SymbolName(id.Ref) == name && fr.mod.Decls[id.Ref] == nil && fr.mod.Imports[id.Ref] == nil
	}
	return false
}

// ident looks a name up: locals first, then module declarations and imports.
func (fr *frame) ident(ref esb.Ref) Val {
	if v, ok := fr.env[ref]; ok {
		return v
	}
	return fr.e.refVal(fr.mod, ref)
}

// refVal is the value of a top-level name of module m (declaration or import).
func (e *Engine) refVal(m *index.Module, ref esb.Ref) Val {
	if imp := m.Imports[ref]; imp != nil && imp.Target.File == "" {
		if imp.Target.Package != "" || imp.Spec != "" {
			if imp.Name == "*" {
				return Val{Pkg: &PkgRef{Spec: imp.Spec, Path: []string{"*"}}}
			}
			return e.pkgVal(imp.Spec, imp.Name)
		}
	}
	b := e.Prog.ResolveRef(m, ref)
	switch {
	case b.Pkg != nil:
		if b.Pkg.Name == "*" {
			return Val{Pkg: &PkgRef{Spec: b.Pkg.Spec, Path: []string{"*"}}}
		}
		return e.pkgVal(b.Pkg.Spec, b.Pkg.Name)
	case b.Namespace != nil:
		return Val{Obj: e.namespaceObj(b.Namespace)}
	case b.Decl != nil:
		return e.declVal(b.Mod, b.Decl)
	}
	if imp := m.Imports[ref]; imp != nil {
		// A project import that leads nowhere we can read (a re-export of a
		// generated, uncommitted client): judge it like a package import.
		if c := e.configured(imp.Name, imp.Spec); c.Kind != libs.None || c.F != 0 {
			return c
		}
		return e.pkgVal(imp.Spec, imp.Name)
	}
	return e.configured(m.SymbolName(ref), "")
}

// namespaceObj lazily exposes a module's exports as object fields.
func (e *Engine) namespaceObj(m *index.Module) map[string]Val {
	out := map[string]Val{}
	for _, name := range m.ExportOrder {
		b := e.Prog.ResolveExport(m, name, 0)
		if b.Decl != nil {
			out[name] = e.declVal(b.Mod, b.Decl)
		} else if b.Pkg != nil {
			out[name] = e.pkgVal(b.Pkg.Spec, b.Pkg.Name)
		}
	}
	return out
}

// declVal evaluates a top-level declaration once.
func (e *Engine) declVal(m *index.Module, d *index.Decl) Val {
	if v := e.declVals[d]; v != nil {
		return *v
	}
	if d.Fn != nil {
		v := Val{Fn: d.Fn, FnMod: m}
		if c := e.configured(d.Name, m.Rel); c.Kind != libs.None || c.F != 0 {
			c.Fn, c.FnMod = d.Fn, m
			v = c
		}
		e.declVals[d] = &v
		return v
	}
	if d.Class != nil {
		// UserService.find(id): a static method is a function of the project.
		v := Join(Val{Obj: methodVals(m, d.Class.Static)}, e.configured(d.Name, m.Rel))
		e.declVals[d] = &v
		return v
	}
	if e.declBusy[d] || d.Init == nil && len(d.Assigns) == 0 {
		return e.configured(d.Name, m.Rel)
	}
	e.declBusy[d] = true
	fr := e.newFrame(m)
	var rets []Ret
	fr.rets = &rets
	st := state{}
	var v Val
	if d.Init != nil {
		v = fr.eval(d.Init, &st)
		for _, p := range d.Path {
			v = fr.member(v, p, d.Loc)
		}
	}
	for _, a := range d.Assigns {
		v = Join(v, fr.eval(a, &st))
	}
	if c := e.configured(d.Name, m.Rel); c.Kind != libs.None || c.F != 0 {
		v = Join(c, v)
	}
	delete(e.declBusy, d)
	e.declVals[d] = &v
	return v
}

// methodVals are a class's methods as the fields of a value.
func methodVals(m *index.Module, fns map[string]*index.Func) map[string]Val {
	if len(fns) == 0 {
		return nil
	}
	out := make(map[string]Val, len(fns))
	for name, fn := range fns {
		out[name] = Val{Fn: fn, FnMod: m}
	}
	return out
}

// pkgVal is the value of a package import.
func (e *Engine) pkgVal(spec, name string) Val {
	if libs.IsGeneratedPrismaClient(spec) {
		spec = "@prisma/client"
	}
	v := Val{Pkg: &PkgRef{Spec: spec, Path: []string{name}}}
	if c := e.configured(name, spec); c.Kind != libs.None || c.F != 0 {
		c.Pkg = v.Pkg
		return c
	}
	if ex, ok := libs.Lookup(spec, name); ok {
		switch ex.Kind {
		case libs.SchemaNS:
			v.F |= Schema
		case libs.DBFunc:
			v.F |= DB
		case libs.Exit:
			v.F |= Exit
		}
		v.Kind, v.What = ex.Kind, ex.What
	}
	// A client imported from a package we cannot read (a workspace package
	// without sources, a generated client): trust conventional names.
	if v.Kind == libs.None && dbName(name) && dbSpec(spec) {
		v.F |= DB
	}
	return v
}

func dbName(n string) bool {
	switch n {
	case "prisma", "db", "database", "client", "sql", "prismaClient", "prismadb", "drizzle", "supabase", "supabaseAdmin", "kysely", "knex", "pool", "tx":
		return true
	}
	return false
}

func dbSpec(spec string) bool {
	s := strings.ToLower(spec)
	return strings.Contains(s, "prisma") || strings.Contains(s, "db") || strings.Contains(s, "drizzle") || strings.Contains(s, "database") ||
		strings.Contains(s, "supabase") || strings.Contains(s, "postgres") || strings.Contains(s, "sql")
}

// member is the value of base.name.
func (fr *frame) member(base Val, name string, loc esb.Loc) Val {
	v := fr.memberNode(base, name, loc)
	if roleName(name) && base.KeyedBy == nil && !base.Has(Client) && (base.Any(Caller|Auth) || fr.summary && (base.KeyParams != 0 || base.Params != 0)) {
		v.F |= Role
	}
	if credName(name) && (base.Any(Client|Request) || fr.summary && base.Params != 0 && !base.Any(Caller|Rows)) {
		// body.token, and in a helper the token field of what it is handed
		// ({ code, code_verifier } of a token request).
		v.F |= Cred
	}
	return v
}

// roleName: a field that holds a global role or admin flag.
func roleName(n string) bool {
	switch strings.ToLower(n) {
	case "role", "roles", "isadmin", "admin", "issuperadmin", "superadmin", "isstaff", "staff", "adminrole", "globalrole", "issuperuser", "superuser":
		return true
	}
	return false
}

// credName: a request field or header that carries a credential.
func credName(n string) bool {
	l := strings.ToLower(n)
	switch l {
	case "authorization", "apikey", "api-key", "api_key", "x-api-key", "token", "access_token", "accesstoken", "session", "sessiontoken",
		"session_token", "session-token", "publishablekey", "publishable_key", "x-dub-publishable-key", "bearer", "auth-token", "x-auth-token", "secret":
		return true
	}
	switch l {
	case "code", "otp", "nonce", "ticket", "magiclink", "password":
		// An OAuth authorization code, a one-time code or link, a password:
		// possessing it is what the caller proves.
		return true
	}
	return strings.HasSuffix(l, "-api-key") || strings.HasSuffix(l, "apikey") || strings.HasSuffix(l, "token") || strings.HasSuffix(l, "secret")
}

func (fr *frame) memberNode(base Val, name string, loc esb.Loc) Val {
	if base.OkMeansAuthed && name == "ok" {
		return Val{F: Auth}
	}
	if f, ok := base.Obj[name]; ok {
		return f
	}
	switch {
	case base.Has(Rows) && name == "data" && base.RowsAt != nil:
		// Supabase and similar clients resolve to { data, error }: data is the rows.
		return base
	case base.Pkg != nil && base.Chain == nil && !base.Any(DB|Effect):
		v := Val{Pkg: base.Pkg.member(name), F: base.F & Schema}
		if base.Kind == libs.SchemaNS {
			v.Kind = libs.SchemaNS
			v.F |= Schema
		}
		return v
	case base.Has(DB):
		v := Val{F: base.F & (DB | RLS), Model: base.Model, Kind: base.Kind}
		if v.Model == "" && !strings.HasPrefix(name, "$") {
			v.Model = name
		} else if base.Model != "" && name == "auth" {
			v.Model = ""
		}
		if name == "auth" && base.Kind == libs.DBFactory || name == "auth" && base.Has(RLS) {
			v.Model = "auth"
		}
		if base.RowsAt != nil {
			v.RowsAt = base.RowsAt
		}
		return v
	case base.Has(Effect):
		return Val{F: Effect, What: base.What, Kind: base.Kind}
	case base.Kind == kindAPIClient:
		return Val{Kind: kindAPIClient} // client.records
	case base.Has(AuthBox):
		v := Val{F: Caller, Params: base.Params}
		switch name {
		case "error":
			v.F = AuthErr
		case "data":
			v.F |= AuthBox
		case "protect":
			v = Val{Kind: libs.AuthGuard}
		case "redirectToSignIn":
			v = Val{F: Exit}
		default:
			v.F |= Auth
		}
		return v
	case base.Has(Auth):
		return Val{F: Auth | Caller, Params: base.Params}
	case base.Has(SafeResult):
		switch name {
		case "data":
			v := base.data()
			v.F &^= Validated
			if base.Has(Validated) {
				v.F |= Validated
			}
			return v
		case "success", "error":
			return Val{}
		}
	case base.Has(Request):
		switch name {
		case "json", "formData", "text", "arrayBuffer", "blob":
			// The method itself; calling it yields the body (see builtinCall).
			return Val{F: Client | Request, Origin: &Origin{ID: "request", Mod: fr.mod, Loc: loc, Root: "request body"}}
		case "method":
			return Val{}
		}
		if serverSetField[name] {
			// Set on the request by the app's own middleware (req.auth = {...}),
			// not sent by the client.
			return Val{}
		}
		id := "request." + name
		if base.Origin != nil && base.Origin.ID != "" {
			id = base.Origin.ID + "." + name // req.query.q of a Pages API route
		}
		return Val{F: Client | Request, Origin: &Origin{ID: id, Mod: fr.mod, Loc: loc, Root: "request." + name}}
	case base.Has(Response):
		return Val{F: Response}
	case base.RowsAt != nil && len(base.RowsAt.ScopedRels) > 0 && base.RowsAt.ChildRels[name] != nil:
		// team.datarooms, included under a team whose users were filtered by
		// the caller: the dataroom the client named exists under the
		// caller's team only if the list is not empty.
		fr.authorize(base.RowsAt.ChildRels[name], loc)
		return Val{F: base.F & (Caller | Auth)}
	case base.FieldOf != nil && base.KeyedBy != nil && hasString(base.FieldOf.ScopedRels, base.FieldName+"."+name):
		// doc.team.users, selected with a filter on the caller: the caller's
		// membership in the team of the document the client chose.
		fr.authorize(base.KeyedBy, loc)
		return Val{F: Caller | Auth}
	case base.RowsAt != nil && base.KeyedBy != nil && hasString(base.RowsAt.ScopedRels, name):
		// workspace.users where users was included filtered by the caller: the
		// membership of the caller in the row the client chose.
		fr.authorize(base.KeyedBy, loc)
		return Val{F: Caller | Auth}
	case base.Has(Rows) || base.KeyedBy != nil || base.KeyParams != 0:
		// A field of a row is not a row; remember which client value chose it,
		// also for projected rows (`select: { authorId: true }`).
		return Val{F: base.F & (Caller | Client | Auth), KeyedBy: base.KeyedBy, KeyParams: base.KeyParams, KeyField: base.KeyField, Params: base.Params &^ base.KeyParams, FieldOf: base.RowsAt, FieldName: name}
	case base.Has(Client) && serverSetField[name] && base.Origin != nil && (base.Origin.ID == "req" || base.Origin.ID == "request"):
		// req.auth / req.user on the request a wrapper passes: set by the app's
		// middleware from the session, not sent by the client.
		return Val{}
	case base.Any(Client | Caller | Env | Validated):
		v := base.data()
		v.F &^= Rows
		if base.Origin != nil && name != "" {
			id := name
			if base.Origin.ID != "" {
				id = base.Origin.ID + "." + name
			}
			v.Origin = &Origin{ID: id, Mod: base.Origin.Mod, Loc: base.Origin.Loc, Root: base.Origin.Root}
		}
		return v
	}
	if base.Params != 0 || base.KeyParams != 0 {
		v := base.data()
		if !base.Has(Member) {
			v.Field = name
		}
		v.F |= Member
		if urlField[name] {
			// request.url, request.nextUrl.pathname of a request the caller
			// passes: strings by construction, like headers.
			v.F |= Stringly
		}
		return v
	}
	return Val{}
}

// urlField names the parts of a request's URL.
var urlField = map[string]bool{"url": true, "nextUrl": true, "pathname": true, "href": true, "search": true, "origin": true, "host": true, "hostname": true}

// object evaluates an object literal into known fields.
func (fr *frame) object(x *esb.EObject, st *state) Val {
	out := Val{Obj: make(map[string]Val, len(x.Properties)), F: DTO}
	for i := range x.Properties {
		p := &x.Properties[i]
		if p.Kind == esb.PropertySpread {
			sv := fr.eval(&p.ValueOrNil, st)
			sv = resolveQuery(sv, false)
			for k, v := range sv.Obj {
				out.Obj[k] = v
			}
			out.F |= sv.F & (Client | Caller | Rows | Validated)
			out.Params |= sv.Params
			if out.Origin == nil {
				out.Origin = sv.Origin
			}
			if sv.Has(Rows) {
				out.F &^= DTO
				out.Model, out.RowsAt = sv.Model, sv.RowsAt
			}
			continue
		}
		name := ""
		if s, ok := p.Key.Data.(*esb.EString); ok {
			name = index.String(s.Value)
		} else if p.Flags&esb.PropertyIsComputed != 0 {
			fr.eval(&p.Key, st)
		}
		if p.ValueOrNil.Data == nil {
			continue
		}
		if p.Kind == esb.PropertyMethod || p.Kind == esb.PropertyGetter || p.Kind == esb.PropertySetter {
			out.Obj[name] = Val{Fn: fr.mod.FuncFromExpr(name, p.ValueOrNil), FnMod: fr.mod}
			continue
		}
		out.Obj[name] = resolveQuery(fr.eval(&p.ValueOrNil, st), false)
		if out.Obj[name].Has(Auth) {
			// `apiKey ? { apiKeyId: apiKey.id } : null`: an object built from the
			// identity stands for it.
			out.F |= Auth
		}
	}
	return out
}

// binary handles assignment, logical operators and comparisons.
func (fr *frame) binary(e *esb.Expr, x *esb.EBinary, st *state) Val {
	switch x.Op {
	case esb.BinOpAssign, esb.BinOpNullishCoalescingAssign, esb.BinOpLogicalOrAssign, esb.BinOpLogicalAndAssign:
		v := fr.eval(&x.Right, st)
		v = resolveQuery(v, false)
		switch t := x.Left.Data.(type) {
		case *esb.EIdentifier:
			if x.Op == esb.BinOpAssign {
				fr.env[t.Ref] = v
			} else {
				fr.env[t.Ref] = Join(fr.ident(t.Ref), v)
			}
			fr.assigned = append(fr.assigned, t.Ref)
		case *esb.EDot:
			if id, ok := t.Target.Data.(*esb.EIdentifier); ok {
				if old, ok := fr.env[id.Ref]; ok {
					nv := old
					nv.Obj = map[string]Val{}
					for k, f := range old.Obj {
						nv.Obj[k] = f
					}
					nv.Obj[t.Name] = v
					fr.env[id.Ref] = nv
				}
			}
		}
		return v
	case esb.BinOpLogicalOr, esb.BinOpNullishCoalescing:
		l := fr.eval(&x.Left, st)
		r := fr.eval(&x.Right, st)
		return Join(l, r)
	case esb.BinOpLogicalAnd:
		l := fr.eval(&x.Left, st)
		rs := *st
		if c := fr.cond(&x.Left, st); c.pos {
			rs.authed = true
		}
		if bit, field, negated, ok := fr.paramTest(&x.Left); ok && !negated {
			rs.guard(bit, field) // includeBounties && { bounties: await … }
		}
		r := fr.eval(&x.Right, &rs)
		out := Join(l, r)
		return out
	case esb.BinOpStrictEq, esb.BinOpStrictNe, esb.BinOpLooseEq, esb.BinOpLooseNe:
		l := fr.eval(&x.Left, st)
		r := fr.eval(&x.Right, st)
		fr.compare(e, l, r)
		out := compareVal(l, r)
		if fr.credentialCheck(l, r) || fr.credentialCheck(r, l) {
			// validPassword = password === link.password: true only for a
			// caller who holds the record's secret.
			if x.Op == esb.BinOpStrictEq || x.Op == esb.BinOpLooseEq {
				out.F |= Auth
			} else {
				out.F |= AuthErr
			}
		}
		if l.HasStr && r.HasStr && !l.Has(Client) && !r.Has(Client) {
			// Known strings: a known boolean (isDev = NODE_ENV === "development").
			eq := x.Op == esb.BinOpStrictEq || x.Op == esb.BinOpLooseEq
			if (l.Str == r.Str) == eq {
				out.Truthy = true
			} else {
				out.Falsy = true
			}
			out.Known = true
		}
		return out
	case esb.BinOpComma:
		fr.eval(&x.Left, st)
		return fr.eval(&x.Right, st)
	}
	l := fr.eval(&x.Left, st)
	r := fr.eval(&x.Right, st)
	out := Join(l.data(), r.data())
	out.F &^= Rows
	return out
}

// compare records owner checks: a row field chosen by a client value compared
// with the caller's identity ties that value to the caller.
func (fr *frame) compare(e *esb.Expr, l, r Val) {
	for _, pair := range [][2]Val{{l, r}, {r, l}} {
		subj, against := pair[0], pair[1]
		if !(against.Has(Caller) || against.Params != 0) {
			continue
		}
		// In a helper, a field of a parameter (canViewReport(auth, report):
		// report.userId) is what the caller passes: a row it loaded by a
		// client id, or the client value itself.
		if subj.KeyedBy != nil || subj.KeyParams != 0 || subj.Has(Client) && subj.Origin != nil || fr.summary && subj.Params != 0 && (subj.Params&against.Params == 0 || subj.Field != "" && against.Field != "" && subj.Field != against.Field) {
			fr.facts.AuthzPairs = append(fr.facts.AuthzPairs, AuthzPair{Subject: subj, Against: against, Site: fr.site(e.Loc)})
			if against.Has(Caller) {
				if subj.KeyedBy != nil {
					fr.authorize(subj.KeyedBy, e.Loc)
				}
				if subj.Origin != nil && subj.Has(Client) {
					fr.authorize(subj.Origin, e.Loc)
				}
			}
		}
	}
}

func (fr *frame) authorize(o *Origin, loc esb.Loc) {
	if o == nil {
		return
	}
	// Once checked against the caller, the value identifies something the
	// caller may act on: what is derived from it from here on is caller-derived
	// (an emailAccountId verified in middleware scopes every later query).
	for ref, v := range fr.env {
		if v.Origin != nil && v.Has(Client) && (v.Origin.ID == o.ID || v.Origin.Root == o.Root && o.Root != "") ||
			v.KeyedBy != nil && (v.KeyedBy.ID == o.ID || v.KeyedBy.Root == o.Root && o.Root != "") {
			v.F |= Caller
			fr.env[ref] = v
		}
	}
	if _, ok := fr.facts.Authorized[o.ID]; !ok {
		fr.facts.Authorized[o.ID] = fr.site(loc)
	}
	if _, ok := fr.facts.Authorized[o.Root]; !ok && o.Root != "" {
		fr.facts.Authorized["root:"+o.Root] = fr.site(loc)
	}
}

// resolveQuery turns a query builder into what awaiting it yields.
func resolveQuery(v Val, returning bool) Val {
	if v.RowsAt == nil || !v.Has(DB) {
		return v
	}
	q := v.RowsAt
	out := Val{Model: q.Model, RowsAt: q}
	if q.Whole && !q.Projected {
		out.F |= Rows
	}
	if q.Filter.Any(Caller | Cred) {
		// A row looked up by the caller's identity exists only for a real caller
		// (getUser() reading the user by the verified session id), and one looked
		// up by a presented credential (a hashed API key, a session token) is the
		// principal that credential belongs to: testing either authenticates.
		out.F |= Caller | Auth
	}
	// Keyed by the parameters its filter holds, or by those that chose the
	// row a filter value was read from (the organization of the workspace
	// named by the parameter).
	out.KeyParams = q.Filter.Params | q.Filter.KeyParams
	out.KeyField = q.Filter.Field
	out.KeyedBy = q.IDOrigin
	if out.KeyedBy == nil && q.Filter.Has(Client) {
		out.KeyedBy = q.Filter.Origin
	}
	if out.KeyedBy == nil && q.Filter.KeyedBy != nil {
		// Looked up by a field of a row the client chose (the website of the
		// share named in the URL): whose it is follows that choice.
		out.KeyedBy = q.Filter.KeyedBy
	}
	return out
}

// compareVal is the value of a comparison: gateable when an auth result is
// compared, a secret check when the caller's input is compared with a server
// secret (directly, or through parameters resolved at the call site).
func compareVal(l, r Val) Val {
	authFlags := (l.F | r.F) & (Auth | AuthErr)
	l, r = l.deep(), r.deep()
	out := Val{F: Cmp | authFlags, Params: l.Params | r.Params}
	if l.Has(Env) || r.Has(Env) {
		out.F |= Env
	}
	if l.Has(Caller) || r.Has(Caller) {
		out.F |= Caller
	}
	if l.Has(Client) || r.Has(Client) {
		out.F |= Client
	}
	if l.Has(Env) && r.Has(Client) || r.Has(Env) && l.Has(Client) {
		out.F |= Secret
	}
	return out
}

// serverSetField are request properties that middleware sets from the session,
// never parsed from the wire.
var serverSetField = map[string]bool{"auth": true, "user": true, "session": true, "userId": true, "logger": true, "ctx": true,
	"context": true, "locals": true, "requestId": true, "emailAccountId": true, "accountId": true, "workspace": true, "team": true, "org": true, "organization": true}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// envVar is process.env[name]: a server secret, or deployment configuration.
func envVar(name string) Val {
	if name == "NODE_ENV" {
		// Deployed code runs with NODE_ENV=production (next build / next
		// start set it): dev-only branches are not a door.
		return Val{F: Env, Str: "production", HasStr: true}
	}
	return Val{F: Env}
}
