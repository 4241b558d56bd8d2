package flow

import (
	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/index"
)

// Site is a place in a module.
type Site struct {
	Mod *index.Module
	Loc esb.Loc
	End int32 // byte offset just past the node when known, else 0
}

// Query is one database operation.
type Query struct {
	Site
	Desc  string // "prisma.post.delete"
	Model string
	Write bool
	// Filter: labels of the values that select the rows; IDOrigin is set when a
	// client-controlled value selects by an identifier (id, postId, slug).
	Filter   Val
	IDOrigin *Origin
	// IDParams: in a summary, the parameters that select by an identifier.
	IDParams uint64
	// Data: labels of the values written.
	Data Val
	// Whole: returns whole rows (no select/columns/projection).
	Whole     bool
	Projected bool
	RLS       bool
	Authed    bool
	// Priv: the caller passed a global role check (admin) before the query.
	Priv bool
	// ParentOrigin is a client-controlled id a created record is attached to
	// (data: { projectId }), with its key; nil when none.
	ParentOrigin *Origin
	ParentKey    string
	// Create: the query inserts new records.
	Create bool
	// idRefs (in a summary): local variables the filter selects by an
	// identifier with (where: { id: accountId }).
	idRefs []esb.Ref
	// Guards (in a summary): parameters the query's path requires to be
	// truthy; callers that leave one out never run it.
	Guards uint64
	// FieldGuards: the same for options fields (see guardSet).
	FieldGuards guardSet
	// Included are the relations included whole with the rows
	// (include: { user: true }), by relation field name.
	Included []string
	// ScopedRels are included relations filtered by the caller
	// (include: { users: { where: { userId } } }): the membership test.
	ScopedRels []string
	// ChildRels are included relations filtered by a client id
	// (include: { datarooms: { where: { id: dataroomId } } }), by name.
	ChildRels map[string]*Origin
	// Via names the helper the query happens in, when it is not in the entry.
	Via string
	// Inner is the query inside the helper (for related locations).
	Inner *Query
}

// Op is a sensitive operation.
type Op struct {
	Site
	Desc   string // "prisma.post.delete", "resend.emails.send"
	What   string // "queries the database", "sends email"
	Authed bool
	Via    string
	Inner  *Op
}

// Use is a client-controlled value reaching a sensitive operation.
type Use struct {
	Site
	Val  Val
	Sink string
	// Priv: the caller is an admin or a verified machine (webhook, queue).
	Priv bool
}

// Ret is a returned value.
type Ret struct {
	Site
	Val Val
	// Authed: the caller was authenticated on the path to this return; Priv:
	// as a privileged caller (an admin, or a machine that proved a secret).
	Authed, Priv bool
}

// AuthCall is a call to an auth source; Checked is set once its result gated
// execution.
type AuthCall struct {
	Site
	Name    string
	Checked bool
}

// HandlerCall is where a wrapper runs the wrapped handler.
type HandlerCall struct {
	Authed bool
	Priv   bool
	Args   []Val
	Site
}

// Facts is what one analysis of a function found.
type Facts struct {
	Ops        []*Op
	Queries    []*Query
	Uses       []*Use
	Returns    []Ret
	AuthCalls  []*AuthCall
	Untrusted  []*AuthCall
	Authorized map[string]Site // origin ID -> where it was authorized
	// ExitAuthed: every normal exit (return or end of body) is authenticated.
	ExitAuthed bool
	// ExitPriv: every normal exit is privileged (see state.priv).
	ExitPriv bool
	// NormalExits counts returns plus a reachable end of body.
	NormalExits int
	SignIn      bool
	// SignInCallback: the entry completes a sign-in begun elsewhere (an OAuth
	// or magic-link code exchange).
	SignInCallback bool
	// SecretChecked: the caller proved they hold a secret stored on a record
	// (a link password, an OAuth client secret): not a cookie session.
	SecretChecked bool
	// SessionAuth: an auth source that reads the session (cookie) ran: the
	// caller may be a browser carrying cookies (route-csrf).
	SessionAuth bool
	// StrTested (in a summary): parameters compared with string literals in
	// conditions (authMode !== "none"); calls passing known strings for them
	// get a summary specialised to those strings.
	StrTested uint64
	// TruthTested (in a summary): parameters whose presence a condition
	// tests (`if (!authentication) return { error }`); calls passing an auth
	// result for them get a summary specialised to it.
	TruthTested uint64
	// CmpTested (in a summary): parameters whose comparison decides a
	// condition (an HMAC under the `secret` parameter against the
	// signature): calls passing a server secret for one get a summary
	// specialised to it.
	CmpTested uint64
	// Filtered (in a summary): parameters a database query selects by
	// (`findUnique({ where: { hash: key } })`): calls passing a presented
	// credential for one get a summary specialised to it, where that lookup
	// is the authentication.
	Filtered uint64
	// Asserted (in a summary): parameters the function validates with a
	// check that throws unless they are valid (Schema.parse(p), or
	// safeParse followed by throw on failure).
	Asserted    uint64
	RateLimited bool
	// pendingReads: database reads that ran alongside an auth call in a
	// Promise.all, authenticated once that call's result gates the path.
	pendingReads []*Op
	// Unread: the function does more than read, even when its queries are
	// reads: it issues something new (a signed token, a random id) or calls
	// an API client whose effect is unknown.
	Unread bool
	// ThrowsUnauthed: some path throws while the caller is not authenticated
	// (a middleware that rejects some callers, perhaps on a check nextguard
	// cannot see into); a throw for signed-in callers does not count.
	ThrowsUnauthed bool
	Handlers       []HandlerCall
	TypeChecks     map[string]bool // origin roots checked by hand
	ParamsAuthed   uint64          // params that were gated on by an auth check (authz via params)
	AuthzPairs     []AuthzPair
}

// AuthzPair is a check that ties Subject (what is being accessed) to Against
// (who is accessing): a comparison with exit, or a scoped query.
type AuthzPair struct {
	Subject, Against Val
	Site
}

func newFacts() *Facts {
	return &Facts{Authorized: map[string]Site{}, TypeChecks: map[string]bool{}}
}
