package rules

import (
	"regexp"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:    "route-csrf",
			Name:  "RouteHandlerCSRF",
			Short: "State-changing Route Handler authenticated by cookie has no CSRF defence",
			Full: "A POST, PUT, PATCH or DELETE Route Handler authenticates the caller by a session cookie and changes state, " +
				"but checks neither the Origin (or Sec-Fetch-Site) header, nor a CSRF token, nor that the request has a " +
				"non-simple Content-Type. Next.js's built-in Origin check protects Server Actions only; another site can make " +
				"a signed-in user's browser send this request with their cookies (cross-site request forgery).",
			Severity:         result.Warning,
			SecuritySeverity: 6.5,
			Precision:        "medium",
			CWE:              []string{"CWE-352"},
			Tags:             []string{"csrf"},
			Kinds:            []string{result.KindRouteHandler},
		},
		CheckEntry: checkRouteCSRF,
	})
}

// csrfStateMethods: only a POST can be sent cross-site without a CORS
// preflight (an HTML form, or fetch with mode "no-cors"); PUT, PATCH and DELETE
// are preflighted, and the browser blocks them unless the server opts in.
var csrfStateMethods = map[string]bool{"POST": true}

func checkRouteCSRF(p *Pass) {
	e, f := p.Entry, p.Facts
	if e.Kind != result.KindRouteHandler || !csrfStateMethods[e.Method] || f == nil || f.Facts == nil || e.Fn == nil || f.Signed {
		return
	}
	change := csrfStateChange(f)
	if change == nil {
		return
	}
	sc := newCSRFScan(p.Program)
	sc.fn(e.Fn, 0)
	if e.Wrapper != nil && e.WrapperMod != nil {
		// What a wrapper does is known from the analysis (PreAuthed); its body is
		// read only for defences, not for auth signals.
		sc.weak++
		sc.wrapper(e.WrapperMod, e.Wrapper, 0)
		sc.weak--
	}
	if sc.protected != "" || sc.token != "" {
		return
	}
	cookie := csrfCookieAuth(f, sc)
	if cookie == "" {
		return
	}
	if p.Middleware != "" && middlewareChecksCSRF(p.Program, p.Middleware) {
		return
	}
	where := change.Desc
	if change.Via != "" && change.Inner != nil {
		where = change.Via + "() → " + change.Inner.Desc
	}
	msg := entryNoun(e) + " " + change.What + " (" + code(where) + ") for a caller authenticated by cookie (" + cookie + "), and checks neither the `Origin`/`Sec-Fetch-Site` header, nor a CSRF token, nor a non-simple `Content-Type`. " +
		"Next.js's built-in Origin check covers Server Actions only, not Route Handlers, so another site can make a signed-in user's browser send this request with their cookies: " +
		"a cross-site form post (a `text/plain` body still parses with `await req.json()`), a page on a same-site subdomain (SameSite=Lax does not stop those), or a top-level POST navigation in browsers that still send Lax-by-default cookies on it."
	help := "Reject cross-site requests before doing anything: compare `req.headers.get('origin')` with your own origin (or require `req.headers.get('sec-fetch-site') === 'same-origin'`) and return 403 otherwise; " +
		"or require `content-type: application/json` and reject other types (a cross-site page cannot send that without a CORS preflight); or verify a CSRF token header. " +
		"If only your own UI calls this, a Server Action gets the Origin check for free."
	start, end := entryRange(e)
	d := Diagnostic{File: e.Mod.File, Start: start, End: end, Message: msg, Help: help}
	if change.Mod != nil {
		d.Related = append(d.Related, related(change.Site, "the state change"))
	}
	p.Report(d)
}

// csrfStateChange returns the first operation that changes state: a database
// write, email, payment, file write or paid API call. Reads alone are not worth
// forging, since the attacker cannot see the response.
func csrfStateChange(f *flow.EntryFacts) *flow.Op {
	writes := map[flow.Site]bool{}
	for _, q := range f.Queries {
		if q.Write {
			writes[q.Site] = true
		}
	}
	for _, op := range f.Ops {
		if writes[op.Site] || op.What != "queries the database" {
			if op.What == "queries the database" {
				op2 := *op
				op2.What = "writes to the database"
				return &op2
			}
			return op
		}
	}
	return nil
}

