package docs_test

// These tests keep the rule docs honest: every rule has exactly one doc with the
// fixed sections, the metadata table agrees with the rule's metadata, and every
// example under "## Bad" and "## Good" is run through the whole analyzer — a Bad
// example must trigger its rule, a Good one must not. Examples the analyzer does
// not handle yet belong under "## Known limitations", which is not run.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/docs"
	"github.com/nextguard/nextguard/rules"
	"github.com/nextguard/nextguard/schemas"
)

// driverRules have a doc but no registered rule: the driver reports them.
var driverRules = map[string]bool{analyzer.UnusedSuppression: true}

// exampleRules are the rules whose Bad/Good examples are run.
var exampleRules = []string{"missing-auth", "missing-ownership", "missing-validation", "raw-orm-return", "route-csrf", "mass-assignment",
	"secret-exposure", "missing-rate-limit", "server-action-for-reads", "client-prop-leak", analyzer.UnusedSuppression}

// projectRules look at components and client code, not only at entry points:
// their examples are several files (split on "// file:" lines) and need not
// be Server Action files.
var projectRules = []string{"secret-exposure", "server-action-for-reads", "client-prop-leak"}

// headings are the fixed second-level sections of a rule doc, in order.
var headings = []string{
	"Why this is exploitable",
	"What the rule checks",
	"Bad",
	"Good",
	"How to fix",
	"Configuration",
	"Suppressing",
	"Known limitations",
	"References",
}

func TestEveryRuleHasOneDoc(t *testing.T) {
	registered := map[string]bool{}
	for _, r := range rules.All() {
		registered[r.ID] = true
		if _, ok := docs.Rule(r.ID); !ok {
			t.Errorf("rule %s has no doc: add docs/rules/%s.md", r.ID, r.ID)
		}
	}
	seen := map[string]bool{}
	for _, id := range docs.RuleIDs() {
		if seen[id] {
			t.Errorf("doc %s listed twice", id)
		}
		seen[id] = true
		if registered[id] && driverRules[id] {
			t.Errorf("%s is both a registered rule and a driver rule", id)
		}
		if !registered[id] && !driverRules[id] {
			t.Errorf("docs/rules/%s.md documents no registered rule", id)
		}
	}
	for id := range driverRules {
		if !seen[id] {
			t.Errorf("driver rule %s has no doc", id)
		}
	}
}

func TestDocStructure(t *testing.T) {
	for _, id := range docs.RuleIDs() {
		t.Run(id, func(t *testing.T) {
			doc, _ := docs.Rule(id)
			lines := strings.Split(doc, "\n")
			if lines[0] != "# "+id {
				t.Errorf("first line is %q, want %q", lines[0], "# "+id)
			}
			// The summary: the first non-empty line after the title, one sentence.
			summary := ""
			for _, l := range lines[1:] {
				if strings.TrimSpace(l) != "" {
					summary = l
					break
				}
			}
			if summary == "" || strings.HasPrefix(summary, "#") || strings.HasPrefix(summary, "|") || !strings.HasSuffix(summary, ".") {
				t.Errorf("the title must be followed by a one-sentence summary ending in a period, got %q", summary)
			}
			var got []string
			inFence := false
			for _, l := range lines {
				if strings.HasPrefix(l, "```") {
					inFence = !inFence
				}
				if !inFence && strings.HasPrefix(l, "## ") {
					got = append(got, strings.TrimPrefix(l, "## "))
				}
			}
			if !slices.Equal(got, headings) {
				t.Errorf("sections are\n  %q\nwant, in this order,\n  %q", got, headings)
			}
			table := metaTable(doc)
			for _, k := range []string{"Severity", "Security severity", "Precision", "CWE"} {
				if table[k] == "" {
					t.Errorf("metadata table has no %q row", k)
				}
			}
			if slices.Contains(exampleRules, id) && table["Applies to"] == "" {
				t.Errorf("metadata table has no %q row", "Applies to")
			}
			if r := rules.Get(id); r != nil {
				checkMeta(t, r, table)
			}
		})
	}
}

