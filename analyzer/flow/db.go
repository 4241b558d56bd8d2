package flow

import (
	"sort"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/libs"
)

// dbCall handles a method call on a database client, model or query builder.
func (fr *frame) dbCall(obj Val, method string, e *esb.Expr, x *esb.ECall, args []Val, st *state, site Site) Val {
	switch method {
	case "ping", "$connect", "$disconnect", "connect", "disconnect", "quit", "destroy", "close", "end",
		"on", "once", "off", "addListener", "removeListener", "removeAllListeners", "$on":
		// Connection management, event listeners (client.on("error", …)) and
		// liveness probes (redis.ping()) read no data.
		return Val{}
	case "$extends":
		// new PrismaClient().$extends(ext): the same client, with extensions.
		if obj.RowsAt == nil {
			return Val{F: obj.F & (DB | RLS), Model: obj.Model, Kind: obj.Kind}
		}
	}
	q := obj.RowsAt
	if q == nil || method == "then" {
		if method == "then" && q != nil {
			v := resolveQuery(obj, false)
			if len(args) > 0 && args[0].Fn != nil {
				return fr.inline(args[0].Fn, []Val{v}, st)
			}
			return v
		}
		if method == "$transaction" || method == "transaction" {
			var out Val
			for _, a := range args {
				if a.Fn != nil {
					out = Join(out, fr.inline(a.Fn, []Val{{F: obj.F & (DB | RLS)}}, st))
				} else {
					out = Join(out, a)
				}
			}
			return out
		}
		if obj.Model == "auth" {
			return fr.supabaseAuth(method, site, st)
		}
		q = &Query{Site: site, Desc: fr.calleeText(x.Target), Model: obj.Model, RLS: obj.Has(RLS), Authed: st.authed, Priv: st.priv, Guards: st.guards, FieldGuards: st.fieldGuards}
		fr.facts.Queries = append(fr.facts.Queries, q)
		fr.facts.Ops = append(fr.facts.Ops, &Op{Site: site, Desc: q.Desc, What: "queries the database", Authed: st.authed})
	} else {
		q.Desc = fr.calleeText(x.Target)
		q.End = site.End
	}
	fr.applyMethod(q, obj, method, x, args)
	// Callbacks of query helpers (Drizzle `where: (t, { eq }) => eq(t.id, id)`).
	for _, a := range args {
		if a.Fn != nil {
			r := fr.inline(a.Fn, []Val{{}, {}}, st)
			q.Filter = Join(q.Filter, r)
		}
	}
	for _, a := range args {
		fr.useLeaves(site, q.Desc, a, 0, st.priv)
	}
	if q.Write {
		fr.markWrite(q)
	}
	if fr.summary {
		fr.facts.Filtered |= q.Filter.Params
	}
	if q.Filter.Has(Cred) {
		// Looking up who a presented credential belongs to is the
		// authentication itself, not an unauthenticated read.
		q.Authed = true
		for _, op := range fr.facts.Ops {
			if op.Site.Loc == q.Site.Loc && op.Site.Mod == q.Site.Mod {
				op.Authed = true
			}
		}
	}
	if q.Filter.Has(Client) && q.Filter.Has(Caller) {
		fr.authorize(q.IDOrigin, site.Loc)
		fr.authorize(q.Filter.Origin, site.Loc)
	}
	if fr.summary && q.Filter.Has(Caller) {
		// In a helper: an id from a parameter (a header the wrapper read) that
		// a query scoped to the caller found is the caller's from here on,
		// as authorize does for client values in an entry point.
		for _, ref := range q.idRefs {
			if v, ok := fr.env[ref]; ok && v.Params != 0 && !v.Has(Caller) {
				v.F |= Caller
				fr.env[ref] = v
			}
		}
	}
	if q.Filter.Has(Caller) && q.Filter.KeyedBy != nil {
		// A membership query on the parent of a row the client chose
		// (organizationId read from the survey, checked against the user)
		// ties that row to the caller.
		fr.authorize(q.Filter.KeyedBy, site.Loc)
	}
	return Val{F: obj.F & (DB | RLS), Model: q.Model, RowsAt: q, Kind: obj.Kind}
}