// csrfCookieAuth names how the entry authenticates by cookie, or "".
func csrfCookieAuth(f *flow.EntryFacts, sc *csrfScan) string {
	for _, a := range f.AuthCalls {
		return code(a.Name + "()")
	}
	for _, a := range f.Untrusted {
		return code(a.Name + "()")
	}
	if sc.cookie != "" {
		return sc.cookie
	}
	if sc.session != "" {
		return sc.session
	}
	for _, q := range f.Queries {
		if q.RLS && q.Write {
			return "a Supabase client bound to the request's cookies"
		}
	}
	if f.PreAuthed {
		if f.WrapperName != "" {
			return "the wrapper " + code(f.WrapperName)
		}
		return "its wrapper"
	}
	// A guard helper authenticated the caller; signatures, API keys and bearer
	// tokens were ruled out by the scan, and the auth sources nextguard knows
	// read the session cookie.
	if !sc.verifies && !f.SecretChecked && f.SessionAuth && f.Authenticated() {
		return "a session guard"
	}
	return ""
}

// Header names, lower-cased.
var (
	// A check on one of these defends against CSRF: a cross-site page cannot
	// forge the Origin or Sec-Fetch-* headers, cannot set custom headers, and
	// cannot send a non-simple Content-Type, without a CORS preflight.
	csrfHeaders = map[string]string{
		"origin": "Origin", "referer": "Referer", "sec-fetch-site": "Sec-Fetch-Site", "sec-fetch-mode": "Sec-Fetch-Mode",
		"sec-fetch-dest": "Sec-Fetch-Dest", "x-csrf-token": "CSRF token", "x-xsrf-token": "CSRF token", "csrf-token": "CSRF token",
		"x-csrftoken": "CSRF token", "xsrf-token": "CSRF token", "x-requested-with": "X-Requested-With", "content-type": "Content-Type",
	}
	// Reading one of these means the caller may authenticate with a header
	// browsers never attach on their own (bearer tokens, API keys, webhook
	// signatures).
	tokenHeaderRE   = regexp.MustCompile(`^(authorization|proxy-authorization)$|api[-_]?key|signature|secret|svix-|webhook|^x-hub-|^x-(auth|access|api|service|internal|cron|admin)[-_]?token$|^x-vercel-(signature|cron)`)
	sessionCookieRE = regexp.MustCompile(`(?i)sess|sid|auth|token|jwt|user|login|identity`)
	// Calls that verify a signature: the request is a webhook.
	signatureCalls = map[string]bool{
		"constructEvent": true, "constructEventAsync": true, "parseThinEvent": true, "parseEventNotification": true, "verifySignature": true, "verifySignatureAppRouter": true,
		"verifyWebhook": true, "verifyWebhookSignature": true, "timingSafeEqual": true, "createHmac": true, "validateWebhook": true,
		"verifyKey": true, "verifyRequest": true, "verifySlackRequest": true, "isValidSignature": true,
	}
	// Calls whose name says they defend against CSRF (a project helper or a CSRF library).
	csrfCallRE = regexp.MustCompile(`(?i)csrf|xsrf|same_?origin|(check|verify|validate|assert|ensure|require|is)_?(request_?)?origin|origin_?(check|allowed|valid)|allowed_?origin`)
)

// csrfScan reads the entry's function and the helpers it calls for CSRF
// defences, token authentication and session-cookie reads.
type csrfScan struct {
	prog      *index.Program
	protected string // the defence found, e.g. "Origin header check"
	token     string // the header-based authentication found
	verifies  bool   // a token or signature is verified (jwt.verify, jwtVerify, …)
	cookie    string // a session cookie read
	session   string // a call to a cookie-session auth source, possibly in a helper
	// weak > 0 while reading code that may not run for this request (a wrapper's
	// other branches, functions handed on as values): defences found there
	// count, auth signals do not.
	weak int
	// secrets are variables holding a server secret.
	secrets map[esb.Ref]bool
	seen    map[index.Key]bool
}

