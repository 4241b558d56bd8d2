// Package flow computes what each function does, across files: whether it
// authenticates the caller, reaches a sensitive operation, queries by a
// client-controlled value without tying it to the caller, validates its input,
// and what it returns. Values are tracked by an abstract interpretation of one
// function at a time over small labels; calls use the callee's summary, computed
// once and memoised (recursion yields an empty summary, so cycles terminate).
package flow

import (
	"sort"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/libs"
)

// Flags are the labels a value carries.
type Flags uint32

const (
	Client      Flags = 1 << iota // chosen by whoever calls the endpoint
	Validated                     // passed through a schema
	TypeChecked                   // passed through a hand-written typeof/if check
	Caller                        // derived from the authenticated identity
	Auth                          // an auth result whose truthiness means "signed in"
	AuthBox                       // an always-truthy auth result whose fields carry the state
	AuthErr                       // truthy means "not signed in" (Supabase `error`)
	DB                            // a database client, model or query builder
	RLS                           // a database client bound to the caller (row-level security)
	Rows                          // whole database rows
	Schema                        // a validation schema
	SafeResult                    // a safeParse result: .data is validated only after .success is checked
	FormData                      // a FormData object
	Request                       // an HTTP request object (route handlers)
	Response                      // a Pages API response object
	Effect                        // a client for email, payments or paid APIs
	Env                           // a process.env value (a server secret)
	Handler                       // the handler a wrapper receives (calling it runs the entry's code)
	Exit                          // calling it never returns (redirect, notFound)
	Secret                        // comparison with it authenticates (API keys, signatures)
	Untrusted                     // Supabase getSession(): not proof of identity
	DTO                           // built from chosen fields (a projection)
	Resp                          // an HTTP response object (NextResponse.json, new Response)
	AuthOrResp                    // the caller's identity, or an error Response for anonymous callers
	Cmp                           // the result of a comparison (Env set: against a server secret)
	Member                        // a property of a parameter (in a summary): a field, not the whole row
	Cred                          // a credential the client presents (Authorization header, API key, session token)
	Role                          // a global role or admin flag of the caller (session.user.role, an admin lookup)
	Stringly                      // always a string by construction (URL path segment, query parameter, header)
	HashCheck                     // the result of comparing a secret with its hash (bcrypt.compare), in a helper
	Listed                        // membership in a list the deployment configures (env.ADMINS.includes(x)): no secret
)

// Origin says where a client-controlled value came from.
type Origin struct {
	ID   string // stable description: "formData.get('id')", "parsedInput.postId"
	Mod  *index.Module
	Loc  esb.Loc
	Root string // the parameter (or source) it derives from, for grouping per input
}