func (fr *frame) markWrite(q *Query) {
	for _, op := range fr.facts.Ops {
		if op.Site.Loc == q.Site.Loc && op.Site.Mod == q.Site.Mod {
			op.What = "writes to the database"
		}
	}
}

// supabaseAuth handles `supabase.auth.X()`.
func (fr *frame) supabaseAuth(method string, site Site, st *state) Val {
	switch libs.SupabaseAuthMembers[method] {
	case libs.AuthBox:
		fr.facts.AuthCalls = append(fr.facts.AuthCalls, &AuthCall{Site: site, Name: "supabase.auth." + method})
		fr.facts.SessionAuth = true
		return Val{F: AuthBox}
	case libs.AuthUntrusted:
		fr.facts.Untrusted = append(fr.facts.Untrusted, &AuthCall{Site: site, Name: "supabase.auth." + method})
		return Val{F: Untrusted}
	case libs.SignIn:
		fr.facts.SignIn = true
	case libs.SignInCallback:
		fr.facts.SignInCallback = true
	}
	return Val{}
}

// applyMethod folds one chained method into the query it builds.
func (fr *frame) applyMethod(q *Query, obj Val, method string, x *esb.ECall, args []Val) {
	if libs.WriteMethods[method] {
		q.Write = true
	}
	switch method {
	case "create", "createMany", "createManyAndReturn", "insert", "insertInto", "insertOne", "insertMany", "values", "upsert":
		q.Create = true
	}
	// Prisma-style: one options object with where/data/select.
	if q.Model != "" && (libs.PrismaReads[method] || libs.PrismaWrites[method]) && len(x.Args) > 0 {
		if o, ok := x.Args[0].Data.(*esb.EObject); ok && len(args) > 0 {
			fr.prismaArgs(q, o, args[0])
			if libs.PrismaRowMethods[method] {
				q.Whole = true
			}
			return
		}
		if len(args) > 0 && args[0].Obj != nil {
			// The options object was built in a variable first.
			prismaArgsVal(q, args[0])
			if libs.PrismaRowMethods[method] {
				q.Whole = true
			}
			return
		}
		if len(args) > 0 && args[0].Params != 0 && args[0].Obj == nil {
			// A helper passing its caller's options through
			// (findBoard(criteria) → findUnique(criteria)): the caller's where
			// selects the rows.
			p := args[0].Params
			q.Filter = Join(q.Filter, Val{F: Member, Params: p, Field: "where"})
			q.IDParams |= p
			return
		}
	}
	if q.Model != "" && libs.PrismaRowMethods[method] && len(x.Args) == 0 {
		q.Whole = true
	}
	if (q.Model == "" || q.Model == method) && kvKeyMethods[method] && len(x.Args) > 0 && len(args) > 0 {
		// Key-value stores (Redis, KV): the first argument is the key that
		// selects the entry.
		fr.addFilter(q, x.Args[0], args[0], "")
		if method == "set" || method == "hset" || method == "setex" || method == "del" || method == "incr" || method == "expire" {
			q.Write = true
		}
		return
	}
	switch method {
	case "select":
		if len(x.Args) == 0 {
			q.Whole = true
		} else if s, ok := x.Args[0].Data.(*esb.EString); ok {
			if strings.TrimSpace(index.String(s.Value)) == "*" {
				q.Whole = true
			} else {
				q.Projected = true
			}
		} else {
			q.Projected = true
		}
		return
	case "selectAll":
		q.Whole = true
		return
	case "returning":
		if len(x.Args) == 0 {
			q.Whole = true
		} else {
			q.Projected = true
		}
		return
	case "from", "update", "delete", "insert", "insertInto", "updateTable", "deleteFrom", "selectFrom", "getRepository", "collection", "model":
		if len(x.Args) > 0 {
			if m := fr.modelName(x.Args[0]); m != "" {
				q.Model = m
			}
		}
		if method == "from" && q.Model != "" && !q.Projected && !q.Whole && strings.HasSuffix(q.Desc, "from") {
			// Supabase `from('t')` alone selects nothing yet.
		}
		return
	case "findMany", "findFirst":
		// Drizzle relational queries: db.query.users.findMany({ columns, where }).
		q.Whole = true
		if len(x.Args) > 0 {
			if o, ok := x.Args[0].Data.(*esb.EObject); ok {
				fr.prismaArgs(q, o, args[0])
			}
		}
		return
	case "values", "set":
		for i, a := range args {
			q.Data = Join(q.Data, a.deep())
			if method == "values" && i < len(x.Args) {
				fr.parentRefs(q, x.Args[i], a, 0)
			}
		}
		return
	case "query", "execute", "$queryRawUnsafe", "$executeRawUnsafe", "raw", "unsafe":
		if len(x.Args) > 0 {
			if s, ok := x.Args[0].Data.(*esb.EString); ok && selectStar(index.String(s.Value)) {
				q.Whole = true
			}
		}
		for _, a := range args {
			q.Filter = Join(q.Filter, a.deep())
		}
		return
	}
	if libs.FilterMethods[method] {
		n := len(args)
		if libs.FirstArgFilter[method] && n > 1 {
			n = 1
			if method == "find" || method == "findOne" || method == "findById" {
				if len(x.Args) > 1 {
					q.Projected = true
				}
			}
		}
		if method == "find" || method == "findOne" || method == "findById" || method == "findOneBy" || method == "findBy" {
			q.Whole = q.Whole || !q.Projected
		}
		key := ""
		if method == "findById" || method == "findByIdAndUpdate" || method == "findByIdAndDelete" || method == "findByIdAndRemove" {
			key = "id"
		}
		if (method == "eq" || method == "match" || method == "in" || method == "is" || method == "neq") && len(x.Args) > 1 {
			if s, ok := x.Args[0].Data.(*esb.EString); ok {
				key = index.String(s.Value)
			}
		}
		for i := 0; i < n; i++ {
			if key != "" && i == 0 && len(x.Args) > 1 {
				continue // the column name
			}
			fr.addFilter(q, x.Args[i], args[i], key)
		}
		if method == "where" && len(x.Args) >= 3 {
			// Kysely: where('id', '=', id)
			if s, ok := x.Args[0].Data.(*esb.EString); ok && args[2].Has(Client) && idLike(index.String(s.Value)) && q.IDOrigin == nil {
				q.IDOrigin = args[2].Origin
			}
		}
		return
	}
	if libs.WriteMethods[method] {
		for _, a := range args {
			q.Data = Join(q.Data, a.deep())
		}
		// TypeORM repo.update(id, data) / repo.delete(id).
		if len(args) > 0 && (method == "update" || method == "delete" || method == "remove") && args[0].Has(Client) {
			fr.addFilter(q, x.Args[0], args[0], "id")
		}
	}
}

