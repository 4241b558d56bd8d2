package rules

import (
	"regexp"
	"sort"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "server-action-for-reads",
			Name:             "ServerActionUsedForReads",
			Short:            "A read-only Server Action is called from a Client Component to fetch data",
			Full:             "A Server Action that only reads data is called from a Client Component's effect, event handler, React Query `queryFn` or SWR fetcher to load data. Server Actions are built for mutations: React runs them one at a time, they are uncached POST requests, and each one is a public endpoint that must authenticate and authorize by itself. Fetching in a Server Component (or a Route Handler) is faster, cacheable and keeps the data path on the server.",
			Severity:         result.Note,
			SecuritySeverity: 2.0,
			Precision:        "medium",
			Tags:             []string{"maintainability", "performance"},
			Kinds:            []string{result.KindServerAction},
		},
		CheckEntry:   recordReadAction,
		CheckProject: checkServerActionForReads,
	})
}

// readAction is a file-level Server Action that only reads the database.
type readAction struct {
	file  *source.File
	rel   string
	name  string
	loc   esb.Loc
	reads string // the first read, for the message
}

// ActionCall is where a Client Component calls a Server Action, and in what
// role. It is the shape of the driver hook this rule would rather use (see
// ActionCallers) than its own scan.
type ActionCall struct {
	File       *source.File
	Start, End int32
	// Context says how the call fetches: "inside useEffect", "in the onClick
	// handler", "as the queryFn of useQuery", "as the fetcher of useSWR",
	// "with use() during render".
	Context string
}

// ActionCallers is the driver hook: when the Settings given to a Pass
// implement it, the rule asks it for the client calls of each action instead
// of scanning the project itself. The driver knows every module and its
// resolved imports, so it can answer without a second parse.
type ActionCallers interface {
	ActionCalls(e *entry.Entry) []ActionCall
}

// mutationCalls: an action that calls one of these changes state even when its
// database calls are reads (set and delete count on cookies() only).
var mutationCalls = map[string]bool{"revalidatePath": true, "revalidateTag": true, "updateTag": true, "refresh": true,
	"set": true, "delete": true}

// readOnlyAction says whether an action only reads: it queries the database,
// every query is a read, every sensitive operation is one of those reads (an
// operation inside a helper counts only when the helper's query is known), it
// returns something, and it neither revalidates nor sets cookies nor mints
// (a signed token, a random id: each call gives something new).
func readOnlyAction(p *Pass) (string, bool) {
	f := p.Facts
	if f == nil || f.Facts == nil || p.Entry.Fn == nil || len(f.Queries) == 0 || len(f.Returns) == 0 || f.SignIn || f.SignInCallback || f.Unread {
		return "", false
	}
	reads := map[esb.Loc]bool{}
	for _, q := range f.Queries {
		if q.Write {
			return "", false
		}
		reads[q.Loc] = true
	}
	for _, op := range f.Ops {
		if op.What != "queries the database" || !reads[op.Loc] {
			return "", false
		}
	}
	mutates := false
	entryCalls(p.Entry.Fn, func(_ *esb.ECall, _ esb.Loc, last, full string) {
		if mutationCalls[last] && (last != "set" && last != "delete" || strings.Contains(full, "cookies()")) {
			mutates = true
		}
	})
	if mutates {
		return "", false
	}
	return f.Queries[0].Desc, true
}

func recordReadAction(p *Pass) {
	if !entryIsServerAction(p.Entry) {
		return
	}
	reads, ok := readOnlyAction(p)
	if !ok {
		return
	}
	a := &readAction{file: p.Entry.Mod.File, rel: p.Entry.Mod.Rel, name: p.Entry.Name, loc: p.Entry.Loc, reads: reads}
	if h, ok := p.Settings.(ActionCallers); ok {
		reportReadAction(p.Report, a, h.ActionCalls(p.Entry))
	}
}

// checkServerActionForReads finds the read-only actions among the run's entry
// points and the client code that calls them.
func checkServerActionForReads(p *ProjectPass) {
	if p.Project == nil {
		return
	}
	if _, ok := p.Settings.(ActionCallers); ok {
		return // reported per entry
	}
	var actions []*readAction
	for _, r := range p.Project.Entries() {
		pass := &Pass{Entry: r.Entry, Facts: r.Facts, Settings: p.Settings}
		if !entryIsServerAction(r.Entry) || r.Facts == nil {
			continue
		}
		if reads, ok := readOnlyAction(pass); ok {
			actions = append(actions, &readAction{file: r.Entry.Mod.File, rel: r.Entry.Mod.Rel, name: r.Entry.Name, loc: r.Entry.Loc, reads: reads})
		}
	}
	if len(actions) == 0 {
		return
	}
	calls := clientActionCalls(scanFor(p), actions)
	for _, a := range actions {
		reportReadAction(p.Report, a, calls[a])
	}
}

