package flow

import (
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/index"
)

// condInfo says what a condition tells about the caller: pos when it is true
// only for authenticated callers, neg when it is true for anonymous ones.
type condInfo struct {
	pos, neg bool
	// checkedRefs are client-controlled variables the condition inspects by
	// hand (typeof, emptiness): an exit on the failing branch is a hand check.
	checkedRefs []esb.Ref
	successRefs []esb.Ref
	// safeChecks are safeParse outcomes the condition tests (`if (error)`):
	// failOnTrue when the condition holds for invalid data.
	safeChecks []safeCheck
	// absentRefs are variables the condition holds for when they are falsy
	// (`!user`, `!user || user.banned`): a path that exits when it holds
	// continues with them set.
	absentRefs []esb.Ref
	// successNeg: the condition holds when the safeParse failed (!r.success).
	successNeg bool
	gate       bool
	// role: the gate tests a global role/admin flag.
	role bool
	// config: the condition tests only deployment configuration (process.env).
	config bool
	// secret: the gate checks a shared secret or signature: the caller is a
	// trusted machine (cron, webhook sender), not a user with own records.
	secret bool
	// present (in a summary): parameters whose presence the condition tests.
	present uint64
	// constant: the condition is always true (1) or always false (-1) here:
	// it compares known strings (an option the route passes, auth !== "none").
	constant int8
}

// peek evaluates an expression without recording anything: conditions are
// evaluated for effect once by the caller, then inspected here.
func (fr *frame) peek(e *esb.Expr, st *state) Val {
	if v, ok := fr.last[e]; ok {
		return v
	}
	saved := fr.facts
	fr.facts = newFacts()
	s := *st
	v := fr.eval(e, &s)
	fr.facts = saved
	return v
}

func isLiteral(e esb.Expr) bool {
	switch e.Data.(type) {
	case *esb.EString, *esb.ENumber, *esb.EBoolean:
		return true
	}
	return false
}

// secretField names a column that stores a credential.
func secretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "secret") || strings.HasSuffix(n, "hashedkey") || n == "pin" || n == "passcode"
}

// credentialCheck reports whether stored (an expression reading a field of a
// looked-up row) is a stored secret compared with what the client sent, and
// marks the lookup that loaded it as part of the check.
func (fr *frame) credentialCheck(stored, sent Val) bool {
	in := sent.deep()
	if !isCredentialCompare(stored, sent) || !(in.Has(Client) || fr.summary && in.Params != 0) || sent.Has(Caller) {
		return false
	}
	loc := stored.FieldOf.Site.Loc
	q := stored.FieldOf
	q.Authed = true
	fr.facts.SecretChecked = true
	// Holding the record's secret is the right to act on that record.
	fr.authorize(q.IDOrigin, loc)
	if q.Filter.Has(Client) {
		fr.authorize(q.Filter.Origin, loc)
	}
	for _, op := range fr.facts.Ops {
		if op.Site.Loc == q.Site.Loc && op.Site.Mod == q.Site.Mod {
			op.Authed = true
		}
	}
	return true
}

// isCredentialCompare: stored is a secret column of a looked-up row and sent
// something else (the evaluation of the comparison did the rest; by the time
// the condition is read, the sent value is tied to the caller).
func isCredentialCompare(stored, sent Val) bool {
	in := sent.deep()
	return stored.FieldOf != nil && secretField(stored.FieldName) && sent.FieldOf == nil && (in.Any(Client|Caller) || in.Params != 0)
}

// knownString is the value of a string literal, or of an expression known to
// hold one.
func (fr *frame) knownString(e *esb.Expr, st *state) (string, bool) {
	if s, ok := e.Data.(*esb.EString); ok {
		return index.String(s.Value), true
	}
	if v := fr.peek(e, st); v.HasStr && !v.Has(Client) {
		return v.Str, true
	}
	return "", false
}