// prismaArgs reads a Prisma-style options object.
func (fr *frame) prismaArgs(q *Query, o *esb.EObject, v Val) {
	for i := range o.Properties {
		p := &o.Properties[i]
		s, ok := p.Key.Data.(*esb.EString)
		if !ok || p.ValueOrNil.Data == nil {
			continue
		}
		val := v.Obj[index.String(s.Value)]
		switch index.String(s.Value) {
		case "where":
			fr.addFilter(q, p.ValueOrNil, val, "")
		case "data", "create", "update":
			q.Data = Join(q.Data, val.deep())
			if key := index.String(s.Value); key != "update" && q.Create {
				fr.parentRefs(q, p.ValueOrNil, val, 0)
			}
		case "select", "columns", "omit":
			q.Projected = true
			scopedRels(q, val)
		case "include", "with":
			scopedRels(q, val)
			includedRels(q, val)
		}
	}
}

// addFilter records a filter expression, noting client values that select by
// an identifier (id, postId, slug).
func (fr *frame) addFilter(q *Query, e esb.Expr, v Val, key string) {
	d := v.deep()
	q.Filter = Join(q.Filter, d)
	if fr.summary {
		q.idRefs = append(q.idRefs, idRefs(e, key, 0)...)
	}
	if d.Params != 0 {
		q.IDParams |= idParams(e, v, key, 0)
	}
	if q.IDOrigin != nil || !d.Has(Client) {
		return
	}
	if o := fr.idOrigin(e, v, key, 0); o != nil {
		q.IDOrigin = o
	}
}