func newCSRFScan(prog *index.Program) *csrfScan {
	return &csrfScan{prog: prog, seen: map[index.Key]bool{}}
}

const csrfMaxHelperDepth = 3

// fn scans a function body and the project functions it calls.
func (sc *csrfScan) fn(fn *index.Func, depth int) {
	if fn == nil || fn.Body == nil || depth > csrfMaxHelperDepth || sc.seen[fn.Key()] {
		return
	}
	sc.seen[fn.Key()] = true
	sc.stmts(fn.Mod, fn.Body.Block.Stmts, depth)
}

func (sc *csrfScan) stmts(m *index.Module, stmts []esb.Stmt, depth int) {
	taint := sc.csrfHeaderVars(m, stmts)
	secrets := secretVars(m, stmts)
	checked := func(e *esb.Expr) {
		for _, h := range sc.csrfHeadersIn(m, e, taint) {
			if sc.protected != "" {
				break
			}
			if what, ok := csrfHeaders[h]; ok {
				sc.protected = what + " check"
			} else if customHeader(h) {
				// A cross-site page cannot send a custom header without a CORS
				// preflight, so requiring one defends against CSRF.
				sc.protected = "a required custom header (" + code(h) + ")"
			}
		}
	}
	var calls []*esb.ECall
	var refs []esb.Expr
	v := &astwalk.Visitor{
		OnStmt: func(s *esb.Stmt) bool {
			switch x := s.Data.(type) {
			case *esb.SIf:
				checked(&x.Test)
			case *esb.SWhile:
				checked(&x.Test)
			case *esb.SDoWhile:
				checked(&x.Test)
			case *esb.SSwitch:
				checked(&x.Test)
			}
			return true
		},
		OnExpr: func(e *esb.Expr) bool {
			switch x := e.Data.(type) {
			case *esb.EIf:
				checked(&x.Test)
			case *esb.EUnary:
				if x.Op == esb.UnOpNot {
					checked(&x.Value)
				}
			case *esb.EBinary:
				switch x.Op {
				case esb.BinOpStrictEq, esb.BinOpStrictNe, esb.BinOpLooseEq, esb.BinOpLooseNe:
					checked(&x.Left)
					checked(&x.Right)
					if secretCompare(&x.Left, &x.Right, secrets) || secretCompare(&x.Right, &x.Left, secrets) {
						sc.verifies = true
						if sc.token == "" {
							sc.token = "a shared secret from process.env"
						}
					}
				}
			case *esb.ECall:
				calls = append(calls, x)
				for _, a := range x.Args {
					switch a.Data.(type) {
					case *esb.EIdentifier, *esb.EImportIdentifier:
						refs = append(refs, a) // a function handed on (withMiddleware(handler, authMiddleware))
					}
				}
				name := csrfCallee(m, x.Target)
				if signatureCalls[name] && sc.token == "" {
					sc.token = "a signature check (`" + name + "`)"
				}
				if name == "verify" || name == "jwtVerify" || name == "compactVerify" {
					sc.verifies = true
				}
				if csrfCallRE.MatchString(name) && sc.protected == "" {
					sc.protected = "a CSRF check (`" + name + "`)"
				}
				if sc.session == "" && sc.weak == 0 && sessionCall(m, x, name) {
					sc.session = code(name + "()")
				}
				if spec := importSpecOf(m, x.Target); strings.Contains(strings.ToLower(spec), "csrf") && sc.protected == "" {
					sc.protected = "a CSRF library (`" + spec + "`)"
				}
				if d, ok := x.Target.Data.(*esb.EDot); ok {
					switch d.Name {
					case "includes", "startsWith", "endsWith", "match", "test", "indexOf", "some", "every", "localeCompare":
						checked(&d.Target)
						for i := range x.Args {
							if directArg(x.Args[i]) {
								checked(&x.Args[i])
							}
						}
					case "get", "has":
						sc.headerRead(m, x, taint)
					}
				}
				if !isLogCall(x.Target) {
					for i := range x.Args {
						if directArg(x.Args[i]) {
							checked(&x.Args[i])
						}
					}
				}
			}
			return true
		},
	}
	v.Stmts(stmts)
	if sc.protected != "" || sc.token != "" {
		return
	}
	for _, c := range calls {
		sc.call(m, c, depth+1)
	}
	for _, r := range refs {
		if depth+1 <= csrfMaxHelperDepth {
			if fn := resolveHelperFunc(sc.prog, m, r); fn != nil {
				sc.weak++
				sc.fn(fn, depth+1)
				sc.weak--
			}
		}
	}
}

