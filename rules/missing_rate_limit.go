package rules

import (
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "missing-rate-limit",
			Name:             "MissingRateLimit",
			Short:            "Unauthenticated entry point sends email or SMS, runs a sign-in or sign-up flow, or calls a paid API without a rate limit",
			Full:             "A Server Action, Route Handler or API route that anyone can call without signing in sends email or SMS, creates accounts, signs users in, resets passwords or calls a paid API, and nothing limits how often it runs. Attackers script it to spam through your domain, pump SMS fees, brute-force passwords and one-time codes, or burn your AI budget.",
			Severity:         result.Warning,
			SecuritySeverity: 5.3,
			Precision:        "medium",
			CWE:              []string{"CWE-770", "CWE-307"},
			Tags:             []string{"rate-limiting", "abuse"},
		},
		CheckEntry: checkMissingRateLimit,
	})
}

// costlyEffects are the effect descriptions (libs' What) that cost money or
// reputation per call.
var costlyEffects = map[string]bool{
	"sends email":         true,
	"sends SMS":           true,
	"calls a paid API":    true,
	"calls a paid AI API": true,
}

// authFlow classifies a name seen in an entry point (its own name or a call in
// its body) as part of a public authentication flow.
type authFlow uint8

const (
	flowNone authFlow = iota
	// flowBenign: sign-out, OAuth redirects and passkeys, which volume does not abuse.
	flowBenign
	flowSignIn
	flowSignUp
	flowReset
	flowOTP
)

func (f authFlow) what() string {
	switch f {
	case flowSignIn:
		return "signs users in with a password"
	case flowSignUp:
		return "creates accounts"
	case flowReset:
		return "sends password-reset requests"
	case flowOTP:
		return "sends or checks one-time codes or magic links"
	}
	return ""
}

// authFlowNames maps normalised names (lower case, no '_', no handle- prefix or
// -action/-handler suffix) to the flow they run. Names are what auth libraries
// and tutorials call these functions; the engine's SignIn fact says a flow runs,
// these say which.
var authFlowNames = map[string]authFlow{
	"signout": flowBenign, "logout": flowBenign, "logoutuser": flowBenign,

	"signin": flowSignIn, "login": flowSignIn, "signinwithpassword": flowSignIn, "signinemail": flowSignIn,
	"signinwithcredentials": flowSignIn, "loginwithpassword": flowSignIn, "authenticate": flowSignIn, "emaillogin": flowSignIn,
	"loginwithemail": flowSignIn, "signinwithemail": flowSignIn, "loginuser": flowSignIn, "signinwithemailandpassword": flowSignIn,
	"signinusername": flowSignIn,

	"signup": flowSignUp, "register": flowSignUp, "registeruser": flowSignUp, "createaccount": flowSignUp, "signupemail": flowSignUp,
	"signupwithemail": flowSignUp, "createuserwithemailandpassword": flowSignUp, "signupuser": flowSignUp,

	"forgotpassword": flowReset, "forgetpassword": flowReset, "resetpassword": flowReset, "requestpasswordreset": flowReset,
	"sendpasswordresetemail": flowReset, "sendresetpasswordemail": flowReset, "passwordreset": flowReset,
	"resetpasswordforemail": flowReset, "requestpasswordresetemail": flowReset,

	"sendotp": flowOTP, "resendotp": flowOTP, "signinwithotp": flowOTP, "verifyotp": flowOTP, "sendmagiclink": flowOTP,
	"requestmagiclink": flowOTP, "signinwithmagiclink": flowOTP, "sendverificationemail": flowOTP, "verifycode": flowOTP,
	"sendverificationcode": flowOTP, "sendverificationotp": flowOTP, "verifyemailotp": flowOTP, "signinmagiclink": flowOTP,
	"emailotp": flowOTP, "phonenumbersendotp": flowOTP, "sendphoneotp": flowOTP,
}