// checkMeta compares the doc's metadata table with the rule's metadata.
func checkMeta(t *testing.T, r *rules.Rule, table map[string]string) {
	t.Helper()
	if got := table["Severity"]; !strings.HasPrefix(got, string(r.Severity)) {
		t.Errorf("Severity row %q does not start with the rule's default %q", got, r.Severity)
	}
	if got, want := table["Security severity"], strconv.FormatFloat(r.SecuritySeverity, 'f', 1, 64); !strings.HasPrefix(got, want) {
		t.Errorf("Security severity row %q does not start with %s", got, want)
	}
	if got := table["Precision"]; !strings.HasPrefix(got, r.Precision) {
		t.Errorf("Precision row %q does not start with %q", got, r.Precision)
	}
	for _, cwe := range r.CWE {
		if !strings.Contains(table["CWE"], cwe) {
			t.Errorf("CWE row %q does not name %s", table["CWE"], cwe)
		}
	}
}

// metaTable reads the "| key | value |" rows before the first section.
func metaTable(doc string) map[string]string {
	out := map[string]string{}
	head, _, _ := strings.Cut(doc, "\n## ")
	for _, l := range strings.Split(head, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(l), "|"), "|")
		if !strings.HasPrefix(strings.TrimSpace(l), "|") || len(cells) < 2 {
			continue
		}
		out[strings.TrimSpace(cells[0])] = strings.TrimSpace(strings.Join(cells[1:], "|"))
	}
	return out
}

// example is one fenced ts/tsx block under "## Bad" or "## Good".
type example struct {
	section string // "Bad" or "Good"
	line    int    // 1-based line of the opening fence in the doc
	path    string // from the "// file:" first line; app/actions.ts by default
	text    string
}

// examples extracts the runnable blocks of a doc.
func examples(doc string) []example {
	var out []example
	section := ""
	var cur *example
	var body []string
	for i, l := range strings.Split(doc, "\n") {
		if cur != nil {
			if strings.HasPrefix(l, "```") {
				cur.text = strings.Join(body, "\n") + "\n"
				cur.path = "app/actions.ts"
				if len(body) > 0 {
					if p, ok := strings.CutPrefix(strings.TrimSpace(body[0]), "// file:"); ok {
						cur.path = strings.TrimSpace(p)
					}
				}
				out = append(out, *cur)
				cur, body = nil, nil
				continue
			}
			body = append(body, l)
			continue
		}
		if h, ok := strings.CutPrefix(l, "## "); ok {
			section = h
			continue
		}
		if section != "Bad" && section != "Good" {
			continue
		}
		if lang := strings.TrimSpace(strings.TrimPrefix(l, "```")); strings.HasPrefix(l, "```") && (lang == "ts" || lang == "tsx") {
			cur = &example{section: section, line: i + 1}
			body = nil
		}
	}
	return out
}

// fixture is the project every example runs in, besides the example itself.
var fixture = map[string]string{
	"package.json":  `{"name":"x","dependencies":{"next":"15.5.21"}}` + "\n",
	"tsconfig.json": `{"compilerOptions":{"baseUrl":".","paths":{"@/*":["./*"]}}}` + "\n",
	"lib/db.ts": `import { PrismaClient } from "@prisma/client";
export const prisma = new PrismaClient();
`,
	"lib/auth.ts": `import NextAuth from "next-auth";
export const { auth, signIn, signOut } = NextAuth({ providers: [] });
`,
	"lib/session.ts": `import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";

export async function requireUser() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  return session.user;
}
`,
}

func TestDocExamples(t *testing.T) {
	for _, id := range exampleRules {
		doc, ok := docs.Rule(id)
		if !ok {
			t.Errorf("no doc for %s", id)
			continue
		}
		exs := examples(doc)
		count := map[string]int{}
		for _, ex := range exs {
			count[ex.section]++
		}
		if count["Bad"] == 0 || count["Good"] == 0 {
			t.Errorf("%s: want at least one ts block under ## Bad and under ## Good, found %d and %d", id, count["Bad"], count["Good"])
		}
		for _, ex := range exs {
			t.Run(fmt.Sprintf("%s/%s_line%d", id, ex.section, ex.line), func(t *testing.T) {
				t.Parallel()
				runExample(t, id, ex)
			})
		}
	}
}