// Val is an abstract value.
type Val struct {
	F Flags
	// MaybeNull: the value may be null or undefined (a literal, or an object
	// field one of the joined objects lacks); `if (v)` may then be false even
	// when v is otherwise a known function.
	MaybeNull bool
	// ErrStatus: a Response whose status is an error (>= 400) on every path.
	ErrStatus bool
	// OkMeansAuthed: a Response that is an error for every anonymous caller
	// (an auth wrapper's answer): its `.ok` says the caller was authenticated.
	OkMeansAuthed bool
	// StatusParam: a Response whose status is the function's parameter
	// StatusParam-1 (statusResponse(status, message)): each call's argument
	// decides whether it is an error.
	StatusParam int
	// Str is the value when it is a known string literal (HasStr): options
	// such as { auth: "both" } and tags such as { status: "ok" } are decided
	// by it.
	Str    string
	HasStr bool
	// AuthTag: for a field of an auth helper's result, the string value it
	// has exactly when the caller is authenticated ({ status: "ok" }).
	AuthTag string
	// Truthy: the value is the literal true, or a comparison of known
	// strings that holds. Known: it (or Falsy) comes from such a comparison,
	// which conditions may fold; a variable holding a boolean literal may be
	// reassigned where the analysis does not follow (in a callback).
	Truthy, Known bool
	// FieldOf is the query whose row this value is a field of (link.password
	// of the link the client named).
	FieldOf *Query
	// FieldName is the column FieldOf's row was read at.
	FieldName string
	// Falsy: the value is the literal false (markAuthFields tells `{ ok:
	// false }` from `{ ok: true }` by it).
	Falsy bool
	// Params: which parameters of the function being summarised the value derives
	// from; KeyParams: which parameters selected the rows it holds.
	Params, KeyParams uint64
	Origin            *Origin // first client origin
	// KeyedBy is the client origin that selected these rows (for owner checks).
	KeyedBy *Origin
	Model   string // model/table of Rows
	RowsAt  *Query
	Fn      *index.Func // a function value
	FnMod   *index.Module
	Pkg     *PkgRef // a package export or a member path below it
	Obj     map[string]Val
	Chain   *Chain    // an action-client builder
	Kind    libs.Kind // for package-built instances: what they are
	What    string    // effect description for Effect values
	// Field names the parameter field a Member value was read from
	// ({ rewardId, programId } destructured in a helper); KeyField the one that
	// selected the rows it holds. Callers substitute that field, not the object.
	Field, KeyField string
}

// PkgRef is a package export and a member path below it (`z.object` → zod, [z object]).
type PkgRef struct {
	Spec string
	Path []string
}

func (p *PkgRef) member(name string) *PkgRef {
	path := make([]string, len(p.Path), len(p.Path)+1)
	copy(path, p.Path)
	return &PkgRef{Spec: p.Spec, Path: append(path, name)}
}

// Has reports whether all flags in f are set.
func (v Val) Has(f Flags) bool { return v.F&f == f }

// Any reports whether any flag in f is set.
func (v Val) Any(f Flags) bool { return v.F&f != 0 }

// Join merges two possible values (a ?? b, c ? a : b, reassignment in branches).
func Join(a, b Val) Val {
	out := a
	out.F |= b.F
	out.MaybeNull = a.MaybeNull || b.MaybeNull
	// Facts that must hold of every alternative: a side that says nothing (the
	// empty start of a join) does not count against them.
	az, bz := a.isZero(), b.isZero()
	every := func(x, y bool) bool { return (x || az) && (y || bz) && (x || y) }
	out.Falsy = a.Falsy && b.Falsy
	out.Truthy = every(a.Truthy, b.Truthy)
	out.Known = every(a.Known, b.Known) && (out.Truthy || out.Falsy)
	out.ErrStatus = every(a.ErrStatus, b.ErrStatus)
	out.OkMeansAuthed = every(a.OkMeansAuthed, b.OkMeansAuthed)
	out.StatusParam = joinStatusParam(a, b, az, bz)
	switch {
	case a.HasStr && b.HasStr && a.Str == b.Str, a.HasStr && bz:
	case b.HasStr && az:
		out.Str, out.HasStr = b.Str, true
	default:
		out.Str, out.HasStr = "", false
	}
	if a.AuthTag != b.AuthTag && !az && !bz {
		out.AuthTag = ""
	} else if out.AuthTag == "" {
		out.AuthTag = b.AuthTag
	}
	out.Params |= b.Params
	out.KeyParams |= b.KeyParams
	if out.Origin == nil {
		out.Origin = b.Origin
	}
	if out.KeyedBy == nil {
		out.KeyedBy = b.KeyedBy
	}
	if out.Model == "" {
		out.Model = b.Model
		out.RowsAt = b.RowsAt
	}
	if out.Fn == nil {
		out.Fn, out.FnMod = b.Fn, b.FnMod
	}
	if out.Pkg == nil {
		out.Pkg = b.Pkg
	}
	if out.Chain == nil {
		out.Chain = b.Chain
	}
	if out.Kind == libs.None {
		out.Kind, out.What = b.Kind, b.What
	}
	switch {
	case a.Params == 0:
		out.Field = b.Field
	case b.Params != 0 && a.Field != b.Field:
		out.Field = "" // two different fields: no single one to substitute
	}
	switch {
	case a.KeyParams == 0:
		out.KeyField = b.KeyField
	case b.KeyParams != 0 && a.KeyField != b.KeyField:
		out.KeyField = ""
	}
	if b.Obj != nil {
		if out.Obj == nil {
			out.Obj = b.Obj
		} else {
			m := make(map[string]Val, len(out.Obj)+len(b.Obj))
			for k, v := range out.Obj {
				m[k] = v
			}
			for k, v := range b.Obj {
				if old, ok := m[k]; ok {
					m[k] = Join(old, v)
				} else {
					v.MaybeNull = true // absent from the other object
					m[k] = v
				}
			}
			for k, v := range out.Obj {
				if _, ok := b.Obj[k]; !ok {
					v.MaybeNull = true
					m[k] = v
				}
			}
			out.Obj = m
		}
	}
	// Validation holds only if both sides are validated.
	if !a.Has(Validated) || !b.Has(Validated) {
		if a.Has(Client) && !a.Has(Validated) || b.Has(Client) && !b.Has(Validated) {
			out.F &^= Validated
		}
	}
	return out
}