// proxyHeaderRE names headers proxies and platforms add to every request: their
// presence says nothing about who sent the request.
var proxyHeaderRE = regexp.MustCompile(`^x-(forwarded|real-ip|vercel|middleware|nextjs|invoke|matched-path|request-id|amzn|amz|cloud-trace|client-ip|original|envoy|b3|datadog|correlation|powered-by|nf-|now-)`)

// customHeader: a non-standard request header a browser only sends cross-site
// after a CORS preflight.
func customHeader(h string) bool {
	return strings.HasPrefix(h, "x-") && !proxyHeaderRE.MatchString(h) && !tokenHeaderRE.MatchString(h)
}

// constString resolves a string literal, or a constant holding one, in this
// module or imported from another project module.
func (sc *csrfScan) constString(m *index.Module, e esb.Expr, depth int) (string, bool) {
	if depth > 4 || m == nil {
		return "", false
	}
	switch x := e.Data.(type) {
	case *esb.EString:
		return index.String(x.Value), true
	case *esb.ETemplate:
		if x.TagOrNil.Data == nil && len(x.Parts) == 0 {
			return index.String(x.HeadCooked), true
		}
	case *esb.EIdentifier:
		if d := m.Decls[x.Ref]; d != nil && d.Init != nil && len(d.Path) == 0 {
			return sc.constString(m, *d.Init, depth+1)
		}
	case *esb.EImportIdentifier:
		imp := m.Imports[x.Ref]
		if imp == nil || imp.Target.File == "" || imp.Name == "*" {
			return "", false
		}
		mm := helperModule(sc.prog, imp.Target.File)
		if mm == nil {
			return "", false
		}
		if ex := mm.Exports[imp.Name]; ex != nil && ex.HasLocal {
			if d := mm.Decls[ex.Local]; d != nil && d.Init != nil && len(d.Path) == 0 {
				return sc.constString(mm, *d.Init, depth+1)
			}
		}
	}
	return "", false
}

// call follows a call to a project function.
func (sc *csrfScan) call(m *index.Module, c *esb.ECall, depth int) {
	if depth > csrfMaxHelperDepth {
		return
	}
	name := csrfCallee(m, c.Target)
	if csrfCallRE.MatchString(name) && sc.protected == "" {
		sc.protected = "a CSRF check (`" + name + "`)"
		return
	}
	if spec := importSpecOf(m, c.Target); strings.Contains(strings.ToLower(spec), "csrf") && sc.protected == "" {
		sc.protected = "a CSRF library (`" + spec + "`)"
		return
	}
	if fn := resolveHelperFunc(sc.prog, m, c.Target); fn != nil {
		sc.fn(fn, depth)
	}
}

// wrapper scans a wrapper call and the wrapper calls nested in its arguments
// (withError(withQstash(handler))): each one runs before the handler.
func (sc *csrfScan) wrapper(m *index.Module, c *esb.ECall, depth int) {
	sc.call(m, c, 0)
	if depth > 4 {
		return
	}
	for i := range c.Args {
		if inner, ok := c.Args[i].Data.(*esb.ECall); ok {
			sc.wrapper(m, inner, depth+1)
		}
	}
}