func (fr *frame) cond(e *esb.Expr, st *state) condInfo {
	var c condInfo
	switch x := e.Data.(type) {
	case *esb.EUnary:
		if x.Op == esb.UnOpNot {
			in := fr.cond(&x.Value, st)
			in.pos, in.neg = in.neg, in.pos
			in.successNeg = !in.successNeg
			in.constant = -in.constant
			in.absentRefs = nil
			if ref, ok := astwalk.IdentRef(x.Value); ok {
				in.absentRefs = []esb.Ref{ref}
			}
			for i := range in.safeChecks {
				in.safeChecks[i].failOnTrue = !in.safeChecks[i].failOnTrue
			}
			return in
		}
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLogicalOr:
			a, b := fr.cond(&x.Left, st), fr.cond(&x.Right, st)
			switch {
			case a.constant == 1 || b.constant == 1:
				return condInfo{constant: 1}
			case a.constant == -1:
				return b
			case b.constant == -1:
				return a
			}
			return condInfo{neg: a.neg || b.neg, pos: a.pos && b.pos, gate: a.gate || b.gate, role: a.role || b.role, secret: a.secret || b.secret,
				checkedRefs: append(a.checkedRefs, b.checkedRefs...), successRefs: append(a.successRefs, b.successRefs...), present: a.present | b.present,
				safeChecks: append(append([]safeCheck(nil), a.safeChecks...), b.safeChecks...),
				absentRefs: append(append([]esb.Ref(nil), a.absentRefs...), b.absentRefs...)}
		case esb.BinOpLogicalAnd:
			a, b := fr.cond(&x.Left, st), fr.cond(&x.Right, st)
			switch {
			case a.constant == -1 || b.constant == -1:
				return condInfo{constant: -1}
			case a.constant == 1:
				return b
			case b.constant == 1:
				return a
			}
			// `verificationToken !== "" && token !== verificationToken`: the
			// configuration part holds in production; the rest decides.
			if a.config && !a.gate {
				return b
			}
			if b.config && !b.gate {
				return a
			}
			return condInfo{pos: a.pos || b.pos, neg: a.neg && b.neg, gate: a.gate || b.gate, role: a.role || b.role, secret: a.secret || b.secret,
				checkedRefs: append(a.checkedRefs, b.checkedRefs...), successRefs: append(a.successRefs, b.successRefs...)}
		case esb.BinOpStrictEq, esb.BinOpLooseEq, esb.BinOpStrictNe, esb.BinOpLooseNe:
			eq := x.Op == esb.BinOpStrictEq || x.Op == esb.BinOpLooseEq
			l, r := x.Left, x.Right
			if astwalk.IsNullish(l) || isLiteral(l) {
				l, r = r, l
			}
			lv := fr.peek(&l, st)
			if rv := fr.peek(&r, st); fr.summary && lv.Params != 0 && rv.Params != 0 && !lv.Has(Env) && !rv.Has(Env) {
				fr.facts.CmpTested |= lv.Params | rv.Params // expected !== signature
			}
			if rv := fr.peek(&r, st); isCredentialCompare(lv, rv) || isCredentialCompare(rv, lv) {
				// link.password !== password: the caller proves they hold the
				// secret stored on the record; the lookup that loaded it is
				// part of that check.
				c.gate = true
				c.pos, c.neg = eq, !eq
				return c
			}
			if _, lit := r.Data.(*esb.EString); lit && fr.summary && lv.Params != 0 && !lv.HasStr {
				fr.facts.StrTested |= lv.Params
			}
			if rs, ok := fr.knownString(&r, st); ok {
				switch {
				case lv.HasStr && !lv.Has(Client):
					if (lv.Str == rs) == eq {
						c.constant = 1
					} else {
						c.constant = -1
					}
					return c
				case lv.AuthTag != "" && rs == lv.AuthTag:
					// result.status === "authenticated"
					c.gate = true
					c.pos, c.neg = eq, !eq
					return c
				case lv.AuthTag != "" && eq:
					// result.status === "missing": some anonymous state
					c.gate, c.neg = true, true
					return c
				}
			}
			c.checkedRefs = fr.clientRefs(&l, st)
			if u, ok := l.Data.(*esb.EUnary); ok && u.Op == esb.UnOpTypeof {
				c.checkedRefs = append(c.checkedRefs, fr.clientRefs(&u.Value, st)...)
				return c
			}
			if astwalk.IsNullish(r) {
				c.role = lv.Has(Role)
				if lv.Any(Auth | Role) {
					c.gate = true
					c.neg, c.pos = eq, !eq
				} else if lv.Has(AuthErr) {
					c.gate = true
					c.neg, c.pos = !eq, eq
				}
				return c
			}
			rv := fr.peek(&r, st)
			switch {
			case lv.Any(Auth|Role) && isLiteral(r), rv.Any(Auth|Role) && isLiteral(l):
				// Role checks: `session?.user?.role !== "admin"` is false for anonymous
				// callers only when it is an equality test.
				c.gate = true
				c.neg, c.pos = !eq, eq
				c.role = lv.Has(Role) || rv.Has(Role)
			case lv.Any(Env|Secret) && rv.Has(Client), rv.Any(Env|Secret) && lv.Has(Client):
				// `token !== process.env.CRON_SECRET`: a shared-secret check.
				c.gate, c.secret = true, true
				c.neg, c.pos = !eq, eq
			case fr.summary && (lv.Has(Env) && rv.Params != 0 && !rv.Has(Env) || rv.Has(Env) && lv.Params != 0 && !lv.Has(Env)):
				// The same check inside a helper, against a parameter that callers
				// fill with request data (verifySignature(req)).
				c.gate, c.secret = true, true
				c.neg, c.pos = !eq, eq
			case configOnly(lv) && (isLiteral(r) || configOnly(rv)):
				c.config = true
			}
			return c
		case esb.BinOpAssign:
			return fr.cond(&x.Right, st)
		case esb.BinOpIn:
			// `"apiKeyId" in authentication`: the auth result has that shape.
			if v := fr.peek(&x.Right, st); v.Any(Auth | AuthBox) {
				c.gate, c.pos = true, true
			}
			return c
		case esb.BinOpInstanceof:
			// `if (res instanceof Response) return res`: the helper answered an
			// anonymous caller with an error response.
			if fr.peek(&x.Left, st).Has(AuthOrResp) {
				c.gate, c.neg = true, true
			}
			return c
		}
	case *esb.EDot:
		if x.Name == "success" {
			if ref, ok := rootRef(x.Target); ok {
				c.successRefs = append(c.successRefs, ref)
			}
		}
	case *esb.EAwait:
		return fr.cond(&x.Value, st)
	}
	v := fr.peek(e, st)
	if fr.summary && singleParam(v) >= 0 && v.F == 0 {
		c.present = v.Params
	}
	if ref, ok := astwalk.IdentRef(*e); ok {
		if l, ok := fr.safeLinks[ref]; ok {
			c.safeChecks = []safeCheck{{data: l.data, failOnTrue: l.failOnTruthy}}
		}
	}
	if fr.summary && v.Has(Cmp) && !v.Has(Env) {
		fr.facts.CmpTested |= v.Params // !secureCompare(expected, signature)
	}
	switch {
	case v.Known && v.Truthy && !v.Has(Client):
		return condInfo{constant: 1}
	case v.Known && v.Falsy && !v.Has(Client) && !v.MaybeNull:
		return condInfo{constant: -1}
	}
	c.role = v.Has(Role)
	switch {
	case v.Has(Cmp|Env|Caller) && !v.Has(Client):
		// env.ADMINS.includes(session.user.email): the caller on the
		// deployment's list of admins.
		c.pos, c.gate, c.role = true, true, true
	case v.Any(Auth | Role):
		c.pos, c.gate = true, true
	case v.Has(AuthErr):
		c.neg, c.gate = true, true
	case v.Has(Secret), fr.summary && v.Has(Cmp|Env) && v.Params != 0:
		c.pos, c.gate, c.secret = true, true, true
	case configOnly(v):
		c.config = true
	}
	c.secret = c.secret || c.gate && v.Has(Secret)
	c.checkedRefs = append(c.checkedRefs, fr.clientRefs(e, st)...)
	return c
}

