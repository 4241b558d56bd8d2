package rules

import (
	"regexp"
	"sort"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:    "mass-assignment",
			Name:  "MassAssignment",
			Short: "Client input is written into a database row whole, or sets ownership/role fields",
			Full: "A create or update writes a client-controlled object as a whole (`data: body`, `data: { ...input }`, " +
				"`.values(body)`, `.set(body)`, Supabase `.insert(body)`), so the caller decides which columns are set, " +
				"or writes an ownership or privilege field (`userId`, `ownerId`, `orgId`, `role`, `isAdmin`, `plan`, " +
				"`credits`) from a client value. Anyone can then create records in another user's name or grant " +
				"themselves privileges (mass assignment). A whole object parsed by a Zod or Valibot object schema whose " +
				"fields include none of those is not reported.",
			Severity:         result.Error,
			SecuritySeverity: 8.1,
			Precision:        "high",
			CWE:              []string{"CWE-915"},
			Tags:             []string{"mass-assignment", "authorization"},
		},
		CheckEntry: checkMassAssignment,
	})
}

// ownerKeyRE and privilegeKeyRE name the columns a caller must never choose.
var (
	ownerKeyRE     = regexp.MustCompile(`(?i)^(user|owner|author|creator|created_?by|org|organization|organisation|team|workspace)(_?id)?$`)
	privilegeKeyRE = regexp.MustCompile(`(?i)^((is_?)?(admin|super_?user|super_?admin|staff|moderator)|roles?|(user_?)?role_?id|permissions?|scopes?|plan(_?id)?|tier|credits?|balance|(is_?)?(email_?)?verified(_?at)?|stripe_?customer_?id|subscription(_?(id|status|tier|plan))?|access_?level)$`)
)

func massSensitiveKey(k string) (kind string, ok bool) {
	switch {
	case ownerKeyRE.MatchString(k):
		return "owner", true
	case privilegeKeyRE.MatchString(k):
		return "privilege", true
	}
	return "", false
}

func checkMassAssignment(p *Pass) {
	f := p.Facts
	if f == nil || f.Facts == nil || p.Entry.Fn == nil {
		return
	}
	ma := &massCheck{p: p, prog: p.Program, calls: map[*index.Module]map[int32][]*esb.ECall{}, reported: map[string]bool{}}
	var entryEv *shapeEval
	seen := map[flow.Site]bool{}
	for _, q := range f.Queries {
		// q.Data is not required to hold client input: the analysis does not
		// record the row of Supabase `.insert(x)`/`.update(x)`; the evaluator
		// below decides from the entry's parameters.
		if !q.Write || seen[q.Site] || q.Mod == nil {
			continue
		}
		seen[q.Site] = true
		if entryEv == nil {
			entryEv = ma.entryEvaluator()
		}
		ma.query(q, entryEv)
	}
}

type massCheck struct {
	p        *Pass
	prog     *index.Program
	calls    map[*index.Module]map[int32][]*esb.ECall
	reported map[string]bool
}

// entryEvaluator binds the entry's parameters to what the analysis knows they
// hold (client input, the session context, a validated parsedInput).
func (ma *massCheck) entryEvaluator() *shapeEval {
	e := ma.p.Entry
	ev := newShapeEval(e.Fn.Mod, ma.prog)
	seeds := make([]*dataShape, len(e.Fn.Args))
	for i := range seeds {
		if i < len(ma.p.Facts.Params) {
			seeds[i] = shapeOfVal(ma.p.Facts.Params[i], 0)
		}
		if ma.p.Facts.Chain != nil && seeds[i] != nil && seeds[i].keys != nil {
			// An action client's ctx is what its middleware put there (the
			// session user, a workspace the membership check returned).
			delete(seeds[i].keys, "ctx")
		}
	}
	if sch := wrapperSchema(e.Wrapper, e.WrapperMod); sch != nil {
		for _, s := range seeds {
			attachWrapperSchema(s, sch, 0)
		}
	}
	ev.run(e.Fn, seeds)
	return ev
}

// attachWrapperSchema records the wrapper's schema on the validated client values it
// produced (parsedInput, input, or a validated parameter).
func attachWrapperSchema(s *dataShape, sch *schemaRef, depth int) {
	if s == nil || depth > 3 {
		return
	}
	if s.client && s.validated && s.whole && s.schema == nil {
		s.schema = sch
	}
	for _, k := range s.keys {
		attachWrapperSchema(k, sch, depth+1)
	}
}

// query follows a write query from the entry through the helpers it happens
// in, down to the ORM call, evaluating each call's arguments in its module.
func (ma *massCheck) query(q *flow.Query, ev *shapeEval) {
	outer := q
	cur := q
	for depth := 0; cur != nil && depth < 5; depth++ {
		if cur.Mod == nil || cur.Mod.Rel != ev.m.Rel {
			return
		}
		calls := ma.callsAt(ev.m, cur.Loc.Start)
		if cur.Via == "" {
			for _, c := range calls {
				for _, cand := range ormWriteData(c) {
					ma.classify(outer, cur, c, cand, ev)
				}
			}
			return
		}
		call := pickHelperCall(ev.m, calls, cur.Via)
		if call == nil || cur.Inner == nil {
			return
		}
		fn := writeHelperFunc(ev, call, cur.Inner)
		if fn == nil {
			return
		}
		seeds := make([]*dataShape, len(fn.Args))
		for i := range seeds {
			if i < len(call.Args) {
				seeds[i] = ev.eval(call.Args[i], 0)
			}
		}
		next := newShapeEval(fn.Mod, ma.prog)
		next.run(fn, seeds)
		ev = next
		cur = cur.Inner
	}
}

// writeHelperFunc finds the function a helper call runs, in the module where the
// analysis found the inner query.
func writeHelperFunc(ev *shapeEval, call *esb.ECall, inner *flow.Query) *index.Func {
	im := inner.Mod
	switch t := call.Target.Data.(type) {
	case *esb.EIdentifier:
		if d := ev.m.Decls[t.Ref]; d != nil && d.Fn != nil && im == ev.m {
			return d.Fn
		}
	case *esb.EImportIdentifier:
		if imp := ev.m.Imports[t.Ref]; imp != nil && imp.Target.File == im.Rel {
			if ex := im.Exports[imp.Name]; ex != nil && ex.HasLocal {
				if d := im.Decls[ex.Local]; d != nil && d.Fn != nil {
					return d.Fn
				}
			}
		}
	}
	// Fall back to the top-level function that holds the inner query.
	var best *index.Func
	for _, d := range im.Decls {
		if d.Fn == nil || d.Fn.Mod != im || d.Fn.Body.Loc.Start > inner.Loc.Start {
			continue
		}
		if best == nil || d.Fn.Body.Loc.Start > best.Body.Loc.Start {
			best = d.Fn
		}
	}
	return best
}

// pickHelperCall chooses, among the calls that start at a site, the one to the helper.
func pickHelperCall(m *index.Module, calls []*esb.ECall, via string) *esb.ECall {
	last := via
	if i := strings.LastIndexAny(via, "."); i >= 0 {
		last = via[i+1:]
	}
	last = strings.TrimSuffix(last, "()")
	for _, c := range calls {
		if csrfCallee(m, c.Target) == last {
			return c
		}
	}
	if len(calls) > 0 {
		return calls[0]
	}
	return nil
}

