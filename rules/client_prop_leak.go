package rules

import (
	"strings"

	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "client-prop-leak",
			Name:             "ClientComponentPropLeak",
			Short:            "Server Component passes whole database rows to a Client Component",
			Full:             "A Server Component passes the result of a query without a projection (Prisma without `select`, Drizzle `select()` without columns, Supabase `select('*')`, SQL `SELECT *`) as a prop to a component from a \"use client\" module. Props of Client Components are serialized into the HTML and the RSC payload, so every column of the row — password hashes, tokens, internal flags — is readable in the browser, whatever the component renders.",
			Severity:         result.Warning,
			SecuritySeverity: 6.5,
			Precision:        "high",
			CWE:              []string{"CWE-200", "CWE-213"},
			Tags:             []string{"data-exposure"},
		},
		CheckProject: checkClientPropLeak,
	})
}

// checkClientPropLeak evaluates the props each Server Component passes to
// Client Components and reports those holding whole rows.
//
// Driver hook wanted: Server Components analysed by the driver's own engine
// as pseudo-entries (kind "server-component": the default export of page,
// layout and template files and the components they render), with the
// engine recording the value of every JSX prop whose tag resolves to a
// "use client" module. This rule would then be a CheckEntry over those facts;
// today it builds the same values with its own engine (project_scan.go).
func checkClientPropLeak(p *ProjectPass) {
	scan := scanFor(p)
	comps := scan.serverComponents()
	eachSafely(len(comps), func(ci int) {
		c := comps[ci]
		vals := scan.propValues(c)
		for i, cp := range c.props {
			if i >= len(vals) {
				break
			}
			v := vals[i].DeepRows()
			if !v.Has(flow.Rows) {
				continue
			}
			reportPropLeak(p, scan, cp, v)
		}
	})
}

func reportPropLeak(p *ProjectPass, scan *projectScan, cp *clientProp, v flow.Val) {
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
	from := " from " + desc
	if cp.elementOf != nil {
		from += ", one per element,"
	}
	sev := result.Warning
	leak := "every column of the row, including ones added later, reaches"
	if fields, known := scan.sensitiveFields(model); known && len(fields) > 0 {
		sev = result.Error
		leak = "its sensitive fields (" + strings.Join(fields, ", ") + ") reach"
	}
	c := cp.comp
	msg := "Server Component " + componentName(c) + " passes " + rows + from + " to the client component " + cp.describe() +
		" (" + cp.clientFile + " is a \"use client\" module). Props of client components are serialized into the HTML and the RSC payload, so " +
		leak + " the browser, readable by anyone who can load the page, whatever the component renders."
	help := "Pass only what the component renders: add a projection (`select: { id: true, name: true }`, Drizzle `db.select({ id: t.id })`, Supabase `.select('id, name')`) or map the rows to plain objects of chosen fields before passing them. React's `experimental_taintObjectReference` can guard objects that must never reach the client."
	d := Diagnostic{File: c.mod.File, Start: cp.keyLoc.Start, End: cp.keyEnd, Message: msg, Help: help, Severity: sev}
	if v.RowsAt != nil && v.RowsAt.Mod != nil {
		d.Related = append(d.Related, related(v.RowsAt.Site, "the rows come from this query"))
	}
	p.Report(d)
}