// emailSignInProviders are next-auth provider ids whose signIn sends a magic
// link; "credentials" checks a password. Any other provider id is OAuth, which
// only redirects and is not abusable by volume.
var emailSignInProviders = map[string]authFlow{
	"credentials": flowSignIn, "email": flowOTP, "resend": flowOTP, "nodemailer": flowOTP, "sendgrid": flowOTP,
	"postmark": flowOTP, "http-email": flowOTP, "forwardemail": flowOTP, "passkey": flowBenign, "webauthn": flowBenign,
}

func normaliseFlowName(name string) string {
	n := strings.ToLower(strings.ReplaceAll(name, "_", ""))
	n = strings.TrimPrefix(n, "handle")
	for _, suf := range []string{"action", "handler"} {
		n = strings.TrimSuffix(n, suf)
	}
	return n
}

// rateLimiterName reports whether a callee name says it rate-limits: project
// helpers such as rateLimit(ip), checkRateLimit(), limiter.consume(key),
// throttle(). The engine recognises the libraries (Upstash, Arcjet) and
// configured names; a hand-written limiter is only recognisable by its name.
func rateLimiterName(name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "ratelimit") || strings.Contains(n, "throttl") {
		return true
	}
	// A limiter object: `limiter.consume()`, `loginLimiter.check()`, not
	// `delimiter`.
	for _, seg := range strings.Split(name, ".") {
		if l := strings.ToLower(seg); l == "limiter" || strings.HasSuffix(seg, "Limiter") || strings.HasSuffix(l, "_limiter") {
			return true
		}
	}
	return false
}

type flowHit struct {
	flow authFlow
	name string
	loc  esb.Loc
}

// entryCalls walks the entry's handler and reports every call with its callee
// text ("supabase.auth.signUp") and its last name ("signUp").
func entryCalls(fn *index.Func, visit func(call *esb.ECall, loc esb.Loc, last, full string)) {
	if fn == nil || fn.Body == nil {
		return
	}
	v := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
		if c, ok := e.Data.(*esb.ECall); ok {
			last, full := calleeName(fn.Mod, c.Target)
			if last != "" {
				visit(c, e.Loc, last, full)
			}
		}
		return true
	}}
	v.Stmts(fn.Body.Block.Stmts)
}

// calleeName returns the last name of a call target and its dotted text.
func calleeName(m *index.Module, target esb.Expr) (last, full string) {
	switch t := target.Data.(type) {
	case *esb.EIdentifier:
		n := m.SymbolName(t.Ref)
		return n, n
	case *esb.EImportIdentifier:
		n := m.SymbolName(t.Ref)
		return n, n
	case *esb.EDot:
		_, base := calleeName(m, t.Target)
		if base == "" {
			base = "…"
		}
		return t.Name, base + "." + t.Name
	case *esb.ECall:
		_, base := calleeName(m, t.Target)
		if base == "" {
			return "", ""
		}
		return "", base + "()"
	case *esb.EAwait:
		return calleeName(m, t.Value)
	}
	return "", ""
}