// clientRefs lists local variables holding client values that e reads directly.
func (fr *frame) clientRefs(e *esb.Expr, st *state) []esb.Ref {
	if ref, ok := rootRef(*e); ok {
		if v, ok := fr.env[ref]; ok && v.Has(Client) {
			return []esb.Ref{ref}
		}
	}
	if call, ok := e.Data.(*esb.ECall); ok {
		var out []esb.Ref
		for i := range call.Args {
			out = append(out, fr.clientRefs(&call.Args[i], st)...)
		}
		if d, ok := call.Target.Data.(*esb.EDot); ok {
			out = append(out, fr.clientRefs(&d.Target, st)...)
		}
		return out
	}
	return nil
}

// rootRef finds the variable at the root of a member chain (`a.b.c` → a).
func rootRef(e esb.Expr) (esb.Ref, bool) {
	for {
		switch x := e.Data.(type) {
		case *esb.EIdentifier:
			return x.Ref, true
		case *esb.EDot:
			e = x.Target
		case *esb.EIndex:
			e = x.Target
		default:
			return esb.Ref{}, false
		}
	}
}

// afterExitOn applies what an if-statement proved when one branch exits:
// exitOnTrue is set when the branch taken on a true condition exits.
type safeCheck struct {
	data       esb.Ref
	failOnTrue bool
}