// headerRead notes token headers and session cookies read by `x.get('name')`.
func (sc *csrfScan) headerRead(m *index.Module, x *esb.ECall, taint map[esb.Ref]string) {
	if len(x.Args) == 0 {
		return
	}
	raw, ok := sc.constString(m, x.Args[0], 0)
	if !ok {
		return
	}
	name := strings.ToLower(raw)
	d := x.Target.Data.(*esb.EDot)
	if mentionsCookieStore(m, d.Target, taint) {
		if sessionCookieRE.MatchString(name) && sc.cookie == "" && sc.weak == 0 {
			sc.cookie = "the " + code(raw) + " cookie"
		}
		return
	}
	// `.has("authorization")` only tests presence (often for logging); the
	// value has to be read to authenticate with it.
	if _, csrf := csrfHeaders[name]; !csrf && d.Name == "get" && tokenHeaderRE.MatchString(name) && sc.token == "" {
		sc.token = "the " + code(name) + " header"
	}
}

// sessionCall reports a call to an auth source that reads the session cookie
// (seen in helpers, where the analysis does not report auth calls whose result
// the helper does not return).
func sessionCall(m *index.Module, x *esb.ECall, name string) bool {
	switch name {
	case "getServerSession", "getIronSession", "getKindeServerSession", "currentUser", "validateRequest", "getSession", "getClaims":
		return true
	case "auth":
		// NextAuth v5 / Clerk `auth()`: a bare call of an imported function.
		_, ok := x.Target.Data.(*esb.EImportIdentifier)
		return ok
	case "getUser":
		// supabase.auth.getUser()
		if d, ok := x.Target.Data.(*esb.EDot); ok {
			if dd, ok := d.Target.Data.(*esb.EDot); ok && dd.Name == "auth" {
				return true
			}
		}
	}
	return false
}

// csrfHeaderVars finds variables that hold a request header or cookie value, or
// something computed from one (`const origin = req.headers.get("origin")`,
// `const { host } = new URL(origin)`, `const jar = await cookies()`).
func (sc *csrfScan) csrfHeaderVars(m *index.Module, stmts []esb.Stmt) map[esb.Ref]string {
	taint := map[esb.Ref]string{}
	for round := 0; round < 4; round++ {
		changed := false
		v := &astwalk.Visitor{OnStmt: func(s *esb.Stmt) bool {
			l, ok := s.Data.(*esb.SLocal)
			if !ok {
				return true
			}
			for i := range l.Decls {
				d := &l.Decls[i]
				if d.ValueOrNil.Data == nil {
					continue
				}
				hs := sc.csrfHeadersIn(m, &d.ValueOrNil, taint)
				if len(hs) == 0 && mentionsCookieStore(m, d.ValueOrNil, taint) {
					hs = []string{"cookies"}
				}
				if len(hs) == 0 {
					continue
				}
				for _, ref := range bindingRefList(d.Binding) {
					if _, ok := taint[ref]; !ok {
						taint[ref] = hs[0]
						changed = true
					}
				}
			}
			return true
		}}
		v.Stmts(stmts)
		if !changed {
			break
		}
	}
	return taint
}

// csrfHeadersIn lists the header names e reads (`x.get('origin')`) or the tainted
// variables it mentions.
func (sc *csrfScan) csrfHeadersIn(m *index.Module, e *esb.Expr, taint map[esb.Ref]string) []string {
	var out []string
	v := &astwalk.Visitor{OnExpr: func(x *esb.Expr) bool {
		switch y := x.Data.(type) {
		case *esb.ECall:
			if d, ok := y.Target.Data.(*esb.EDot); ok && (d.Name == "get" || d.Name == "has") && len(y.Args) > 0 {
				if name, ok := sc.constString(m, y.Args[0], 0); ok && !mentionsCookieStore(m, d.Target, taint) {
					out = append(out, strings.ToLower(name))
				}
			}
		case *esb.EIdentifier:
			if h, ok := taint[y.Ref]; ok && h != "cookies" {
				out = append(out, h)
			}
		case *esb.EArrow, *esb.EFunction:
			return false
		}
		return true
	}}
	v.Expr(e)
	return out
}