func reportReadAction(report func(Diagnostic), a *readAction, calls []ActionCall) {
	if len(calls) == 0 {
		return
	}
	first := calls[0]
	msg := "Server Action " + code(a.name) + " only reads data (" + code(a.reads) + "), and " + first.File.Rel + " calls it " + first.Context + " to fetch data. Server Actions are for mutations: React runs them one at a time, as uncached POST requests, so reads through them queue behind each other and skip caching — and each is a public endpoint that has to authenticate and authorize on its own."
	help := "Fetch the data in a Server Component and pass it down as props, or expose a GET Route Handler and fetch it with SWR/React Query. Keep Server Actions for writes."
	start := a.loc.Start
	end := start + int32(len(a.name))
	if end <= start || int(end) > len(a.file.Text) || a.file.Text[start:end] != a.name {
		end = start + 1
	}
	d := Diagnostic{File: a.file, Start: start, End: end, Message: msg, Help: help}
	for i, c := range calls {
		if i == 4 {
			break
		}
		d.Related = append(d.Related, RelatedDiag{File: c.File, Start: c.Start, End: c.End, Message: "called " + c.Context + " here"})
	}
	report(d)
}

// effectHooks, queryHooks and swrHooks run a function to fetch data.
var (
	effectHooks = map[string]bool{"useEffect": true, "useLayoutEffect": true, "useInsertionEffect": true}
	queryHooks  = map[string]bool{"useQuery": true, "useSuspenseQuery": true, "useInfiniteQuery": true, "useSuspenseInfiniteQuery": true,
		"useQueries": true, "prefetchQuery": true, "fetchQuery": true, "ensureQueryData": true, "queryOptions": true}
	swrHooks    = map[string]bool{"useSWR": true, "useSWRImmutable": true, "useSWRInfinite": true}
	handlerName = regexp.MustCompile(`^(handle|on)[A-Z]`)
)

// clientActionCalls scans the project's "use client" modules for calls of the
// given actions that fetch data.
func clientActionCalls(scan *projectScan, actions []*readAction) map[*readAction][]ActionCall {
	out := map[*readAction][]ActionCall{}
	byRel := map[string][]*readAction{}
	for _, a := range actions {
		byRel[a.rel] = append(byRel[a.rel], a)
	}
	for _, rel := range scan.files {
		f := scan.file(rel)
		if f == nil || !strings.Contains(f.Text, "import") {
			continue
		}
		mentions := false
		for _, a := range actions {
			if strings.Contains(f.Text, a.name) {
				mentions = true
				break
			}
		}
		if !mentions {
			continue
		}
		if client, _ := fileDirectives(f.Text); !client {
			continue
		}
		m := scan.program().Module(rel)
		if m == nil {
			continue
		}
		for a, cs := range callsIn(scan.program(), m, byRel) {
			out[a] = append(out[a], cs...)
		}
	}
	return out
}