func (fr *frame) afterExitOn(c condInfo, exitOnTrue bool) {
	for _, sc := range c.safeChecks {
		// const { data, error } = schema.safeParse(json); if (error) return …
		if sc.failOnTrue == exitOnTrue {
			if v, ok := fr.env[sc.data]; ok {
				v.F |= Validated
				fr.env[sc.data] = v
			}
		}
	}
	if exitOnTrue {
		// if (!user || user.banned) throw …: user is set from here on.
		for _, ref := range c.absentRefs {
			if v, ok := fr.env[ref]; ok && v.MaybeNull {
				v.MaybeNull = false
				fr.env[ref] = v
			}
		}
	}
	// `if (!authentication) return { error }`: callers that pass an auth
	// result get a summary in which this is their auth check.
	fr.facts.TruthTested |= c.present
	if c.gate {
		for _, a := range fr.facts.AuthCalls {
			a.Checked = true
		}
		for _, op := range fr.facts.pendingReads {
			op.Authed = true
		}
		fr.facts.pendingReads = nil
	}
	for _, ref := range c.checkedRefs {
		v := fr.env[ref]
		v.F |= TypeChecked
		fr.env[ref] = v
		if v.Origin != nil {
			fr.facts.TypeChecks[v.Origin.Root] = true
		}
	}
}

// markSuccess records `.success` tests on safeParse results.
func (fr *frame) markSuccess(c condInfo) {
	for _, ref := range c.successRefs {
		v := fr.env[ref]
		if v.Has(SafeResult) {
			v.F |= Validated
			fr.env[ref] = v
		}
	}
	if c.gate {
		for _, a := range fr.facts.AuthCalls {
			a.Checked = true
		}
	}
}

// configOnly is a value made only of deployment configuration (process.env),
// with nothing from the request or the caller.
func configOnly(v Val) bool {
	d := v.deep()
	return d.Has(Env) && !d.Any(Client|Caller|Auth|AuthBox) && d.Params == 0
}