// mentionsCookieStore reports a cookie store: `cookies()`, `req.cookies`,
// `await cookies()`, or a variable holding one.
func mentionsCookieStore(m *index.Module, e esb.Expr, taint map[esb.Ref]string) bool {
	for depth := 0; depth < 8; depth++ {
		switch x := e.Data.(type) {
		case *esb.EDot:
			if x.Name == "cookies" {
				return true
			}
			e = x.Target
		case *esb.EAwait:
			e = x.Value
		case *esb.ECall:
			if csrfCallee(m, x.Target) == "cookies" {
				return true
			}
			e = x.Target
		case *esb.EIdentifier:
			return taint[x.Ref] == "cookies"
		default:
			return false
		}
	}
	return false
}

func bindingRefList(b esb.Binding) []esb.Ref {
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		return []esb.Ref{x.Ref}
	case *esb.BObject:
		var out []esb.Ref
		for _, p := range x.Properties {
			out = append(out, bindingRefList(p.Value)...)
		}
		return out
	case *esb.BArray:
		var out []esb.Ref
		for _, it := range x.Items {
			out = append(out, bindingRefList(it.Binding)...)
		}
		return out
	}
	return nil
}

// directArg: an argument that is the value itself (a variable, a call, a member),
// not a string or object built from it (`${origin}/success` builds a URL).
func directArg(e esb.Expr) bool {
	switch x := e.Data.(type) {
	case *esb.EIdentifier, *esb.ECall, *esb.EDot, *esb.EIndex:
		return true
	case *esb.EAwait:
		return directArg(x.Value)
	}
	return false
}

func isLogCall(target esb.Expr) bool {
	d, ok := target.Data.(*esb.EDot)
	if !ok {
		return false
	}
	if id, ok := d.Target.Data.(*esb.EDot); ok && (id.Name == "console" || id.Name == "logger") {
		return true
	}
	switch d.Name {
	case "log", "info", "warn", "error", "debug", "trace", "set", "append", "redirect", "rewrite":
		return true
	}
	return false
}

func secretEnv(e *esb.Expr, secrets map[esb.Ref]bool) bool {
	found := false
	v := &astwalk.Visitor{OnExpr: func(x *esb.Expr) bool {
		if id, ok := x.Data.(*esb.EIdentifier); ok && secrets[id.Ref] {
			found = true
			return false
		}
		// process.env.CRON_SECRET, env.API_KEY (a validated env object)
		if d, ok := x.Data.(*esb.EDot); ok && secretEnvRE.MatchString(d.Name) {
			switch t := d.Target.Data.(type) {
			case *esb.EDot:
				found = t.Name == "env"
			case *esb.EIdentifier, *esb.EImportIdentifier:
				found = true
			}
		}
		return !found
	}}
	v.Expr(e)
	return found
}

// secretVars finds variables initialised from a server secret
// (`const expected = process.env.CRON_SECRET`).
func secretVars(m *index.Module, stmts []esb.Stmt) map[esb.Ref]bool {
	out := map[esb.Ref]bool{}
	v := &astwalk.Visitor{OnStmt: func(s *esb.Stmt) bool {
		if l, ok := s.Data.(*esb.SLocal); ok {
			for i := range l.Decls {
				d := &l.Decls[i]
				if d.ValueOrNil.Data != nil && secretEnv(&d.ValueOrNil, out) {
					for _, ref := range bindingRefList(d.Binding) {
						out[ref] = true
					}
				}
			}
		}
		return true
	}}
	v.Stmts(stmts)
	return out
}

var secretEnvRE = regexp.MustCompile(`(?i)secret|token|api_?key|password|passwd|signing|webhook`)

// secretCompare: `token !== process.env.CRON_SECRET`, a value compared with a
// server secret (not `process.env.NODE_ENV === "production"`).
func secretCompare(secret, other *esb.Expr, secrets map[esb.Ref]bool) bool {
	if !secretEnv(secret, secrets) || secretEnv(other, secrets) {
		return false
	}
	switch other.Data.(type) {
	case *esb.EString, *esb.ENumber, *esb.EBoolean, *esb.ENull, *esb.EUndefined, *esb.ETemplate:
		return false
	}
	return true
}