// callsAt returns the calls whose expression starts at off (a chain
// `db.insert(t).values(x).returning()` has several).
func (ma *massCheck) callsAt(m *index.Module, off int32) []*esb.ECall {
	idx := ma.calls[m]
	if idx == nil {
		idx = map[int32][]*esb.ECall{}
		v := &astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
			if c, ok := e.Data.(*esb.ECall); ok {
				idx[e.Loc.Start] = append(idx[e.Loc.Start], c)
			}
			return true
		}}
		for pi := range m.AST.Parts {
			v.Stmts(m.AST.Parts[pi].Stmts)
		}
		ma.calls[m] = idx
	}
	return idx[off]
}

// ormWriteData returns the expressions an ORM write call writes as row data.
func ormWriteData(c *esb.ECall) []esb.Expr {
	d, ok := c.Target.Data.(*esb.EDot)
	if !ok || len(c.Args) == 0 {
		return nil
	}
	name := d.Name
	// Supabase: from('t').insert(x) / .update(x) / .upsert(x).
	if rc, ok := d.Target.Data.(*esb.ECall); ok {
		if rd, ok := rc.Target.Data.(*esb.EDot); ok && rd.Name == "from" {
			switch name {
			case "insert", "update", "upsert":
				return []esb.Expr{c.Args[0]}
			}
			return nil
		}
	}
	// Prisma: one options object with data / create / update.
	if o, ok := c.Args[0].Data.(*esb.EObject); ok {
		var out []esb.Expr
		for i := range o.Properties {
			p := &o.Properties[i]
			if k, ok := p.Key.Data.(*esb.EString); ok && p.ValueOrNil.Data != nil {
				switch index.String(k.Value) {
				case "data", "create", "update":
					out = append(out, p.ValueOrNil)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	switch name {
	case "values", "set":
		return []esb.Expr{c.Args[0]}
	case "onConflictDoUpdate", "onDuplicateKeyUpdate":
		if o, ok := c.Args[0].Data.(*esb.EObject); ok {
			for i := range o.Properties {
				p := &o.Properties[i]
				if k, ok := p.Key.Data.(*esb.EString); ok && index.String(k.Value) == "set" && p.ValueOrNil.Data != nil {
					return []esb.Expr{p.ValueOrNil}
				}
			}
		}
		return nil
	case "update", "updateOne", "updateMany", "findOneAndUpdate", "findByIdAndUpdate", "replaceOne", "findOneAndReplace":
		if len(c.Args) >= 2 {
			out := []esb.Expr{c.Args[1]}
			if o, ok := c.Args[1].Data.(*esb.EObject); ok {
				for i := range o.Properties {
					p := &o.Properties[i]
					if k, ok := p.Key.Data.(*esb.EString); ok && index.String(k.Value) == "$set" && p.ValueOrNil.Data != nil {
						out = []esb.Expr{p.ValueOrNil}
					}
				}
			}
			return out
		}
		if name == "update" {
			return []esb.Expr{c.Args[0]}
		}
	case "create", "createMany", "createManyAndReturn", "insert", "insertOne", "insertMany", "save", "upsert", "bulkCreate", "build":
		return []esb.Expr{c.Args[0]}
	}
	return nil
}

// classify reports what a data expression writes: a whole client object, a
// spread of one, or ownership/privilege fields from client values.
func (ma *massCheck) classify(outer, q *flow.Query, c *esb.ECall, cand esb.Expr, ev *shapeEval) {
	if outer.Priv || q.Priv {
		// An admin (global role) or a machine caller (cron secret, signed
		// webhook or queue message) may set any column.
		return
	}
	s := ev.eval(cand, 0)
	if s == nil || !s.client {
		return
	}
	desc := calleeSourceText(ev.m, c)
	if outer != q {
		desc = outer.Desc
	}
	if _, isObj := cand.Data.(*esb.EObject); !isObj && s.whole && s.keys == nil {
		ma.whole(outer, q, desc, srcPos{ev.m.File, cand.Loc.Start}, s, nil, false)
		return
	}
	if s.spread != nil {
		if s.spreadLoc.file == nil {
			s.spreadLoc = srcPos{ev.m.File, cand.Loc.Start}
		}
		ma.whole(outer, q, desc, s.spreadLoc, s.spread, s.after, true)
	}
	if s.dynamic != nil {
		if s.dynamicLoc.file == nil {
			s.dynamicLoc = srcPos{ev.m.File, cand.Loc.Start}
		}
		ma.report(outer, q, s.dynamicLoc, result.Warning,
			code(desc)+" writes a column whose name comes from the client ("+code(s.dynamic.origin)+"), so the caller picks which column to set: `role`, `userId`, `isAdmin` or anything else the table has (mass assignment), because "+entryExposure(ma.p.Entry)+".",
			"Write a fixed set of columns; if the client may choose among a few, check the name against an allowlist (`z.enum([\"title\", \"body\"])`) first.")
	}
	keys := make([]string, 0, len(s.keys))
	for k := range s.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.keys[k]
		if v == nil || !v.client {
			continue
		}
		kind, ok := massSensitiveKey(k)
		if !ok {
			if isNestedWriteKey(k) {
				if sub, ok := s.keyExprs[k]; ok {
					ma.nested(outer, q, desc, sub, ev)
				}
			}
			continue
		}
		if ma.authorized(v) {
			continue
		}
		if kind == "owner" && (ma.p.Facts.Unauth() != nil || !ma.p.Facts.Authenticated()) {
			// Without authentication there is no "someone else" to tell apart;
			// that is missing-auth's finding.
			continue
		}
		if kind == "privilege" && !ma.selfWrite(outer, s) {
			// Setting a role or plan on someone else's record (an invite, a
			// member's role) is an authorization question, not mass assignment.
			continue
		}
		loc := s.keyLocs[k]
		if loc.file == nil {
			loc = srcPos{ev.m.File, cand.Loc.Start}
		}
		var msg string
		if kind == "owner" {
			msg = code(desc) + " sets " + code(k) + " from " + code(v.originText()) + ", which the caller controls, so anyone can create or move records into another user's, team's or organisation's name (mass assignment), because " + entryExposure(ma.p.Entry) + ". Validation does not help: a valid id is still someone else's."
		} else {
			msg = code(desc) + " sets " + code(k) + " from " + code(v.originText()) + ", which the caller controls, so anyone can grant themselves that role, plan or balance (mass assignment), because " + entryExposure(ma.p.Entry) + "."
		}
		help := "Take " + code(k) + " from the session (`session.user.id`, `ctx.userId`) or from a record you loaded and checked, never from the request; if the caller may choose it (a team they belong to), verify membership first (`where: { id: teamId, members: { some: { userId } } }`)."
		ma.report(outer, q, loc, result.Error, msg, help)
	}
}

// selfWrite: the row written is the caller's own (an update selected only by
// caller-derived values, or a create that the server assigns to the caller),
// or the entry point is anonymous (a sign-up); a privilege field from the
// client then lets the caller grant it to themselves.
func (ma *massCheck) selfWrite(outer *flow.Query, s *dataShape) bool {
	if outer.Filter.F != 0 || outer.Filter.Params != 0 {
		return outer.Filter.Has(flow.Caller) && !outer.Filter.Has(flow.Client)
	}
	if !ma.p.Facts.Authenticated() || ma.p.Facts.SignIn || ma.p.Facts.SignInCallback {
		return true
	}
	for k, v := range s.keys {
		if subjectKeyRE.MatchString(k) && v != nil && v.client {
			// An invite for the email the client names, a membership for the
			// user it picks: the row is someone else's, whoever authored it.
			return false
		}
	}
	for k, v := range s.keys {
		if identityKeyRE.MatchString(k) && (v == nil || !v.client) {
			return true
		}
	}
	return false
}

var identityKeyRE = regexp.MustCompile(`(?i)^(user|owner|author|creator|created_?by)(_?id)?$`)

// subjectKeyRE names the principal a row is about (not who wrote it).
var subjectKeyRE = regexp.MustCompile(`(?i)^(email|user(_?id)?|member(_?id)?|invitee(_?(id|email))?|acceptor(_?id)?|recipient(_?id)?)$`)

func isNestedWriteKey(k string) bool {
	switch k {
	case "create", "createMany", "update", "updateMany", "upsert", "connectOrCreate", "data":
		return true
	}
	return false
}

// nested classifies a Prisma nested write (`posts: { create: body.posts }`).
func (ma *massCheck) nested(outer, q *flow.Query, desc string, e esb.Expr, ev *shapeEval) {
	o, ok := e.Data.(*esb.EObject)
	if !ok {
		s := ev.eval(e, 0)
		if s != nil && s.client && s.whole && s.keys == nil {
			ma.whole(outer, q, desc, srcPos{ev.m.File, e.Loc.Start}, s, nil, false)
		}
		return
	}
	for i := range o.Properties {
		p := &o.Properties[i]
		k, ok := p.Key.Data.(*esb.EString)
		if !ok || p.ValueOrNil.Data == nil || !isNestedWriteKey(index.String(k.Value)) {
			continue
		}
		s := ev.eval(p.ValueOrNil, 0)
		if s != nil && s.client && s.whole && s.keys == nil {
			ma.whole(outer, q, desc, srcPos{ev.m.File, p.ValueOrNil.Loc.Start}, s, nil, false)
		}
	}
}

// whole reports a whole client object written as row data, unless the schema
// that produced it is known to hold no ownership or privilege field.
func (ma *massCheck) whole(outer, q *flow.Query, desc string, loc srcPos, s *dataShape, after map[string]bool, spread bool) {
	how := "writes " + s.describe() + ", a client-controlled object, whole as row data"
	if spread {
		how = "spreads " + s.describe() + ", a client-controlled object, into the row data"
	}
	if s.validated && s.schema != nil {
		if keys, known := schemaKeys(s.schema, ma.prog, 0); known {
			var bad []string
			self := ma.selfWrite(outer, s)
			for k := range keys {
				kind, sens := massSensitiveKey(k)
				if !sens || after[k] || s.overrides[k] {
					continue
				}
				if kind == "privilege" && !self {
					// Setting someone else's role (a member, an invite) is an
					// authorization question, as for a single field.
					continue
				}
				if ma.authorizedField(k) {
					continue
				}
				bad = append(bad, k)
			}
			if len(bad) == 0 {
				return
			}
			sort.Strings(bad)
			msg := code(desc) + " " + how + ", and the schema that parsed it (" + code(s.schema.text()) + ") accepts " + codeJoin(bad) + ", so the caller sets " + map[bool]string{true: "them", false: "it"}[len(bad) > 1] + ": anyone can take over another user's records or grant themselves privileges (mass assignment), because " + entryExposure(ma.p.Entry) + "."
			help := "Remove " + codeJoin(bad) + " from the input schema (`.omit({ " + bad[0] + ": true })`) and set " + map[bool]string{true: "them", false: "it"}[len(bad) > 1] + " on the server from the session or from a record you checked; or list the columns explicitly in `data`."
			ma.report(outer, q, loc, result.Error, msg, help)
			return
		}
	}
	why := "it was not parsed by a schema, so it holds whatever keys the caller sends"
	if s.validated {
		why = "it was validated, but nextguard cannot tell which keys the schema lets through (a schema that keeps unknown keys, is built at run time, or comes from a package)"
	}
	fields := "such as `role`, `isAdmin`, `userId` or `credits`"
	if ma.p.SensitiveFields != nil && q.Model != "" {
		if fs, known := ma.p.SensitiveFields(q.Model); known && len(fs) > 0 {
			fields = "such as `role` or `userId`, or the model's " + codeJoin(fs)
		}
	}
	msg := code(desc) + " " + how + "; " + why + ". The caller chooses which columns are written and can add ones the form never shows, " + fields + " (mass assignment), because " + entryExposure(ma.p.Entry) + "."
	help := "Write only the fields the caller may change (`data: { title: input.title, body: input.body }`), or parse the input with a Zod object schema listing exactly those fields (Zod drops unknown keys) and set ownership fields from the session."
	ma.report(outer, q, loc, result.Warning, msg, help)
}

func codeJoin(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = code(x)
	}
	return strings.Join(out, ", ")
}

func (ma *massCheck) report(outer, q *flow.Query, loc srcPos, sev result.Severity, msg, help string) {
	d := Diagnostic{Message: msg, Help: help, Severity: sev}
	if outer != q {
		// The write happens in a helper: point at the call in the entry, and
		// at the write itself.
		start, end := siteDiag(outer.Site)
		d.File, d.Start, d.End = outer.Mod.File, start, end
		d.Related = append(d.Related, RelatedDiag{File: loc.file, Start: loc.off, End: loc.off, Message: "the write inside " + outer.Via})
	} else {
		d.File, d.Start, d.End = loc.file, loc.off, loc.off
	}
	key := d.File.Rel + ":" + fmtOffset(d.Start) + ":" + string(sev) + ":" + msg
	if ma.reported[key] {
		return
	}
	ma.reported[key] = true
	ma.p.Report(d)
}

func fmtOffset(n int32) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [12]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// authorized: the client value was checked against the caller (a membership
// query, an owner comparison) before the write.
func (ma *massCheck) authorized(v *dataShape) bool {
	if ma.authorizedField(v.field) || (v.origin != "" && ma.authorizedOrigin(v.origin)) {
		return true
	}
	// workspace: { connect: { id: workspaceId } }: the relation is set to the
	// record the ids inside name; authorized when every client one is.
	for _, rel := range []string{"connect", "connectOrCreate"} {
		conn := v.keys[rel]
		if conn == nil || len(conn.keys) == 0 {
			continue
		}
		if rel == "connectOrCreate" {
			conn = conn.keys["where"]
			if conn == nil || len(conn.keys) == 0 {
				continue
			}
		}
		all := true
		for _, id := range conn.keys {
			if id != nil && id.client && !ma.authorized(id) {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (ma *massCheck) authorizedOrigin(o string) bool {
	_, ok := ma.p.Facts.Authorized[o]
	return ok
}

func (ma *massCheck) authorizedField(field string) bool {
	if field == "" {
		return false
	}
	for k := range ma.p.Facts.Authorized {
		if k == field || strings.HasSuffix(k, "."+field) || strings.Contains(k, "'"+field+"'") {
			return true
		}
	}
	for _, a := range ma.p.Facts.AuthzPairs {
		if a.Against.Has(flow.Caller) && a.Subject.Origin != nil {
			id := a.Subject.Origin.ID
			if id == field || strings.HasSuffix(id, "."+field) || strings.Contains(id, "'"+field+"'") {
				return true
			}
		}
	}
	return false
}

// dataShape is what the rule knows about a value: whether the client controls it,
// whether it is a whole object with keys the caller chooses, the schema that
// produced it, and the fields of object literals.
type dataShape struct {
	client    bool
	whole     bool // an object whose keys the caller chooses
	validated bool
	schema    *schemaRef
	origin    string // how the value is written in the source ("await req.json()", "parsedInput.role")
	name      string // the variable that holds it, when it differs ("body")
	field     string // the property it was read from ("role")

	// Object literals.
	keys     map[string]*dataShape
	keyLocs  map[string]srcPos
	keyExprs map[string]esb.Expr
	// spread is a whole client object spread into the literal; after lists the
	// keys written after it (they override what the client sent).
	spread    *dataShape
	spreadLoc srcPos
	after     map[string]bool
	// dynamic is a client value used as a computed key (`[body.field]: …`).
	dynamic    *dataShape
	dynamicLoc srcPos

	// elem is the element of an array literal (its objects' keys are kept).
	elem *dataShape
	// closed: an object literal whose keys are all in sight (no spread of an
	// unknown object, no computed key): a key it lacks is absent.
	closed bool

	// overrides are keys assigned or deleted on the object after it was read
	// (`body.userId = session.user.id`, `delete body.role`).
	overrides map[string]bool
}

// srcPos is a place in a file: shapes flow from an entry into its helpers, so a
// literal's positions may be in another module than the write.
type srcPos struct {
	file *source.File
	off  int32
}

func (s *dataShape) originText() string {
	if s.origin == "" {
		return "client input"
	}
	return s.origin
}

// describe names the value for a message: "`body` (`await req.json()`)".
func (s *dataShape) describe() string {
	if s.name != "" && s.name != s.origin {
		if s.origin == "" {
			return code(s.name)
		}
		return code(s.name) + " (" + code(s.origin) + ")"
	}
	return code(s.originText())
}

func (s *dataShape) clone() *dataShape {
	if s == nil {
		return nil
	}
	n := *s
	return &n
}

// joinShape merges two possible values of a variable.
func joinShape(a, b *dataShape) *dataShape {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := a.clone()
	if a.client && b.client {
		out.validated = a.validated && b.validated
	} else if b.client {
		out.validated = b.validated
	}
	out.client = a.client || b.client
	out.whole = a.whole || b.whole
	out.closed = a.closed && b.closed
	if out.schema == nil || (b.schema != nil && b.schema.expr.Loc != out.schema.expr.Loc) {
		if out.schema == nil && a.client {
			// a is unvalidated client input: the join is not known to be parsed.
		} else {
			out.schema = b.schema
		}
	}
	if out.origin == "" || !a.client && b.client {
		out.origin, out.field = b.origin, b.field
	}
	if b.keys != nil {
		m := map[string]*dataShape{}
		for k, v := range a.keys {
			m[k] = v
		}
		for k, v := range b.keys {
			m[k] = joinShape(m[k], v)
		}
		out.keys = m
	}
	if out.spread == nil {
		out.spread, out.spreadLoc, out.after = b.spread, b.spreadLoc, b.after
	}
	if out.dynamic == nil {
		out.dynamic, out.dynamicLoc = b.dynamic, b.dynamicLoc
	}
	return out
}

// memberShape is the shape of s.key.
func memberShape(s *dataShape, key string) *dataShape {
	if s == nil {
		return nil
	}
	if v, ok := s.keys[key]; ok {
		if v != nil && v.client && v.name == "" && s.name != "" {
			v = v.clone()
			v.name = s.name + "." + key
		}
		return v
	}
	if s.spread != nil {
		return memberShape(s.spread, key)
	}
	if !s.client || s.closed {
		// createSpace({ name, ownerId }) with the helper's { tier = "hobby" }:
		// the default, not the caller, decides tier.
		return nil
	}
	origin := key
	if s.name != "" {
		origin = s.name + "." + key
	} else if strings.HasPrefix(s.origin, "await ") {
		origin = "(" + s.origin + ")." + key
	} else if s.origin != "" {
		origin = s.origin + "." + key
	}
	out := &dataShape{client: true, whole: true, validated: s.validated, origin: origin, field: key}
	if s.schema != nil {
		// parsedInput.data: the field's schema inside the input schema.
		sch := *s.schema
		sch.path = append(append([]string(nil), s.schema.path...), key)
		out.schema = &sch
	}
	return out
}

// shapeOfVal turns what the analysis knows about a parameter into a shape.
func shapeOfVal(v flow.Val, depth int) *dataShape {
	s := &dataShape{}
	if v.Has(flow.Client) && !v.Has(flow.Caller) {
		s.client, s.whole = true, true
		s.validated = v.Has(flow.Validated)
		if v.Origin != nil {
			s.origin = v.Origin.ID
		}
	}
	if len(v.Obj) > 0 && depth < 4 {
		s.keys = map[string]*dataShape{}
		for k, fv := range v.Obj {
			s.keys[k] = shapeOfVal(fv, depth+1)
		}
	}
	if !s.client && s.keys == nil {
		return nil
	}
	return s
}

// schemaRef is a schema expression in a module.
type schemaRef struct {
	mod  *index.Module
	expr esb.Expr
	// inits resolves local variables of the function the schema appears in.
	inits map[esb.Ref]esb.Expr
	// path selects a field's schema inside expr (parsedInput.data under
	// z.object({ data: ZBranding })).
	path []string
}

func (r *schemaRef) text() string {
	switch x := r.expr.Data.(type) {
	case *esb.EIdentifier:
		return r.mod.SymbolName(x.Ref)
	case *esb.EImportIdentifier:
		return r.mod.SymbolName(x.Ref)
	case *esb.EDot:
		return shortExprText(r.mod, r.expr, 0)
	}
	return "the inline schema"
}

// wrapperSchema finds the input schema of an action-client chain
// (`.inputSchema(s)`, `.schema(s)`, zsa `.input(s)`) or of a project wrapper
// called as `wrapper(schema, handler)`.
func wrapperSchema(w *esb.ECall, m *index.Module) *schemaRef {
	if w == nil || m == nil {
		return nil
	}
	var found []esb.Expr
	e := w.Target
	for depth := 0; depth < 16; depth++ {
		d, ok := e.Data.(*esb.EDot)
		if !ok {
			break
		}
		c, ok := d.Target.Data.(*esb.ECall)
		if !ok {
			break
		}
		if cd, ok := c.Target.Data.(*esb.EDot); ok {
			switch cd.Name {
			case "schema", "inputSchema", "input":
				if len(c.Args) > 0 {
					found = append(found, c.Args[0])
				}
			}
		}
		e = c.Target
	}
	if len(found) == 0 {
		if _, ok := w.Target.Data.(*esb.EDot); !ok {
			for _, a := range w.Args {
				switch a.Data.(type) {
				case *esb.EArrow, *esb.EFunction:
					continue
				}
				found = append(found, a)
				break
			}
		}
	}
	if len(found) != 1 {
		return nil // none, or chained schemas that compose
	}
	return &schemaRef{mod: m, expr: found[0]}
}

// schemaKeys returns the keys a schema's output can hold; known is false when
// they cannot be read statically or the schema keeps unknown keys.
func schemaKeys(r *schemaRef, prog *index.Program, depth int) (map[string]bool, bool) {
	if r == nil || depth > 12 {
		return nil, false
	}
	if len(r.path) > 0 {
		f := fieldSchema(&schemaRef{mod: r.mod, expr: r.expr, inits: r.inits}, r.path[0], prog, 0)
		if f == nil {
			return nil, false
		}
		f.path = r.path[1:]
		return schemaKeys(f, prog, depth+1)
	}
	m := r.mod
	sub := func(e esb.Expr) (map[string]bool, bool) {
		return schemaKeys(&schemaRef{mod: m, expr: e, inits: r.inits}, prog, depth+1)
	}
	if d, isName := schemaDef(r, prog); isName {
		if d == nil {
			return nil, false
		}
		return schemaKeys(d, prog, depth+1)
	}
	switch x := r.expr.Data.(type) {
	case *esb.EObject:
		return schemaShapeKeys(x, sub)
	case *esb.ECall:
		name := ""
		var recv *esb.Expr
		switch t := x.Target.Data.(type) {
		case *esb.EDot:
			name = t.Name
			recv = &t.Target
		case *esb.EImportIdentifier:
			if imp := m.Imports[t.Ref]; imp != nil {
				name = imp.Name
			}
		}
		spec := importSpecOf(m, x.Target)
		if strings.Contains(spec, "yup") || strings.Contains(spec, "joi") || strings.Contains(spec, "superstruct") {
			return nil, false // these keep unknown keys unless told otherwise
		}
		switch name {
		case "object", "strictObject", "formData":
			if len(x.Args) == 0 {
				return map[string]bool{}, true
			}
			return sub(x.Args[0])
		case "extend", "merge", "and", "augment", "safeExtend":
			if recv == nil || len(x.Args) == 0 {
				return nil, false
			}
			a, ok := sub(*recv)
			if !ok {
				return nil, false
			}
			b, ok := sub(x.Args[0])
			if !ok {
				return nil, false
			}
			for k := range b {
				a[k] = true
			}
			return a, true
		case "pick":
			if len(x.Args) > 0 {
				if o, ok := x.Args[0].Data.(*esb.EObject); ok {
					return literalObjectKeys(o)
				}
			}
		case "omit":
			if recv == nil || len(x.Args) == 0 {
				return nil, false
			}
			a, ok := sub(*recv)
			o, isObj := x.Args[0].Data.(*esb.EObject)
			if !ok || !isObj {
				return nil, false
			}
			drop, ok := literalObjectKeys(o)
			if !ok {
				return nil, false
			}
			for k := range drop {
				delete(a, k)
			}
			return a, true
		case "union", "discriminatedUnion", "xor":
			// z.discriminatedUnion("type", [A, B]): an input holds the keys of
			// the member it matched, so any member's key may be written.
			if len(x.Args) == 0 {
				return nil, false
			}
			arr, ok := x.Args[len(x.Args)-1].Data.(*esb.EArray)
			if !ok || len(arr.Items) == 0 {
				return nil, false
			}
			return unionKeys(arr.Items, sub)
		case "or":
			if recv == nil || len(x.Args) == 0 {
				return nil, false
			}
			return unionKeys([]esb.Expr{*recv, x.Args[0]}, sub)
		case "strict", "strip", "partial", "deepPartial", "required", "refine", "superRefine", "describe", "optional",
			"nullable", "nullish", "default", "readonly", "brand", "check", "meta", "catch":
			if recv != nil {
				return sub(*recv)
			}
		}
	}
	return nil, false
}

// unionKeys is every key any of the member schemas accepts; unknown when any
// member's keys are.
func unionKeys(members []esb.Expr, sub func(esb.Expr) (map[string]bool, bool)) (map[string]bool, bool) {
	out := map[string]bool{}
	for _, m := range members {
		keys, ok := sub(m)
		if !ok {
			return nil, false
		}
		for k := range keys {
			out[k] = true
		}
	}
	return out, true
}

// schemaDef follows a name to the schema expression it stands for: a local
// (the function's own variables, then module declarations), an imported
// declaration, or a member of a namespace import (schemas.createPost).
// isName is false when r is not a name; d is nil when the name cannot be
// followed statically.
func schemaDef(r *schemaRef, prog *index.Program) (d *schemaRef, isName bool) {
	m := r.mod
	switch x := r.expr.Data.(type) {
	case *esb.EIdentifier:
		if init, ok := r.inits[x.Ref]; ok {
			return &schemaRef{mod: m, expr: init, inits: r.inits}, true
		}
		if decl := m.Decls[x.Ref]; decl != nil && decl.Init != nil && len(decl.Path) == 0 {
			return &schemaRef{mod: m, expr: *decl.Init, inits: r.inits}, true
		}
		return nil, true
	case *esb.EImportIdentifier:
		imp := m.Imports[x.Ref]
		if imp == nil || imp.Target.File == "" || imp.Name == "*" {
			return nil, true
		}
		if dm, decl := exportedDecl(prog, imp.Target.File, imp.Name, 0); decl != nil && decl.Init != nil && len(decl.Path) == 0 {
			return &schemaRef{mod: dm, expr: *decl.Init}, true
		}
		return nil, true
	case *esb.EDot:
		if t, ok := x.Target.Data.(*esb.EImportIdentifier); ok {
			if imp := m.Imports[t.Ref]; imp != nil && imp.Name == "*" && imp.Target.File != "" {
				if dm, decl := exportedDecl(prog, imp.Target.File, x.Name, 0); decl != nil && decl.Init != nil && len(decl.Path) == 0 {
					return &schemaRef{mod: dm, expr: *decl.Init}, true
				}
				return nil, true
			}
		}
	}
	return nil, false
}

// fieldSchema finds the schema of one field of an object schema, resolving
// names like schemaKeys does; nil when it cannot be read statically.
func fieldSchema(r *schemaRef, key string, prog *index.Program, depth int) *schemaRef {
	if r == nil || depth > 12 {
		return nil
	}
	m := r.mod
	sub := func(mm *index.Module, e esb.Expr) *schemaRef {
		return fieldSchema(&schemaRef{mod: mm, expr: e, inits: r.inits}, key, prog, depth+1)
	}
	if d, isName := schemaDef(r, prog); isName {
		if d == nil {
			return nil
		}
		return fieldSchema(d, key, prog, depth+1)
	}
	switch x := r.expr.Data.(type) {
	case *esb.EObject:
		for i := range x.Properties {
			p := &x.Properties[i]
			if s, ok := p.Key.Data.(*esb.EString); ok && index.String(s.Value) == key && p.ValueOrNil.Data != nil {
				return &schemaRef{mod: m, expr: p.ValueOrNil, inits: r.inits}
			}
		}
	case *esb.ECall:
		name := ""
		var recv *esb.Expr
		if t, ok := x.Target.Data.(*esb.EDot); ok {
			name, recv = t.Name, &t.Target
		}
		switch name {
		case "object", "strictObject":
			if len(x.Args) > 0 {
				return sub(m, x.Args[0])
			}
		case "extend", "merge", "safeExtend":
			if len(x.Args) > 0 {
				if f := sub(m, x.Args[0]); f != nil {
					return f
				}
			}
			if recv != nil {
				return sub(m, *recv)
			}
		case "pick", "omit", "strict", "strip", "partial", "required", "refine", "superRefine", "describe", "readonly", "brand":
			if recv != nil {
				return sub(m, *recv)
			}
		}
	}
	return nil
}

// schemaShapeKeys reads the keys of a schema's shape literal; spreads of another
// schema's `.shape` are followed.
func schemaShapeKeys(o *esb.EObject, sub func(esb.Expr) (map[string]bool, bool)) (map[string]bool, bool) {
	out := map[string]bool{}
	for i := range o.Properties {
		p := &o.Properties[i]
		if p.Kind == esb.PropertySpread {
			inner := p.ValueOrNil
			if d, ok := inner.Data.(*esb.EDot); ok && (d.Name == "shape" || d.Name == "entries") {
				inner = d.Target
			}
			ks, ok := sub(inner)
			if !ok {
				return nil, false
			}
			for k := range ks {
				out[k] = true
			}
			continue
		}
		k, ok := p.Key.Data.(*esb.EString)
		if !ok || p.Flags.Has(esb.PropertyIsComputed) {
			return nil, false
		}
		out[index.String(k.Value)] = true
	}
	return out, true
}

func literalObjectKeys(o *esb.EObject) (map[string]bool, bool) {
	out := map[string]bool{}
	for i := range o.Properties {
		k, ok := o.Properties[i].Key.Data.(*esb.EString)
		if !ok {
			return nil, false
		}
		out[index.String(k.Value)] = true
	}
	return out, true
}

// shapeEval computes shapes for the expressions of one module, with the
// variables of the function it ran bound.
type shapeEval struct {
	m     *index.Module
	prog  *index.Program
	env   map[esb.Ref]*dataShape
	inits map[esb.Ref]esb.Expr
	steps int
}

func newShapeEval(m *index.Module, prog *index.Program) *shapeEval {
	return &shapeEval{m: m, prog: prog, env: map[esb.Ref]*dataShape{}, inits: map[esb.Ref]esb.Expr{}}
}

const shapeMaxEvalSteps = 200000

// run binds fn's parameters to seeds and walks its body (twice, so values
// assigned late in a loop reach earlier uses).
func (ev *shapeEval) run(fn *index.Func, seeds []*dataShape) {
	for i := range fn.Args {
		if i < len(seeds) && seeds[i] != nil {
			ev.bind(fn.Args[i].Binding, seeds[i], 0)
		}
	}
	for round := 0; round < 2; round++ {
		v := &astwalk.Visitor{
			OnStmt: func(s *esb.Stmt) bool {
				switch x := s.Data.(type) {
				case *esb.SLocal:
					for i := range x.Decls {
						d := &x.Decls[i]
						if d.ValueOrNil.Data == nil {
							continue
						}
						if id, ok := d.Binding.Data.(*esb.BIdentifier); ok {
							ev.inits[id.Ref] = d.ValueOrNil
						}
						ev.bind(d.Binding, ev.eval(d.ValueOrNil, 0), 0)
					}
				case *esb.SForOf:
					if l, ok := x.Init.Data.(*esb.SLocal); ok && len(l.Decls) == 1 {
						if el := elementShape(ev.eval(x.Value, 0)); el != nil {
							ev.bind(l.Decls[0].Binding, el, 0)
						}
					}
				}
				return true
			},
			OnExpr: func(e *esb.Expr) bool {
				switch x := e.Data.(type) {
				case *esb.EBinary:
					if x.Op == esb.BinOpAssign {
						ev.assign(x.Left, x.Right)
					}
				case *esb.EUnary:
					if x.Op == esb.UnOpDelete {
						ev.override(x.Value)
					}
				case *esb.ECall:
					ev.callbacks(x)
				}
				return true
			},
		}
		v.Stmts(fn.Body.Block.Stmts)
	}
}

// assign handles `x = v` and `x.key = v`.
func (ev *shapeEval) assign(left, right esb.Expr) {
	switch l := left.Data.(type) {
	case *esb.EIdentifier:
		ev.env[l.Ref] = joinShape(ev.env[l.Ref], ev.eval(right, 0))
	case *esb.EDot:
		if v := ev.eval(right, 0); v == nil || !v.client {
			ev.override(left)
		}
	}
}

// override records that a key of a variable was set by the server or deleted.
func (ev *shapeEval) override(e esb.Expr) {
	d, ok := e.Data.(*esb.EDot)
	if !ok {
		return
	}
	id, ok := d.Target.Data.(*esb.EIdentifier)
	if !ok {
		return
	}
	s := ev.env[id.Ref]
	if s == nil {
		return
	}
	n := s.clone()
	n.overrides = map[string]bool{d.Name: true}
	for k := range s.overrides {
		n.overrides[k] = true
	}
	ev.env[id.Ref] = n
}

// callbacks binds the parameters of callbacks: array methods on client arrays
// (`items.map((item) => …)`) and local closures called with arguments.
func (ev *shapeEval) callbacks(x *esb.ECall) {
	switch t := x.Target.Data.(type) {
	case *esb.EDot:
		switch t.Name {
		case "map", "forEach", "flatMap", "filter", "find", "some", "every":
			if len(x.Args) == 0 {
				return
			}
			el := elementShape(ev.eval(t.Target, 0))
			if el == nil {
				return
			}
			if args := funcArgsOf(x.Args[0]); len(args) > 0 {
				ev.bind(args[0].Binding, el, 0)
			}
		}
	case *esb.EIdentifier:
		init, ok := ev.inits[t.Ref]
		if !ok {
			return
		}
		args := funcArgsOf(init)
		for i := range args {
			if i < len(x.Args) {
				if s := ev.eval(x.Args[i], 0); s != nil {
					ev.bind(args[i].Binding, s, 0)
				}
			}
		}
	}
}

func funcArgsOf(e esb.Expr) []esb.Arg {
	switch f := e.Data.(type) {
	case *esb.EArrow:
		return f.Args
	case *esb.EFunction:
		return f.Fn.Args
	}
	return nil
}

// elementShape is an element of a client-controlled array.
func elementShape(s *dataShape) *dataShape {
	if s == nil || !s.client {
		return nil
	}
	if s.elem != nil {
		return s.elem
	}
	return &dataShape{client: true, whole: true, validated: s.validated, origin: s.originText() + "[]"}
}

func (ev *shapeEval) bind(b esb.Binding, s *dataShape, depth int) {
	if s == nil || depth > 8 {
		return
	}
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		if s.client && s.name == "" {
			s = s.clone()
			s.name = ev.m.SymbolName(x.Ref)
		}
		ev.env[x.Ref] = joinShape(ev.env[x.Ref], s)
	case *esb.BObject:
		var taken []string
		for i := range x.Properties {
			p := &x.Properties[i]
			if p.IsSpread {
				rest := s.clone()
				rest.overrides = map[string]bool{}
				for k := range s.overrides {
					rest.overrides[k] = true
				}
				for _, k := range taken {
					rest.overrides[k] = true
				}
				if rest.keys != nil {
					keys := map[string]*dataShape{}
					for k, v := range rest.keys {
						keys[k] = v
					}
					for _, k := range taken {
						delete(keys, k)
					}
					rest.keys = keys
				}
				ev.bind(p.Value, rest, depth+1)
				continue
			}
			k, ok := p.Key.Data.(*esb.EString)
			if !ok || p.IsComputed {
				continue
			}
			key := index.String(k.Value)
			taken = append(taken, key)
			ev.bind(p.Value, memberShape(s, key), depth+1)
		}
	case *esb.BArray:
		el := elementShape(s)
		for i := range x.Items {
			ev.bind(x.Items[i].Binding, el, depth+1)
		}
	}
}

// eval computes the shape of an expression (nil: nothing the client controls).
func (ev *shapeEval) eval(e esb.Expr, depth int) *dataShape {
	ev.steps++
	if depth > 40 || ev.steps > shapeMaxEvalSteps {
		return nil
	}
	switch x := e.Data.(type) {
	case *esb.EIdentifier:
		return ev.env[x.Ref]
	case *esb.EDot:
		base := ev.eval(x.Target, depth+1)
		return memberShape(base, x.Name)
	case *esb.EIndex:
		base := ev.eval(x.Target, depth+1)
		if s, ok := x.Index.Data.(*esb.EString); ok {
			return memberShape(base, index.String(s.Value))
		}
		if base != nil && base.client {
			return &dataShape{client: true, whole: true, validated: base.validated, origin: base.originText() + "[…]"}
		}
		return nil
	case *esb.EAwait:
		return ev.eval(x.Value, depth+1)
	case *esb.EAnnotation:
		return ev.eval(x.Value, depth+1)
	case *esb.EIf:
		return joinShape(ev.eval(x.Yes, depth+1), ev.eval(x.No, depth+1))
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLogicalOr, esb.BinOpNullishCoalescing, esb.BinOpLogicalAnd:
			return joinShape(ev.eval(x.Left, depth+1), ev.eval(x.Right, depth+1))
		case esb.BinOpAssign:
			return ev.eval(x.Right, depth+1)
		case esb.BinOpComma:
			return ev.eval(x.Right, depth+1)
		}
		return scalarShape(ev.eval(x.Left, depth+1), ev.eval(x.Right, depth+1))
	case *esb.EUnary:
		return scalarShape(ev.eval(x.Value, depth+1))
	case *esb.ETemplate:
		var parts []*dataShape
		for i := range x.Parts {
			parts = append(parts, ev.eval(x.Parts[i].Value, depth+1))
		}
		return scalarShape(parts...)
	case *esb.EObject:
		return ev.object(x, depth)
	case *esb.EArray:
		var out *dataShape
		for _, it := range x.Items {
			if sp, ok := it.Data.(*esb.ESpread); ok {
				it = sp.Value
			}
			out = joinShape(out, ev.eval(it, depth+1))
		}
		if out != nil && out.client {
			return &dataShape{client: true, whole: out.whole && out.keys == nil, validated: out.validated, origin: out.origin, elem: out}
		}
		return nil
	case *esb.ECall:
		return ev.call(e, x, depth)
	}
	return nil
}

// scalarShape is a value computed from others: client-controlled if any is, but not
// an object whose keys the caller chooses.
func scalarShape(xs ...*dataShape) *dataShape {
	for _, s := range xs {
		if s != nil && s.client {
			return &dataShape{client: true, validated: s.validated, origin: s.origin, field: s.field}
		}
	}
	return nil
}

func (ev *shapeEval) object(x *esb.EObject, depth int) *dataShape {
	out := &dataShape{keys: map[string]*dataShape{}, keyLocs: map[string]srcPos{}, keyExprs: map[string]esb.Expr{}}
	at := func(off int32) srcPos { return srcPos{ev.m.File, off} }
	for i := range x.Properties {
		p := &x.Properties[i]
		if p.Kind == esb.PropertySpread {
			sv := ev.eval(p.ValueOrNil, depth+1)
			if sv == nil {
				continue
			}
			if sv.client && sv.whole && sv.keys == nil {
				out.client = true
				if out.spread == nil {
					out.spread, out.spreadLoc, out.after = sv, at(p.ValueOrNil.Loc.Start), map[string]bool{}
				}
				continue
			}
			for k, v := range sv.keys {
				out.keys[k] = v
				if loc, ok := sv.keyLocs[k]; ok {
					out.keyLocs[k] = loc
				} else {
					out.keyLocs[k] = at(p.ValueOrNil.Loc.Start)
				}
				if v != nil && v.client {
					out.client = true
				}
			}
			if sv.spread != nil && out.spread == nil {
				out.spread, out.spreadLoc, out.after = sv.spread, sv.spreadLoc, map[string]bool{}
				for k := range sv.after {
					out.after[k] = true
				}
				out.client = true
			}
			if sv.dynamic != nil && out.dynamic == nil {
				out.dynamic, out.dynamicLoc = sv.dynamic, sv.dynamicLoc
				out.client = true
			}
			continue
		}
		k, ok := p.Key.Data.(*esb.EString)
		if !ok || p.Flags.Has(esb.PropertyIsComputed) {
			if kv := ev.eval(p.Key, depth+1); kv != nil && kv.client && out.dynamic == nil {
				out.dynamic, out.dynamicLoc = kv, at(p.Key.Loc.Start)
				out.client = true
			}
			continue
		}
		key := index.String(k.Value)
		var v *dataShape
		if p.ValueOrNil.Data != nil {
			v = ev.eval(p.ValueOrNil, depth+1)
			out.keyExprs[key] = p.ValueOrNil
		}
		out.keys[key] = v
		out.keyLocs[key] = at(p.Key.Loc.Start)
		if out.after != nil {
			out.after[key] = v == nil || !v.client
		}
		if v != nil && v.client {
			out.client = true
		}
	}
	out.closed = out.spread == nil && out.dynamic == nil && !openSpread(x)
	return out
}

// openSpread reports a spread whose keys are not all known.
func openSpread(x *esb.EObject) bool {
	for i := range x.Properties {
		if x.Properties[i].Kind == esb.PropertySpread {
			return true
		}
	}
	return false
}

func (ev *shapeEval) call(e esb.Expr, x *esb.ECall, depth int) *dataShape {
	d, isDot := x.Target.Data.(*esb.EDot)
	name := csrfCallee(ev.m, x.Target)
	arg := func(i int) *dataShape {
		if i < len(x.Args) {
			return ev.eval(x.Args[i], depth+1)
		}
		return nil
	}
	var recv *dataShape
	if isDot {
		recv = ev.eval(d.Target, depth+1)
	}
	switch name {
	case "json":
		if recv != nil && recv.client {
			return &dataShape{client: true, whole: true, origin: "await " + shortExprText(ev.m, d.Target, 0) + ".json()"}
		}
	case "formData":
		if recv != nil && recv.client {
			return &dataShape{client: true, whole: true, origin: "await " + shortExprText(ev.m, d.Target, 0) + ".formData()"}
		}
	case "get", "getAll":
		if recv != nil && recv.client {
			key := ""
			if len(x.Args) > 0 {
				if s, ok := x.Args[0].Data.(*esb.EString); ok {
					key = index.String(s.Value)
				}
			}
			return &dataShape{client: true, validated: recv.validated, origin: shortExprText(ev.m, d.Target, 0) + ".get('" + key + "')", field: key}
		}
		return nil
	case "fromEntries", "structuredClone", "omit", "cloneDeep", "toObject", "toJSON":
		a := arg(0)
		if name == "toObject" || name == "toJSON" {
			a = recv
		}
		if a != nil && a.client {
			return &dataShape{client: true, whole: true, validated: a.validated, origin: shortExprText(ev.m, e, 0)}
		}
		return nil
	case "assign":
		var out *dataShape
		for i := range x.Args {
			out = joinShape(out, arg(i))
		}
		if out != nil && out.client {
			return &dataShape{client: true, whole: true, origin: shortExprText(ev.m, e, 0)}
		}
		return nil
	case "parse", "parseAsync", "safeParse", "safeParseAsync", "validate", "validateSync", "cast", "parseWithZod":
		if isDot {
			if t, ok := d.Target.Data.(*esb.EIdentifier); ok && ev.m.SymbolName(t.Ref) == "JSON" {
				if a := arg(0); a != nil && a.client {
					return &dataShape{client: true, whole: true, origin: shortExprText(ev.m, e, 0)}
				}
				return nil
			}
		}
		var input *dataShape
		var sch *schemaRef
		switch {
		case name == "parseWithZod":
			input = arg(0)
			if len(x.Args) > 1 {
				if o, ok := x.Args[1].Data.(*esb.EObject); ok {
					for i := range o.Properties {
						if k, ok := o.Properties[i].Key.Data.(*esb.EString); ok && index.String(k.Value) == "schema" && o.Properties[i].ValueOrNil.Data != nil {
							sch = &schemaRef{mod: ev.m, expr: o.Properties[i].ValueOrNil, inits: ev.inits}
						}
					}
				}
			}
		case len(x.Args) >= 2 && (name == "parse" || name == "parseAsync" || name == "safeParse" || name == "safeParseAsync") && (!isDot || isNamespaceImport(ev.m, d.Target)):
			// valibot parse(schema, input), v.parse(schema, input)
			input = arg(1)
			sch = &schemaRef{mod: ev.m, expr: x.Args[0], inits: ev.inits}
		case isDot:
			input = arg(0)
			if name != "validate" && name != "validateSync" && name != "cast" {
				sch = &schemaRef{mod: ev.m, expr: d.Target, inits: ev.inits}
			}
		}
		if input == nil || !input.client {
			return nil
		}
		v := input.clone()
		v.validated = true
		v.schema = sch
		v.name = ""
		if v.whole && v.keys == nil {
			v.origin = shortExprText(ev.m, e, 0)
		}
		switch name {
		case "safeParse", "safeParseAsync":
			return &dataShape{client: true, validated: true, keys: map[string]*dataShape{"data": v}}
		case "parseWithZod":
			return &dataShape{client: true, validated: true, keys: map[string]*dataShape{"value": v}}
		}
		return v
	}
	// A method of a client value (`input.email.trim()`) or a conversion
	// (`String(body.role)`) is still the client's value. Other calls return
	// something else: a database row, an API response, a verified webhook event.
	if recv != nil && recv.elem != nil {
		switch name {
		case "filter", "slice", "sort", "toSorted", "reverse", "toReversed", "concat":
			return recv
		}
	}
	if recv != nil && recv.client && !recv.whole {
		return scalarShape(recv)
	}
	if recv != nil && recv.client {
		switch name {
		case "trim", "toLowerCase", "toUpperCase", "toString", "valueOf", "slice", "substring", "normalize", "at", "replace", "replaceAll", "padStart", "padEnd":
			return scalarShape(recv)
		}
	}
	if !isDot || isGlobalIdent(ev.m, d.Target, "JSON") {
		switch name {
		case "String", "Number", "Boolean", "BigInt", "parseInt", "parseFloat", "decodeURIComponent", "encodeURIComponent", "stringify":
			var parts []*dataShape
			for i := range x.Args {
				parts = append(parts, arg(i))
			}
			return scalarShape(parts...)
		}
	}
	return nil
}

// isGlobalIdent reports the free identifier name (JSON, Object).
func isGlobalIdent(m *index.Module, e esb.Expr, name string) bool {
	id, ok := e.Data.(*esb.EIdentifier)
	return ok && m.SymbolName(id.Ref) == name && m.Decls[id.Ref] == nil
}

// calleeSourceText is the source text of a call's callee, whitespace folded:
// `supabase.from("profiles").update`.
func calleeSourceText(m *index.Module, c *esb.ECall) string {
	d, ok := c.Target.Data.(*esb.EDot)
	if !ok {
		return shortExprText(m, c.Target, 0)
	}
	start, end := c.Target.Loc.Start, d.NameLoc.Start+int32(len(d.Name))
	text := m.File.Text
	if start < 0 || end <= start || int(end) > len(text) {
		return shortExprText(m, c.Target, 0)
	}
	s := strings.Join(strings.Fields(text[start:end]), " ")
	for _, p := range []string{" .", ". ", "( ", " )"} {
		s = strings.ReplaceAll(s, p, strings.TrimSpace(p))
	}
	if len(s) > 60 {
		s = s[:28] + "…" + s[len(s)-28:]
	}
	return s
}

// isNamespaceImport reports a namespace import (`import * as v from "valibot"`).
func isNamespaceImport(m *index.Module, e esb.Expr) bool {
	ref, ok := astwalk.IdentRef(e)
	if !ok {
		return false
	}
	imp := m.Imports[ref]
	return imp != nil && imp.Name == "*"
}

// shortExprText renders a short source form of an expression for messages.
func shortExprText(m *index.Module, e esb.Expr, depth int) string {
	if depth > 6 {
		return "…"
	}
	switch x := e.Data.(type) {
	case *esb.EIdentifier:
		return m.SymbolName(x.Ref)
	case *esb.EImportIdentifier:
		return m.SymbolName(x.Ref)
	case *esb.EDot:
		return shortExprText(m, x.Target, depth+1) + "." + x.Name
	case *esb.EIndex:
		if s, ok := x.Index.Data.(*esb.EString); ok {
			return shortExprText(m, x.Target, depth+1) + "['" + index.String(s.Value) + "']"
		}
		return shortExprText(m, x.Target, depth+1) + "[…]"
	case *esb.ECall:
		args := "…"
		if len(x.Args) == 0 {
			args = ""
		} else if len(x.Args) == 1 {
			args = shortExprText(m, x.Args[0], depth+1)
		}
		return shortExprText(m, x.Target, depth+1) + "(" + args + ")"
	case *esb.EAwait:
		return "await " + shortExprText(m, x.Value, depth+1)
	case *esb.EThis:
		return "this"
	}
	return "…"
}