func checkMissingRateLimit(p *Pass) {
	f := p.Facts
	if f == nil || f.Facts == nil || f.Entry.Fn == nil || f.RateLimited || f.Authenticated() {
		return
	}
	e := p.Entry
	// Which public auth flows run, by the entry's name and its calls.
	var flows []flowHit
	limited := false
	entryCalls(e.Fn, func(c *esb.ECall, loc esb.Loc, last, full string) {
		if rateLimiterName(last) || rateLimiterName(full) {
			limited = true
			return
		}
		fl := authFlowNames[normaliseFlowName(last)]
		if fl == flowSignIn && last == "signIn" && len(c.Args) > 0 {
			// next-auth signIn(provider): OAuth providers only redirect.
			if s, ok := c.Args[0].Data.(*esb.EString); ok {
				if fl = emailSignInProviders[index.String(s.Value)]; fl == flowNone {
					fl = flowBenign
				}
			}
		}
		if fl != flowNone {
			flows = append(flows, flowHit{flow: fl, name: full, loc: loc})
		}
	})
	if limited {
		return
	}
	if fl := authFlowNames[normaliseFlowName(e.Name)]; fl != flowNone && len(flows) == 0 {
		// The name says which flow only when the calls do not:
		// signInWithEmail that calls signInWithOtp sends a code, it checks no
		// password.
		flows = append(flows, flowHit{flow: fl, name: e.Name, loc: e.Loc})
	}
	var reasons []string
	var sites []RelatedDiag
	seen := map[string]bool{}
	for _, op := range f.Ops {
		if !costlyEffects[op.What] || seen[op.What] {
			continue
		}
		seen[op.What] = true
		reasons = append(reasons, op.What+" ("+code(op.Desc)+")")
		sites = append(sites, related(op.Site, "here it "+op.What+" on every call"))
	}
	for _, h := range flows {
		if h.flow == flowBenign {
			continue
		}
		w := h.flow.what()
		if seen[w] {
			continue
		}
		seen[w] = true
		if h.loc == e.Loc {
			reasons = append(reasons, w)
		} else {
			reasons = append(reasons, w+" ("+code(h.name)+")")
			start := h.loc.Start
			sites = append(sites, RelatedDiag{File: e.Fn.Mod.File, Start: start, End: start, Message: "here it " + w})
		}
	}
	if f.SignIn && len(flows) == 0 && len(reasons) == 0 {
		// The engine saw a sign-in or sign-up step (an auth library call, a
		// password hash or check) this rule cannot name more precisely. A
		// sign-out alone (flows holds only it) is not abusable.
		reasons = append(reasons, "runs a sign-in or sign-up step")
	}
	if len(reasons) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString(entryNoun(e) + " " + joinReasons(reasons) + " for callers who are not signed in, and nothing limits how often it runs.")
	b.WriteString(" This is exploitable because " + entryExposure(e) + ": a script can call it thousands of times a minute")
	b.WriteString(abuseOf(reasons) + ".")
	help := "Limit it per IP address and per target (email, phone, account) before the costly call: Upstash `const { success } = await ratelimit.limit(ip); if (!success) throw new Error(\"Too many requests\")`, or Arcjet `const decision = await aj.protect(req); if (decision.isDenied()) …`; add a CAPTCHA for sign-up and contact forms. If your own helper limits the rate, list it in `rateLimiters`."
	start, end := entryRange(e)
	d := Diagnostic{File: e.Mod.File, Start: start, End: end, Message: b.String(), Help: help, Related: sites}
	p.Report(d)
}

func joinReasons(rs []string) string {
	switch len(rs) {
	case 1:
		return rs[0]
	case 2:
		return rs[0] + " and " + rs[1]
	}
	return strings.Join(rs[:len(rs)-1], ", ") + " and " + rs[len(rs)-1]
}

// abuseOf names what an attacker gains, for the message.
func abuseOf(reasons []string) string {
	var out []string
	has := func(s string) bool {
		for _, r := range reasons {
			if strings.HasPrefix(r, s) {
				return true
			}
		}
		return false
	}
	if has("sends email") || has("sends password-reset") || has("sends or checks one-time") {
		out = append(out, "flood inboxes from your domain (hurting its reputation)")
	}
	if has("sends SMS") {
		out = append(out, "run up SMS charges (SMS pumping fraud)")
	}
	if has("calls a paid") {
		out = append(out, "spend your API budget")
	}
	if has("signs users in") {
		out = append(out, "guess passwords (credential stuffing)")
	}
	if has("sends or checks one-time") {
		out = append(out, "guess one-time codes")
	}
	if has("creates accounts") {
		out = append(out, "create fake accounts in bulk")
	}
	if has("runs a sign-in") {
		out = append(out, "guess passwords or create fake accounts")
	}
	if len(out) == 0 {
		return ""
	}
	return " to " + joinReasons(out)
}