// idOrigin finds a client value under an identifier key inside a filter.
func (fr *frame) idOrigin(e esb.Expr, v Val, key string, depth int) *Origin {
	if depth > 8 {
		return nil
	}
	if o, ok := e.Data.(*esb.EObject); ok {
		for i := range o.Properties {
			p := &o.Properties[i]
			if p.Kind == esb.PropertySpread {
				sv := v.deep()
				if sv.Has(Client) && sv.Origin != nil && idLike(sv.Origin.ID) {
					return sv.Origin
				}
				continue
			}
			s, ok := p.Key.Data.(*esb.EString)
			if !ok || p.ValueOrNil.Data == nil {
				continue
			}
			k := index.String(s.Value)
			fv := v.Obj[k]
			nextKey := k
			if k == "AND" || k == "OR" || k == "equals" || k == "in" || k == "some" || k == "every" || k == "is" || k == "$in" || k == "$eq" {
				nextKey = key
			}
			if got := fr.idOrigin(p.ValueOrNil, fv, nextKey, depth+1); got != nil {
				return got
			}
		}
		return nil
	}
	if call, ok := e.Data.(*esb.ECall); ok && len(call.Args) >= 2 {
		// Drizzle eq(posts.id, id): the column names the key.
		col := ""
		if d, ok := call.Args[0].Data.(*esb.EDot); ok {
			col = d.Name
		}
		if col != "" && idLike(col) && v.Has(Client) {
			return v.Origin
		}
		if col == "" && v.Has(Client) && v.Origin != nil && idLike(v.Origin.ID) {
			return v.Origin
		}
		return nil
	}
	d := v.deep()
	if !d.Has(Client) || d.Origin == nil {
		return nil
	}
	if (key != "" && idLike(key)) || (key == "" && idLike(d.Origin.ID)) {
		return d.Origin
	}
	return nil
}

// modelName names a table from a Drizzle table object or a string.
func (fr *frame) modelName(e esb.Expr) string {
	switch x := e.Data.(type) {
	case *esb.EString:
		return index.String(x.Value)
	case *esb.EIdentifier:
		return fr.mod.SymbolName(x.Ref)
	case *esb.EImportIdentifier:
		return fr.mod.SymbolName(x.Ref)
	case *esb.EDot:
		return x.Name
	}
	return ""
}

func selectStar(sql string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(sql), " "))
	return strings.Contains(s, "select *") || strings.Contains(s, "returning *") || strings.Contains(s, ".*")
}

// livenessProbe reports whether a query only checks that the database answers
// (SELECT 1, SELECT NOW(), SELECT version()).
func livenessProbe(sql string) bool {
	s := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sql), ";")))
	switch s {
	case "select 1", "select 1 as ok", "select 1 as result", "select now()", "select version()", "select 1+1", "select 1 + 1":
		return true
	}
	return false
}