// isZero reports whether v says nothing (the start of a join).
func (v Val) isZero() bool {
	return v.F == 0 && v.Params == 0 && v.KeyParams == 0 && v.Obj == nil && v.Fn == nil && v.Pkg == nil && v.Chain == nil && v.Origin == nil && !v.MaybeNull && !v.Falsy && !v.Truthy && !v.HasStr && v.AuthTag == ""
}

// joinStatusParam keeps the parameter that decides the status of every
// alternative: each either takes its status from it or is an error already.
func joinStatusParam(a, b Val, az, bz bool) int {
	errA, errB := a.ErrStatus || az, b.ErrStatus || bz
	switch pa, pb := a.StatusParam, b.StatusParam; {
	case pa != 0 && pb != 0 && pa != pb:
		return 0
	case pa != 0 && (pb == pa || errB):
		return pa
	case pb != 0 && errA:
		return pb
	}
	return 0
}

// data returns the labels that flow from a value into a value derived from it
// (a property, a string built from it, an element): data labels, not identity.
func (v Val) data() Val {
	return Val{F: v.F & (Client | Validated | TypeChecked | Caller | Env | Rows | Cred | Stringly | Member), Params: v.Params, KeyParams: v.KeyParams, Origin: v.Origin, KeyedBy: v.KeyedBy, Model: v.Model, RowsAt: v.RowsAt, Field: v.Field, KeyField: v.KeyField}
}

// deep returns the union of v and everything inside its known object fields.
func (v Val) deep() Val {
	return v.deepTo(0)
}

// maxDeep bounds deep's walk: object values share sub-values, so an
// unbounded walk grows exponentially on generated or deeply merged code,
// while labels deeper than this are not found in real handlers.
const maxDeep = 8

func (v Val) deepTo(depth int) Val {
	out := v.data()
	if depth >= maxDeep {
		return out
	}
	for _, k := range sortedKeys(v.Obj) {
		out = Join(out, v.Obj[k].deepTo(depth+1))
	}
	return out
}

// sortedKeys keeps every walk over object fields deterministic: which origin
// or model a merged value names must not depend on map order.
func sortedKeys(m map[string]Val) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// DeepRows returns the first whole-row value inside v (v itself, a field, an
// element), or a value without Rows.
func (v Val) DeepRows() Val {
	return v.deepRows(0)
}

func (v Val) deepRows(depth int) Val {
	if v.Has(Rows) || depth > 6 {
		return v
	}
	for _, k := range sortedKeys(v.Obj) {
		if r := v.Obj[k].deepRows(depth + 1); r.Has(Rows) {
			return r
		}
	}
	return Val{}
}
