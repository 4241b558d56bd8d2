package rules

import (
	"strings"

	"github.com/nextguard/nextguard/analyzer/flow"

	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "missing-auth",
			Name:             "MissingAuthentication",
			Short:            "Entry point reaches a sensitive operation without authenticating the caller",
			Full:             "A Server Action, Route Handler or API route queries the database, writes files, sends email or calls a paid API before it has established who the caller is and rejected anonymous callers. These entry points are public endpoints: anyone can call them directly.",
			Severity:         result.Error,
			SecuritySeverity: 9.1,
			Precision:        "high",
			CWE:              []string{"CWE-306"},
			Tags:             []string{"authentication"},
		},
		CheckEntry: checkMissingAuth,
	})
}

// trustedParamNames are parameter names that suggest a helper trusts its caller
// to pass a real, already-authorized object.
var trustedParamNames = map[string]bool{"user": true, "session": true, "partner": true, "team": true, "workspace": true, "ctx": true,
	"account": true, "org": true, "organization": true, "project": true, "currentUser": true, "owner": true, "member": true, "tenant": true}

func checkMissingAuth(p *Pass) {
	f := p.Facts
	if p.Public || f == nil || f.Facts == nil || f.SignIn || f.SignInCallback || f.Entry.Fn == nil {
		return
	}
	op := f.Unauth()
	if op == nil {
		return
	}
	e := p.Entry
	what := op.What
	if what == "" {
		what = "performs a sensitive operation"
	}
	var b strings.Builder
	b.WriteString(entryNoun(e) + " " + what + " (" + code(op.Desc) + ") without authenticating the caller first")
	switch {
	case len(f.AuthCalls) > 0 && !anyChecked(f):
		b.WriteString(": it calls " + code(f.AuthCalls[0].Name+"()") + " but never checks the result, so anonymous callers get through")
	case len(f.Untrusted) > 0:
		b.WriteString(": " + code(f.Untrusted[0].Name+"()") + " only reads the session cookie without verifying it, so it does not prove who the caller is")
	case f.Gated:
		b.WriteString(": its action client's middleware rejects some callers, but not on anything known to authenticate them (a recognised auth library, or a function listed in `authSources` or `authGuards` in nextguard.json)")
	case f.Passthrough:
		b.WriteString(": its action client's middleware does not reject anonymous callers")
	}
	b.WriteString(". This is exploitable because " + entryExposure(e) + ".")
	if names := trustedParams(p); len(names) > 0 {
		b.WriteString(" It takes " + strings.Join(names, ", ") + " as arguments and trusts the caller to pass real ones; exported from a \"use server\" module it is callable by anyone with any object — move such helpers to a `server-only` module.")
	}
	if p.Middleware != "" {
		b.WriteString(" " + p.Middleware + " does not count: middleware can be bypassed (CVE-2025-29927) and its matcher drifts from the routes it should cover.")
	}
	help := "Authenticate at the top and stop anonymous callers, e.g. `const session = await auth(); if (!session?.user) throw new Error(\"Unauthorized\")`, or call your guard helper (`await requireUser()`) or use an authenticated action client. If it is public by design, suppress it with a reason."
	if e.Kind != result.KindServerAction {
		help = "Authenticate the request first and return 401 for anonymous callers, e.g. `const session = await auth(); if (!session) return new Response(\"Unauthorized\", { status: 401 })`; webhooks must verify their signature."
	}
	start, end := entryRange(e)
	d := Diagnostic{File: e.Mod.File, Start: start, End: end, Message: b.String(), Help: help}
	msg := "here it " + what + ", and nothing before it rejected anonymous callers"
	d.Related = append(d.Related, related(op.Site, msg))
	if op.Inner != nil && op.Inner.Mod != nil {
		d.Related = append(d.Related, related(op.Inner.Site, "inside "+op.Via+": "+op.Inner.Desc))
	}
	p.Report(d)
}

func anyChecked(f *flow.EntryFacts) bool {
	for _, a := range f.AuthCalls {
		if a.Checked {
			return true
		}
	}
	return false
}

func trustedParams(p *Pass) []string {
	if p.Entry.Kind != result.KindServerAction || p.Entry.Fn == nil || p.Entry.Wrapper != nil {
		return nil
	}
	var out []string
	for _, a := range p.Entry.Fn.Args {
		if name := bindingName(p, a); trustedParamNames[name] {
			out = append(out, code(name))
		}
	}
	return out
}