// taggedTemplate handles sql`...` tags of database clients.
func (fr *frame) taggedTemplate(e *esb.Expr, x *esb.ETemplate, st *state) Val {
	tag := fr.eval(&x.TagOrNil, st)
	var parts Val
	for i := range x.Parts {
		parts = Join(parts, fr.eval(&x.Parts[i].Value, st).deep())
	}
	if !tag.Has(DB) && tag.Kind != libs.ORMHelper {
		if tag.Pkg != nil {
			if ex, ok := libs.Lookup(tag.Pkg.Spec, tag.Pkg.Path[0]); ok && (ex.Kind == libs.ORMHelper || ex.Kind == libs.DBFunc) {
				if ex.Kind == libs.ORMHelper {
					return parts // drizzle sql`` fragment: its values flow into the query
				}
			} else {
				return parts
			}
		} else {
			return parts
		}
	}
	if tag.Kind == libs.ORMHelper {
		return parts
	}
	text := x.HeadRaw
	for _, p := range x.Parts {
		text += " ? " + p.TailRaw
	}
	if len(x.Parts) == 0 && livenessProbe(text) {
		// SELECT 1 in a health check reads no data and takes no input.
		return Val{}
	}
	site := Site{Mod: fr.mod, Loc: e.Loc}
	q := &Query{Site: site, Desc: fr.calleeText(x.TagOrNil) + "`…`", Authed: st.authed, Priv: st.priv, Guards: st.guards, Whole: selectStar(text), Filter: parts}
	low := strings.ToLower(text)
	q.Write = strings.Contains(low, "insert ") || strings.Contains(low, "update ") || strings.Contains(low, "delete ")
	if parts.Has(Client) && parts.Origin != nil {
		// `WHERE id = ${id}`: find the column before each placeholder.
		prev := x.HeadRaw
		for i := range x.Parts {
			pv := fr.peek(&x.Parts[i].Value, st)
			if pv.Has(Client) && idLike(lastWord(prev)) {
				q.IDOrigin = pv.Origin
				break
			}
			prev = x.Parts[i].TailRaw
		}
	}
	fr.facts.Queries = append(fr.facts.Queries, q)
	what := "queries the database"
	if q.Write {
		what = "writes to the database"
	}
	fr.facts.Ops = append(fr.facts.Ops, &Op{Site: site, Desc: q.Desc, What: what, Authed: st.authed})
	if parts.Has(Client) || parts.Params != 0 {
		fr.facts.Uses = append(fr.facts.Uses, &Use{Site: site, Val: parts, Sink: q.Desc})
	}
	if parts.Has(Client) && parts.Has(Caller) {
		fr.authorize(q.IDOrigin, e.Loc)
	}
	return Val{F: DB, RowsAt: q}
}

// lastWord returns the column before a placeholder: "where id = " → "id".
func lastWord(s string) string {
	s = strings.TrimRight(s, " \t\n=<>!(")
	s = strings.TrimRight(s, " \t\n")
	i := strings.LastIndexAny(s, " \t\n(.,\"`")
	return strings.Trim(s[i+1:], "\"`")
}

// prismaArgsVal reads Prisma options known only as a value (`const args =
// { where, select }; prisma.x.findUnique(args)`).
func prismaArgsVal(q *Query, v Val) {
	if w, ok := v.Obj["where"]; ok {
		d := w.deep()
		q.Filter = Join(q.Filter, d)
		if d.Has(Client) && d.Origin != nil && idLike(d.Origin.ID) && q.IDOrigin == nil {
			q.IDOrigin = d.Origin
		}
	}
	for _, k := range []string{"data", "create", "update"} {
		if d, ok := v.Obj[k]; ok {
			q.Data = Join(q.Data, d.deep())
		}
	}
	for _, k := range []string{"select", "omit"} {
		if s, ok := v.Obj[k]; ok {
			q.Projected = true
			scopedRels(q, s)
		}
	}
	if inc, ok := v.Obj["include"]; ok {
		scopedRels(q, inc)
		includedRels(q, inc)
	}
}

// includedRels records relations included whole (`include: { user: true }`,
// or a flag the caller sets): their rows ride along with the parent's.
func includedRels(q *Query, inc Val) {
	for name, rel := range inc.Obj {
		if _, ok := rel.Obj["select"]; ok {
			continue
		}
		if _, ok := rel.Obj["omit"]; ok {
			continue
		}
		if _, ok := rel.Obj["columns"]; ok {
			continue
		}
		q.Included = append(q.Included, name)
	}
	sort.Strings(q.Included)
}

// scopedRels records relations included with a filter on the caller: testing
// that such a relation is non-empty is a membership check of the parent row.
func scopedRels(q *Query, inc Val) {
	scopedRelsAt(q, inc, "", 0)
	sort.Strings(q.ScopedRels)
}