func runExample(t *testing.T, id string, ex example) {
	files := splitFiles(ex.path, ex.text)
	if !slices.Contains(projectRules, id) {
		isRoute := strings.HasPrefix(ex.path, "pages/api/") || strings.HasSuffix(strings.TrimSuffix(ex.path, filepath.Ext(ex.path)), "/route")
		if !isRoute && !strings.Contains(ex.text, `"use server"`) {
			t.Errorf("docs/rules/%s.md:%d: the example is not self-contained: a Server Action file starts with \"use server\";\n%s", id, ex.line, ex.text)
		}
	}
	dir := t.TempDir()
	for p, s := range fixture {
		if _, ok := files[p]; !ok {
			files[p] = s
		}
	}
	for p, s := range files {
		abs := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := analyzer.Run(context.Background(), analyzer.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatalf("docs/rules/%s.md:%d: analyzer.Run: %v", id, ex.line, err)
	}
	var hits []result.Finding
	for _, f := range res.Findings {
		if f.RuleID == id {
			hits = append(hits, f)
		}
	}
	var errs []string
	for _, e := range res.Errors {
		if e.File == ex.path {
			errs = append(errs, fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message))
		}
	}
	switch {
	case len(errs) > 0:
		t.Errorf("docs/rules/%s.md:%d: the %s example does not parse cleanly:\n%s\n--- example (%s) ---\n%s", id, ex.line, ex.section, strings.Join(errs, "\n"), ex.path, numbered(ex.text))
	case ex.section == "Bad" && len(hits) == 0:
		t.Errorf("docs/rules/%s.md:%d: the Bad example triggers no %s finding.\n--- example (%s) ---\n%s--- all findings ---\n%s", id, ex.line, id, ex.path, numbered(ex.text), listFindings(res.Findings))
	case ex.section == "Good" && len(hits) > 0:
		t.Errorf("docs/rules/%s.md:%d: the Good example triggers %s.\n--- example (%s) ---\n%s--- all findings ---\n%s", id, ex.line, id, ex.path, numbered(ex.text), listFindings(res.Findings))
	}
}

func numbered(text string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fmt.Fprintf(&b, "%3d  %s\n", i+1, l)
	}
	return b.String()
}

func listFindings(fs []result.Finding) string {
	if len(fs) == 0 {
		return "(none)\n"
	}
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s:%d:%d %s %s: %s\n", f.File, f.Line, f.Column, f.Severity, f.RuleID, f.Message)
	}
	return b.String()
}

// splitFiles cuts an example into files at its "// file: path" lines; text
// before the first such line belongs to the default path.
func splitFiles(path, text string) map[string]string {
	files := map[string]string{}
	cur := path
	var b strings.Builder
	flush := func() {
		if strings.TrimSpace(b.String()) != "" || cur == path {
			files[cur] = b.String()
		}
		b.Reset()
	}
	for i, line := range strings.Split(text, "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "// file:"); ok && i > 0 {
			flush()
			cur = strings.TrimSpace(p)
			continue
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	flush()
	if strings.TrimSpace(files[path]) == "" {
		delete(files, path)
	}
	return files
}

// TestConfigSchemaListsEveryRule keeps editor completion for "rules" in
// nextguard.json in step with the registered rules.
func TestConfigSchemaListsEveryRule(t *testing.T) {
	var doc struct {
		Properties struct {
			Rules struct {
				Properties map[string]any `json:"properties"`
			} `json:"rules"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schemas.ConfigSchema, &doc); err != nil {
		t.Fatal(err)
	}
	want := []string{analyzer.UnusedSuppression}
	for _, r := range rules.All() {
		want = append(want, r.ID)
	}
	var got []string
	for id := range doc.Properties.Rules.Properties {
		got = append(got, id)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("schemas/nextguard.schema.json rules properties = %q, want %q", got, want)
	}
}