// callsIn finds, in client module m, the fetching calls of the actions.
func callsIn(prog *index.Program, m *index.Module, byRel map[string][]*readAction) map[*readAction][]ActionCall {
	direct := map[esb.Ref]*readAction{}
	namespaces := map[esb.Ref][]*readAction{}
	for ref := range m.Imports {
		b := prog.ResolveRef(m, ref)
		if b.Namespace != nil {
			if as := byRel[b.Namespace.Rel]; len(as) > 0 {
				namespaces[ref] = as
			}
			continue
		}
		if b.Mod == nil || b.Decl == nil {
			continue
		}
		for _, a := range byRel[b.Mod.Rel] {
			if b.Decl.Loc == a.loc || b.Decl.Name == a.name {
				direct[ref] = a
			}
		}
	}
	if len(direct) == 0 && len(namespaces) == 0 {
		return nil
	}
	// actionOf says which action an expression names.
	actionOf := func(e esb.Expr) *readAction {
		switch x := e.Data.(type) {
		case *esb.EImportIdentifier:
			return direct[x.Ref]
		case *esb.EIdentifier:
			return direct[x.Ref]
		case *esb.EDot:
			ref, ok := astwalk.IdentRef(x.Target)
			if !ok {
				return nil
			}
			for _, a := range namespaces[ref] {
				if a.name == x.Name {
					return a
				}
			}
		}
		return nil
	}
	// Local functions by name, so `onClick={load}` finds load's body.
	fns := map[esb.Ref]*index.Func{}
	v := astwalk.Visitor{OnStmt: func(s *esb.Stmt) bool {
		switch x := s.Data.(type) {
		case *esb.SFunction:
			if x.Fn.Name != nil {
				fns[x.Fn.Name.Ref] = m.FuncOf(m.SymbolName(x.Fn.Name.Ref), s.Loc, x.Fn.Args, &x.Fn.Body, false, x.Fn.IsAsync)
			}
		case *esb.SLocal:
			for i := range x.Decls {
				if id, ok := x.Decls[i].Binding.Data.(*esb.BIdentifier); ok {
					if f := m.FuncFromExpr(m.SymbolName(id.Ref), x.Decls[i].ValueOrNil); f != nil {
						fns[id.Ref] = f
					} else if c, ok := x.Decls[i].ValueOrNil.Data.(*esb.ECall); ok && len(c.Args) > 0 {
						// useCallback(async () => …, [])
						if last, _ := calleeName(m, c.Target); last == "useCallback" {
							if f := m.FuncFromExpr(m.SymbolName(id.Ref), c.Args[0]); f != nil {
								fns[id.Ref] = f
							}
						}
					}
				}
			}
		}
		return true
	}}
	v.Parts(m.AST.Parts)

	out := map[*readAction][]ActionCall{}
	seen := map[int32]bool{}
	record := func(a *readAction, loc esb.Loc, ctx string) {
		if a == nil || seen[loc.Start] {
			return
		}
		seen[loc.Start] = true
		end := loc.Start + int32(len(a.name))
		out[a] = append(out[a], ActionCall{File: m.File, Start: loc.Start, End: end, Context: ctx})
	}
	// within finds the action calls inside a function or expression.
	within := func(e *esb.Expr, ctx string) {
		if fn := m.FuncFromExpr("", *e); fn != nil {
			w := astwalk.Visitor{OnExpr: func(x *esb.Expr) bool {
				if c, ok := x.Data.(*esb.ECall); ok {
					record(actionOf(c.Target), x.Loc, ctx)
				}
				return true
			}}
			w.Stmts(fn.Body.Block.Stmts)
			return
		}
		// A reference to the action itself (`queryFn: getPosts`), or to a
		// local function that calls it.
		if a := actionOf(*e); a != nil {
			record(a, e.Loc, ctx)
			return
		}
		var ref esb.Ref
		switch x := e.Data.(type) {
		case *esb.EIdentifier:
			ref = x.Ref
		default:
			return
		}
		if fn := fns[ref]; fn != nil {
			w := astwalk.Visitor{OnExpr: func(x *esb.Expr) bool {
				if c, ok := x.Data.(*esb.ECall); ok {
					record(actionOf(c.Target), x.Loc, ctx+" "+code(fn.Name))
				}
				return true
			}}
			w.Stmts(fn.Body.Block.Stmts)
		}
	}
	walker := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
		switch x := e.Data.(type) {
		case *esb.ECall:
			last, _ := calleeName(m, x.Target)
			switch {
			case effectHooks[last] && len(x.Args) > 0:
				within(&x.Args[0], "inside "+last)
			case queryHooks[last]:
				for i := range x.Args {
					if o, ok := x.Args[i].Data.(*esb.EObject); ok {
						for j := range o.Properties {
							if k, ok := o.Properties[j].Key.Data.(*esb.EString); ok && index.String(k.Value) == "queryFn" {
								within(&o.Properties[j].ValueOrNil, "as the queryFn of "+last)
							}
						}
					}
				}
			case swrHooks[last] && len(x.Args) > 1:
				within(&x.Args[1], "as the fetcher of "+last)
			case last == "use" && len(x.Args) > 0:
				if c, ok := x.Args[0].Data.(*esb.ECall); ok {
					record(actionOf(c.Target), x.Args[0].Loc, "with use() during render")
				}
			}
		}
		if _, props, ok := jsxElement(m, e); ok {
			for i := range props {
				p := &props[i]
				k, ok := p.Key.Data.(*esb.EString)
				if !ok || p.ValueOrNil.Data == nil {
					continue
				}
				if name := index.String(k.Value); handlerName.MatchString(name) && strings.HasPrefix(name, "on") {
					within(&p.ValueOrNil, "in the "+name+" handler")
				}
			}
		}
		return true
	}}
	walker.Parts(m.AST.Parts)
	// Event handlers by name (handleSearch, onLoadMore) that no JSX attribute
	// named: passed down to children.
	var handlers []*index.Func
	for ref, fn := range fns {
		if handlerName.MatchString(m.SymbolName(ref)) {
			handlers = append(handlers, fn)
		}
	}
	sort.Slice(handlers, func(i, j int) bool { return handlers[i].Loc.Start < handlers[j].Loc.Start })
	for _, fn := range handlers {
		name := fn.Name
		w := astwalk.Visitor{OnExpr: func(x *esb.Expr) bool {
			if c, ok := x.Data.(*esb.ECall); ok {
				record(actionOf(c.Target), x.Loc, "in the event handler "+code(name))
			}
			return true
		}}
		w.Stmts(fn.Body.Block.Stmts)
	}
	for a := range out {
		cs := out[a]
		sort.Slice(cs, func(i, j int) bool { return cs[i].Start < cs[j].Start })
	}
	return out
}

// entryIsServerAction: the entry points that a client module can import and call.
func entryIsServerAction(e *entry.Entry) bool {
	return e != nil && e.Kind == result.KindServerAction && e.Directive == "file"
}
