package rules

import (
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "missing-validation",
			Name:             "MissingInputValidation",
			Short:            "Client input reaches a sensitive operation without schema validation",
			Full:             "A value the caller controls (an argument, a FormData field, a request body or param) is used in a database query, a write or another sensitive call without passing through a schema (Zod, Valibot, Yup, ...). TypeScript types and `as` casts are erased at runtime; the endpoint receives whatever the caller sends.",
			Severity:         result.Error,
			SecuritySeverity: 5.3,
			Precision:        "high",
			CWE:              []string{"CWE-20"},
			Tags:             []string{"validation"},
		},
		CheckEntry: checkMissingValidation,
	})
}

func checkMissingValidation(p *Pass) {
	f := p.Facts
	if f == nil || f.Facts == nil || f.Entry.Fn == nil {
		return
	}
	seen := map[string]bool{}
	for _, u := range f.Uses {
		v := u.Val
		if u.Priv {
			// A verified webhook or queue payload, or an admin's request: the
			// sender is trusted.
			continue
		}
		if !v.Has(flow.Client) || v.Has(flow.Validated) || v.Origin == nil || v.Has(flow.Stringly) || v.Has(flow.Caller) {
			// Caller-derived values (a client id already matched against the
			// caller's records) are not raw input any more.
			// Route segments, query parameters and headers are strings by
			// construction: no type confusion, and ORMs parameterise them.
			continue
		}
		root := v.Origin.Root
		if seen[root] {
			continue
		}
		seen[root] = true
		sev := result.Severity("")
		msg := code(v.Origin.ID) + " reaches " + code(u.Sink) + " without schema validation. The caller controls it completely — " + entryExposure(p.Entry) + " — so it can be any type, shape or size; TypeScript types and `as` casts do not exist at runtime."
		help := "Parse the input with a schema first, e.g. `const { id } = z.object({ id: z.string().uuid() }).parse(Object.fromEntries(formData))`, or use an action client with `.inputSchema(schema)`."
		if v.Has(flow.TypeChecked) || f.TypeChecks[root] {
			sev = result.Warning
			msg = code(v.Origin.ID) + " reaches " + code(u.Sink) + " after only a hand-written check. Hand-written `typeof`/`if` checks miss shapes, lengths and formats a schema enforces, and they drift as the code changes."
			help = "Replace the hand-written check with a schema, e.g. `z.string().uuid().parse(id)`."
		}
		start, end := siteDiag(u.Site)
		d := Diagnostic{File: u.Mod.File, Start: start, End: end, Message: msg, Help: help, Severity: sev}
		if v.Origin.Mod != nil {
			d.Related = append(d.Related, RelatedDiag{File: v.Origin.Mod.File, Start: v.Origin.Loc.Start, End: v.Origin.Loc.Start, Message: "the input comes from " + describeOrigin(v.Origin)})
		}
		p.Report(d)
	}
}
