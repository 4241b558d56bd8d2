package rules

import (
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/entry"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/parse"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// callerHook is a driver that knows the client calls of every action.
type callerHook struct{ calls []ActionCall }

func (h callerHook) Strings(string) []string                 { return nil }
func (h callerHook) ActionCalls(e *entry.Entry) []ActionCall { return h.calls }

// readActionPass builds the Pass the driver would give for one action whose
// facts say it runs one query.
func readActionPass(t *testing.T, write bool, s Settings, report func(Diagnostic)) *Pass {
	t.Helper()
	f := source.New("/p/app/actions.ts", "app/actions.ts", "\"use server\";\nexport async function getPosts() {\n  return db.post.findMany();\n}\n")
	pm, diags := parse.File(f)
	if pm == nil {
		t.Fatal(diags)
	}
	m := index.Build(f.Rel, pm, func(string) index.Target { return index.Target{} })
	var d *index.Decl
	for _, x := range m.Decls {
		if x.Name == "getPosts" {
			d = x
		}
	}
	if d == nil || d.Fn == nil {
		t.Fatal("no getPosts")
	}
	e := &entry.Entry{Kind: result.KindServerAction, Directive: "file", Name: "getPosts", Mod: m, Loc: d.Loc, Fn: d.Fn}
	site := flow.Site{Mod: m, Loc: d.Fn.Body.Loc}
	what := "queries the database"
	if write {
		what = "writes to the database"
	}
	facts := &flow.EntryFacts{Entry: e, Facts: &flow.Facts{
		Queries: []*flow.Query{{Site: site, Desc: "db.post.findMany", Write: write}},
		Ops:     []*flow.Op{{Site: site, Desc: "db.post.findMany", What: what}},
		Returns: []flow.Ret{{Site: site}},
	}}
	return NewPass(e, facts, "", nil, s, report)
}

func TestActionCallersHook(t *testing.T) {
	client := source.New("/p/app/list.tsx", "app/list.tsx", "\"use client\";\nuseEffect(() => { getPosts() }, [])\n")
	at := int32(strings.Index(client.Text, "getPosts"))
	hook := callerHook{calls: []ActionCall{{File: client, Start: at, End: at + 8, Context: "inside useEffect"}}}
	var got []Diagnostic
	recordReadAction(readActionPass(t, false, hook, func(d Diagnostic) { got = append(got, d) }))
	if len(got) != 1 {
		t.Fatalf("got %d diagnostics, want 1", len(got))
	}
	d := got[0]
	if d.File.Text[d.Start:d.End] != "getPosts" || !strings.Contains(d.Message, "app/list.tsx calls it inside useEffect") ||
		len(d.Related) != 1 || d.Related[0].File != client {
		t.Errorf("diagnostic: %+v", d)
	}

	got = nil
	recordReadAction(readActionPass(t, true, hook, func(d Diagnostic) { got = append(got, d) }))
	if len(got) != 0 {
		t.Errorf("an action that writes was reported: %v", got[0].Message)
	}
	got = nil
	recordReadAction(readActionPass(t, false, callerHook{}, func(d Diagnostic) { got = append(got, d) }))
	if len(got) != 0 {
		t.Errorf("an action no client calls was reported: %v", got[0].Message)
	}
}
