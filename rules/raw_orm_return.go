package rules

import (
	"strings"

	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "raw-orm-return",
			Name:             "RawORMRowReturned",
			Short:            "Entry point returns whole database rows to the client",
			Full:             "A Server Action or route returns rows from a query without a projection (Prisma without `select`, Drizzle `select()` without columns, Supabase `select('*')`, SQL `SELECT *`). Everything in the row — password hashes, tokens, internal flags — is serialized to the browser, and new columns leak as soon as they are added.",
			Severity:         result.Warning,
			SecuritySeverity: 6.5,
			Precision:        "high",
			CWE:              []string{"CWE-200", "CWE-213"},
			Tags:             []string{"data-exposure"},
		},
		CheckEntry: checkRawORMReturn,
	})
}

func checkRawORMReturn(p *Pass) {
	f := p.Facts
	if f == nil || f.Facts == nil || f.Entry.Fn == nil {
		return
	}
	for _, r := range f.Returns {
		v := r.Val.DeepRows()
		if !v.Has(flow.Rows) {
			continue
		}
		model := v.Model
		desc := "a query"
		if v.RowsAt != nil {
			desc = code(v.RowsAt.Desc)
			if model == "" {
				model = v.RowsAt.Model
			}
		}
		rows := "whole rows"
		if model != "" {
			rows = "whole " + code(model) + " rows"
		}
		sev := result.Warning
		leak := "everything in the row, including fields added later,"
		if fields := rowSensitiveFields(p, model, v.RowsAt); len(fields) > 0 {
			sev = result.Error
			leak = "sensitive fields (" + strings.Join(fields, ", ") + ")"
		}
		msg := entryNoun(p.Entry) + " returns " + rows + " from " + desc + " to the client. The response carries " + leak + " to the browser, where anyone who calls the endpoint can read it."
		help := "Return only what the UI needs: add a projection (`select: { id: true, name: true }`, Drizzle `db.select({ id: t.id })`, Supabase `.select('id, name')`) or map rows to a DTO before returning."
		start, end := siteDiag(r.Site)
		d := Diagnostic{File: r.Mod.File, Start: start, End: end, Message: msg, Help: help, Severity: sev}
		if v.RowsAt != nil && v.RowsAt.Mod != nil {
			d.Related = append(d.Related, related(v.RowsAt.Site, "the rows come from this query"))
		}
		p.Report(d)
	}
}

// rowSensitiveFields names the sensitive fields of a returned row: its model's
// own and those of the relations the query included whole.
func rowSensitiveFields(p *Pass, model string, q *flow.Query) []string {
	if p.SensitiveFields == nil || model == "" {
		return nil
	}
	own, _ := p.SensitiveFields(model)
	fields := append([]string(nil), own...)
	if q != nil {
		for _, rel := range q.Included {
			more, _ := p.SensitiveFields(model + "." + rel)
			fields = append(fields, more...)
		}
	}
	return fields
}
