package rules

import (
	"strings"

	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "missing-ownership",
			Name:             "MissingOwnershipCheck",
			Short:            "Query selects a record by a client-controlled id without tying it to the caller",
			Full:             "A database read or write selects its target by a value the caller controls (an argument, a FormData field, a bound argument, a route param), and neither the query nor a check before it ties that record to the signed-in user. Any signed-in user can pass someone else's id (broken object-level authorization, IDOR).",
			Severity:         result.Error,
			SecuritySeverity: 8.1,
			Precision:        "high",
			CWE:              []string{"CWE-639", "CWE-862"},
			Tags:             []string{"authorization", "idor"},
		},
		CheckEntry: checkMissingOwnership,
	})
}

func checkMissingOwnership(p *Pass) {
	f := p.Facts
	if p.Public || f == nil || f.Facts == nil || f.Entry.Fn == nil {
		return
	}
	// Without authentication there is no caller to tie the record to; that is
	// missing-auth's finding, and one finding per hole is enough.
	if f.Unauth() != nil || !f.Authenticated() {
		return
	}
	if f.Chain != nil && f.Chain.OwnerChecked {
		return
	}
	seen := map[flow.Site]bool{}
	for _, q := range f.Queries {
		checkParent(p, q, seen)
		o := q.IDOrigin
		if o == nil || !q.Filter.Has(flow.Client) || q.Filter.Has(flow.Caller) || q.Filter.Has(flow.Cred) || q.RLS || q.Priv {
			continue
		}
		if authorized(f, o) || seen[q.Site] || !q.Write && existenceOnly(q) {
			continue
		}
		seen[q.Site] = true
		verb := "reads"
		if q.Write {
			verb = "changes"
		}
		msg := code(q.Desc) + " " + verb + " the record chosen by " + code(o.ID) + ", which the caller controls, and nothing ties it to the signed-in user. " +
			"Any signed-in user can pass another user's id and " + map[bool]string{true: "modify or delete", false: "read"}[q.Write] + " their data (IDOR), because " + entryExposure(p.Entry) + "."
		help := "Scope the query to the caller, e.g. `where: { id, userId: session.user.id }` (Drizzle: `and(eq(t.id, id), eq(t.userId, userId))`), or load the record first and throw unless its owner is the session user; a membership check helper works too."
		start, end := siteDiag(q.Site)
		d := Diagnostic{File: q.Mod.File, Start: start, End: end, Message: msg, Help: help}
		if o.Mod != nil {
			d.Related = append(d.Related, RelatedDiag{File: o.Mod.File, Start: o.Loc.Start, End: o.Loc.Start, Message: "the id comes from " + describeOrigin(o)})
		}
		if q.Inner != nil && q.Inner.Mod != nil {
			d.Related = append(d.Related, related(q.Inner.Site, "the query inside "+q.Via))
		}
		p.Report(d)
	}
}

func authorized(f *flow.EntryFacts, o *flow.Origin) bool {
	if _, ok := f.Authorized[o.ID]; ok {
		return true
	}
	if _, ok := f.Authorized["root:"+o.Root]; ok {
		return true
	}
	return false
}

// checkParent reports a record created under a parent the client named
// (SPEC: a warning): the caller may add tasks to someone else's project.
// Owner-like keys (userId, orgId, workspaceId) are mass-assignment's.
func checkParent(p *Pass, q *flow.Query, seen map[flow.Site]bool) {
	o := q.ParentOrigin
	if o == nil || !q.Create || q.RLS || q.Priv || authorized(p.Facts, o) || seen[q.Site] {
		return
	}
	if kind, ok := massSensitiveKey(q.ParentKey); ok && kind == "owner" {
		return
	}
	// A foreign key names its parent model (projectId → Project). When the
	// schema is known, keys that name no model (externalId, stripeAccountId)
	// are the record's own attributes, not parents.
	parent := strings.TrimSuffix(strings.TrimSuffix(q.ParentKey, "Id"), "_id")
	if p.SensitiveFields != nil && schemaKnown(p) {
		if _, known := p.SensitiveFields(parent); !known {
			return
		}
	}
	seen[q.Site] = true
	msg := code(q.Desc) + " attaches the new record to " + code(o.ID) + " (" + code(q.ParentKey) + "), which the caller controls, without checking that the caller may add to that parent. " +
		"Any signed-in user can create records under another user's " + strings.TrimSuffix(strings.TrimSuffix(q.ParentKey, "Id"), "_id") + ", because " + entryExposure(p.Entry) + "."
	help := "Load the parent scoped to the caller first and use its id, e.g. `const project = await prisma.project.findFirst({ where: { id: projectId, members: { some: { userId } } } }); if (!project) throw …`."
	start, end := siteDiag(q.Site)
	d := Diagnostic{File: q.Mod.File, Start: start, End: end, Message: msg, Help: help, Severity: result.Warning}
	if o.Mod != nil {
		d.Related = append(d.Related, RelatedDiag{File: o.Mod.File, Start: o.Loc.Start, End: o.Loc.Start, Message: "the parent id comes from " + describeOrigin(o)})
	}
	p.Report(d)
}

// schemaKnown reports whether the project's models are known at all (the
// driver read a Prisma schema), so an unknown name means "not a model".
func schemaKnown(p *Pass) bool {
	if p.SensitiveFields == nil {
		return false
	}
	for _, m := range []string{"user", "users", "account", "session"} {
		if _, ok := p.SensitiveFields(m); ok {
			return true
		}
	}
	return false
}