// csrfCallee is the last name of a call target: `verifyOrigin`, `constructEvent`.
func csrfCallee(m *index.Module, target esb.Expr) string {
	switch t := target.Data.(type) {
	case *esb.EIdentifier:
		return m.SymbolName(t.Ref)
	case *esb.EImportIdentifier:
		if imp := m.Imports[t.Ref]; imp != nil && imp.Name != "default" && imp.Name != "*" {
			return imp.Name
		}
		return m.SymbolName(t.Ref)
	case *esb.EDot:
		return t.Name
	case *esb.EAwait:
		return csrfCallee(m, t.Value)
	}
	return ""
}

// importSpecOf is the import specifier a call target comes from, or "".
func importSpecOf(m *index.Module, target esb.Expr) string {
	for depth := 0; depth < 8; depth++ {
		switch t := target.Data.(type) {
		case *esb.EImportIdentifier:
			if imp := m.Imports[t.Ref]; imp != nil {
				return imp.Spec
			}
			return ""
		case *esb.EIdentifier:
			// A namespace import (`import * as v from "valibot"`).
			if imp := m.Imports[t.Ref]; imp != nil {
				return imp.Spec
			}
			return ""
		case *esb.EDot:
			target = t.Target
		case *esb.ECall:
			target = t.Target
		default:
			return ""
		}
	}
	return ""
}

// middlewareChecksCSRF reports whether the app's middleware (proxy) checks the
// Origin or a CSRF token for requests.
func middlewareChecksCSRF(prog *index.Program, rel string) bool {
	mm := helperModule(prog, rel)
	if mm == nil {
		return false
	}
	sc := newCSRFScan(prog)
	for pi := range mm.AST.Parts {
		sc.stmts(mm, mm.AST.Parts[pi].Stmts, 1)
	}
	return sc.protected != ""
}

// resolveHelperFunc finds the function a call target names: a declaration in the same
// module, or an export of a project module it imports (parsed on demand).
func resolveHelperFunc(prog *index.Program, m *index.Module, target esb.Expr) *index.Func {
	switch t := target.Data.(type) {
	case *esb.EIdentifier:
		if d := m.Decls[t.Ref]; d != nil {
			return d.Fn
		}
	case *esb.EImportIdentifier:
		imp := m.Imports[t.Ref]
		if imp == nil || imp.Target.File == "" || imp.Name == "*" {
			return nil
		}
		if d := exportedHelperDecl(prog, imp.Target.File, imp.Name); d != nil {
			return d.Fn
		}
	}
	return nil
}

// exportedHelperDecl finds the declaration behind an export of a project file.
func exportedHelperDecl(prog *index.Program, rel, name string) *index.Decl {
	_, d := exportedDecl(prog, rel, name, 0)
	return d
}

// exportedDecl finds the declaration behind an export of a project file and
// the module it is in, following re-exports (`export { S } from "./types"`,
// or an imported binding exported again).
func exportedDecl(prog *index.Program, rel, name string, depth int) (*index.Module, *index.Decl) {
	mm := helperModule(prog, rel)
	if mm == nil || depth > 6 {
		return nil, nil
	}
	ex := mm.Exports[name]
	switch {
	case ex == nil:
		return nil, nil
	case ex.From != nil && ex.From.Target.File != "" && ex.From.Name != "*":
		return exportedDecl(prog, ex.From.Target.File, ex.From.Name, depth+1)
	case !ex.HasLocal:
		return nil, nil
	}
	if d := mm.Decls[ex.Local]; d != nil {
		return mm, d
	}
	if imp := mm.Imports[ex.Local]; imp != nil && imp.Target.File != "" && imp.Name != "*" {
		return exportedDecl(prog, imp.Target.File, imp.Name, depth+1)
	}
	return nil, nil
}

// helperModule is a project module a rule reads beyond what the analysis
// handed it (a helper's file, the middleware, a schema module): the run's
// Program parses it at most once and resolves its imports like any other.
func helperModule(prog *index.Program, rel string) *index.Module {
	if prog == nil || rel == "" {
		return nil
	}
	return prog.Module(rel)
}