// scopedRelsAt records the relations below prefix (team.users of select: {
// team: { select: { users: { where: { userId } } } } }).
func scopedRelsAt(q *Query, inc Val, prefix string, depth int) {
	for name, rel := range inc.Obj {
		for _, k := range []string{"select", "include"} {
			if sub, ok := rel.Obj[k]; ok && depth < 3 {
				scopedRelsAt(q, sub, prefix+name+".", depth+1)
			}
		}
		w, ok := rel.Obj["where"]
		if !ok {
			continue
		}
		if prefix != "" {
			if w.deep().Has(Caller) {
				q.ScopedRels = append(q.ScopedRels, prefix+name)
			}
			continue
		}
		switch d := w.deep(); {
		case d.Has(Caller):
			q.ScopedRels = append(q.ScopedRels, name)
		case d.Has(Client) && d.Origin != nil:
			if q.ChildRels == nil {
				q.ChildRels = map[string]*Origin{}
			}
			q.ChildRels[name] = d.Origin
		}
	}
}

// parentRefs finds, in the data of a created record, an id-like field whose
// value the client chose (data: { projectId }, post: { connect: { id } }).
func (fr *frame) parentRefs(q *Query, e esb.Expr, v Val, depth int) {
	o, ok := e.Data.(*esb.EObject)
	if !ok || depth > 3 || q.ParentOrigin != nil {
		return
	}
	for i := range o.Properties {
		p := &o.Properties[i]
		s, ok := p.Key.Data.(*esb.EString)
		if !ok || p.ValueOrNil.Data == nil {
			continue
		}
		k := index.String(s.Value)
		fv := v.Obj[k]
		if k == "connect" || k == "connectOrCreate" {
			if c, ok := fv.Obj["id"]; ok && c.Has(Client) && !c.Has(Caller) && c.Origin != nil {
				q.ParentOrigin, q.ParentKey = c.Origin, "id"
				return
			}
		}
		if _, nested := p.ValueOrNil.Data.(*esb.EObject); nested {
			fr.parentRefs(q, p.ValueOrNil, fv, depth+1)
			continue
		}
		// The record's own id and slug name it, not a parent (data: { slug }).
		if k != "id" && k != "slug" && idLike(k) && fv.Has(Client) && !fv.Has(Caller) && fv.Origin != nil {
			q.ParentOrigin, q.ParentKey = fv.Origin, k
			return
		}
	}
}

// kvKeyMethods are key-value store methods whose first argument is the key.
var kvKeyMethods = map[string]bool{"get": true, "set": true, "setex": true, "del": true, "exists": true, "incr": true, "expire": true,
	"hget": true, "hset": true, "hgetall": true, "mget": true, "getdel": true, "ttl": true}

// idParams is idOrigin for a summary: which parameters select by an
// identifier key (a helper's where: { id }).
// idRefs lists the variables a filter expression uses as identifiers
// ({ id: accountId }, { accountId }).
func idRefs(e esb.Expr, key string, depth int) []esb.Ref {
	if depth > 4 {
		return nil
	}
	switch x := e.Data.(type) {
	case *esb.EObject:
		var out []esb.Ref
		for i := range x.Properties {
			p := &x.Properties[i]
			s, ok := p.Key.Data.(*esb.EString)
			if !ok || p.ValueOrNil.Data == nil {
				continue
			}
			out = append(out, idRefs(p.ValueOrNil, index.String(s.Value), depth+1)...)
		}
		return out
	case *esb.EIdentifier:
		if idLike(key) {
			return []esb.Ref{x.Ref}
		}
	}
	return nil
}

func idParams(e esb.Expr, v Val, key string, depth int) uint64 {
	if depth > 8 {
		return 0
	}
	switch x := e.Data.(type) {
	case *esb.EObject:
		var out uint64
		for i := range x.Properties {
			p := &x.Properties[i]
			s, ok := p.Key.Data.(*esb.EString)
			if !ok || p.ValueOrNil.Data == nil {
				continue
			}
			k := index.String(s.Value)
			next := k
			if k == "AND" || k == "OR" || k == "equals" || k == "in" || k == "some" || k == "every" || k == "is" || k == "$in" || k == "$eq" {
				next = key
			}
			out |= idParams(p.ValueOrNil, v.Obj[k], next, depth+1)
		}
		return out
	case *esb.ECall:
		if len(x.Args) >= 2 {
			if d, ok := x.Args[0].Data.(*esb.EDot); ok && idLike(d.Name) {
				return v.deep().Params
			}
		}
		return 0
	}
	if key != "" && idLike(key) {
		return v.deep().Params
	}
	return 0
}
