package suppress

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// render prints Scan's output compactly, one line per directive or problem:
//
//	3 next-line [missing-auth missing-ownership] -> 4: reason
//	2:5 problem: message
func render(dirs []Directive, probs []Problem) []string {
	var out []string
	for _, d := range dirs {
		kind := "next-line"
		if d.Kind == Function {
			kind = "function"
		}
		out = append(out, fmt.Sprintf("%d %s %v -> %d: %s", d.Line, kind, d.Rules, d.TargetLine, d.Reason))
	}
	for _, p := range probs {
		out = append(out, fmt.Sprintf("%d:%d problem: %s", p.Line, p.Column, p.Message))
	}
	return out
}

var scanCases = []struct {
	name string
	src  string
	want []string
}{
	// Forms.
	{"line comment, comma-separated rules", `
// nextguard-ignore-next-line missing-auth, missing-ownership -- public demo data
await db.post.delete({ where: { id } })`,
		[]string{"2 next-line [missing-auth missing-ownership] -> 3: public demo data"}},
	{"rules separated by spaces", "// nextguard-ignore-next-line missing-auth missing-validation -- r\nx()",
		[]string{"1 next-line [missing-auth missing-validation] -> 2: r"}},
	{"rules separated by commas without spaces", "// nextguard-ignore-next-line missing-auth,raw-orm-return--r\nx()",
		[]string{"1 next-line [missing-auth raw-orm-return] -> 2: r"}},
	{"block comment", "/* nextguard-ignore-next-line raw-orm-return -- DTO built by caller */\nreturn user",
		[]string{"1 next-line [raw-orm-return] -> 2: DTO built by caller"}},
	{"decorated block comment", "/*** nextguard-ignore missing-auth -- r ***/\nf()",
		[]string{"1 function [missing-auth] -> 2: r"}},
	{"doc comment and triple slash", "/** nextguard-ignore missing-auth -- a */\n/// nextguard-ignore missing-validation -- b\nexport async function f() {}",
		[]string{"1 function [missing-auth] -> 3: a", "2 function [missing-validation] -> 3: b"}},
	{"jsx comment", `export default function Page() {
  return (
    <form>
      {/* nextguard-ignore-next-line missing-auth -- demo form, no data */}
      <button formAction={async () => { "use server"; await db.x.create() }}>Go</button>
    </form>
  )
}`,
		[]string{"4 next-line [missing-auth] -> 5: demo form, no data"}},
	{"function directive", `"use server"

// nextguard-ignore missing-auth -- newsletter signup is public by design
export async function subscribe(formData: FormData) {}`,
		[]string{"3 function [missing-auth] -> 4: newsletter signup is public by design"}},
	{"stacked directives and blank lines reach the same target", `
// nextguard-ignore missing-auth -- public

// nextguard-ignore-next-line raw-orm-return -- fields are public
/* a note */

export const f = async () => db.user.findMany()`,
		[]string{"2 function [missing-auth] -> 7: public", "4 next-line [raw-orm-return] -> 7: fields are public"}},
	{"target after a multi-line comment", "// nextguard-ignore-next-line missing-auth -- r\n/*\n  long\n  note\n*/\nx()",
		[]string{"1 next-line [missing-auth] -> 6: r"}},
	{"trailing comment on a code line", "foo() // nextguard-ignore-next-line missing-auth -- r\nbar()",
		[]string{"1 next-line [missing-auth] -> 2: r"}},
	{"no code after", "x()\n// nextguard-ignore-next-line missing-auth -- r\n\n// end\n",
		[]string{"2 next-line [missing-auth] -> 0: r"}},
	{"multi-line block directive", "/* nextguard-ignore-next-line missing-auth --\n   the reason\n   goes on */\nx()",
		[]string{"1 next-line [missing-auth] -> 4: the reason goes on"}},
	{"reason keeps inner --", "// nextguard-ignore-next-line missing-auth -- see RFC -- section 2\nx()",
		[]string{"1 next-line [missing-auth] -> 2: see RFC -- section 2"}},
	{"CRLF", "\"use server\"\r\n\r\n// nextguard-ignore-next-line missing-auth -- public\r\r\n\r\nexport async function f() {}\r\n",
		[]string{"3 next-line [missing-auth] -> 6: public"}},
	{"CRLF block and lone CR", "/* nextguard-ignore missing-auth -- a\r\n b */\rfoo()\r\n",
		[]string{"1 function [missing-auth] -> 3: a b"}},
	{"hashbang", "#!/usr/bin/env node // nextguard-ignore x -- y\n// nextguard-ignore missing-auth -- r\nf()",
		[]string{"2 function [missing-auth] -> 3: r"}},
	{"BOM", "\uFEFF// nextguard-ignore missing-auth -- r\nf()",
		[]string{"1 function [missing-auth] -> 2: r"}},
	{"comment inside template expression", "const s = `a ${ /* nextguard-ignore-next-line missing-auth -- r */ x }`\ny()",
		[]string{"1 next-line [missing-auth] -> 2: r"}},

	{"realistic page", `import { db } from "@/lib/db"
const slug = /^[a-z0-9-]+$/i // not /* a comment */
type Props<T> = { params: Promise<{ id: string }>; items: Array<T> }

export default async function Page({ params }: Props<string>) {
  const { id } = await params
  const rows = await db.post.findMany({ where: { id: id.replace(/\//g, "") } })
  return (
    <main className={` + "`p-4 ${rows.length > 0 ? \"a\" : 'b'}`" + `}>
      <h1>Posts for {id} — it's {rows.length > 1 ? "many" : <em>one</em>}</h1>
      {rows.map((r) => (
        <form key={r.id} action={async () => {
          "use server"
          // nextguard-ignore-next-line missing-auth, missing-ownership -- demo
          await db.post.delete({ where: { id: r.id } })
        }}>
          {/* nextguard-ignore-next-line raw-orm-return -- admin only page */}
          <button disabled={r.count >= 10}>Delete</button>
        </form>
      ))}
    </main>
  )
}

// nextguard-ignore missing-auth -- health check
export async function ping() { return ok(<T,>(x: T) => x) }`,
		[]string{"14 next-line [missing-auth missing-ownership] -> 15: demo", "17 next-line [raw-orm-return] -> 18: admin only page", "25 function [missing-auth] -> 26: health check"}},

	// Look-alikes that are data, not comments.
	{"double-quoted string", `const s = "// nextguard-ignore-next-line missing-auth -- nope"
const t = "/* nextguard-ignore missing-auth -- nope */"
// nextguard-ignore-next-line missing-auth -- real
x()`,
		[]string{"3 next-line [missing-auth] -> 4: real"}},
	{"single-quoted string with escapes", `const s = 'it\'s // nextguard-ignore missing-auth -- nope', u = '\\'
// nextguard-ignore missing-auth -- real
x()`,
		[]string{"2 function [missing-auth] -> 3: real"}},
	{"template literal", "const s = `\n// nextguard-ignore missing-auth -- nope\n`\n// nextguard-ignore missing-auth -- real\nx()",
		[]string{"4 function [missing-auth] -> 5: real"}},
	{"nested templates and strings", "const s = `a ${ \"`\" + `b ${ '}' + `/* nextguard-ignore missing-auth -- nope */` } // nextguard-ignore x -- nope` } // nextguard-ignore y -- nope`\n// nextguard-ignore missing-auth -- real\nx()",
		[]string{"2 function [missing-auth] -> 3: real"}},
	{"object literal braces in template expression", "const s = `${ {a: 1}.a } // nextguard-ignore x -- nope`; // nextguard-ignore missing-auth -- real\nx()",
		[]string{"1 function [missing-auth] -> 2: real"}},
	{"regex with class", "const re = /[// nextguard-ignore-next-line missing-auth -- nope]/g\n// nextguard-ignore missing-auth -- real\nx()",
		[]string{"2 function [missing-auth] -> 3: real"}},
	{"regex with escaped slash", `const re = /a\/\/ nextguard-ignore missing-auth -- nope/
// nextguard-ignore missing-auth -- real
x()`,
		[]string{"2 function [missing-auth] -> 3: real"}},
	{"regex after return and typeof", "function f() { return /[// nextguard-ignore x -- nope]/.test(typeof /[/* nextguard-ignore y -- z */]/) }\n// nextguard-ignore missing-auth -- real\nx()",
		[]string{"2 function [missing-auth] -> 3: real"}},
	{"regex after operators", "x = a ? /[//nextguard-ignore x -- n]/ : (/[//nextguard-ignore y -- n]/, [/[//nextguard-ignore z -- n]/])\n",
		nil},
	{"division is not a regex", "a = b / c // nextguard-ignore-next-line missing-auth -- one\nd = (e) / 2 // nextguard-ignore-next-line missing-auth -- two\nf = g[0] / h.return / 2 // nextguard-ignore-next-line missing-auth -- three\ni = j++ / 2 // nextguard-ignore-next-line missing-auth -- four\nz()",
		[]string{"1 next-line [missing-auth] -> 2: one", "2 next-line [missing-auth] -> 3: two", "3 next-line [missing-auth] -> 4: three", "4 next-line [missing-auth] -> 5: four"}},
	{"JSX text", `const el = <p className="a // b">Use // nextguard-ignore-next-line missing-auth -- nope, or /* nextguard-ignore x -- nope */. Don't.</p>
// nextguard-ignore missing-auth -- real
x()`,
		[]string{"2 function [missing-auth] -> 3: real"}},
	{"JSX nested elements, fragments and containers", `function C() {
  return <>
    <ul title='// nextguard-ignore a -- nope'>{items.map(i => <li key={i}>it's // nextguard-ignore b -- nope {i}</li>)}</ul>
    <Foo.Bar {...props} on:click={() => { /* nextguard-ignore-next-line missing-auth -- in container */ }} />
  </>
}
// nextguard-ignore missing-auth -- real
x()`,
		[]string{"4 next-line [missing-auth] -> 5: in container", "7 function [missing-auth] -> 8: real"}},
	{"comparison is not JSX", "if (a < b && c > d) {} // nextguard-ignore-next-line missing-auth -- r\nx()",
		[]string{"1 next-line [missing-auth] -> 2: r"}},
	{"TS generic arrow is not JSX", "const f = <T,>(x: T) => x // nextguard-ignore-next-line missing-auth -- one\nconst g = <T extends object>(x: T) => x // nextguard-ignore-next-line missing-auth -- two\nx()",
		[]string{"1 next-line [missing-auth] -> 2: one", "2 next-line [missing-auth] -> 3: two"}},
	{"TS type assertion is not JSX", "const y = <Values>Object.fromEntries(formData) // it's\n// nextguard-ignore-next-line missing-auth -- real\nawait db.x.create({ data: y })\nfunction h() { return 1 }",
		[]string{"2 next-line [missing-auth] -> 3: real"}},
	{"TS generics after names", "const m = new Map<string, number>() // nextguard-ignore-next-line missing-auth -- r\nx()",
		[]string{"1 next-line [missing-auth] -> 2: r"}},
	{"unterminated string ends at the line", "const s = \"abc\n// nextguard-ignore-next-line missing-auth -- r\nx()",
		[]string{"2 next-line [missing-auth] -> 3: r"}},
	{"prose mentioning nextguard", "// nextguard checks this file\n// nextguard.json holds the config\n// nextguard-specific hack\n// see nextguard-ignore-next-line in the docs\nx()",
		nil},

	// Problems.
	{"missing reason", "// nextguard-ignore-next-line missing-auth\nx()",
		[]string{"1:1 problem: nextguard-ignore-next-line needs a reason after --: // nextguard-ignore-next-line missing-auth -- why this is safe"}},
	{"empty reason", "x()\n  /* nextguard-ignore missing-auth, missing-validation -- */\nx()",
		[]string{"2:3 problem: nextguard-ignore needs a reason after --: // nextguard-ignore missing-auth, missing-validation -- why this is safe"}},
	{"no rules", "// nextguard-ignore-next-line -- because\nx()",
		[]string{"1:1 problem: nextguard-ignore-next-line needs at least one rule id before --, e.g. // nextguard-ignore-next-line missing-auth -- why this is safe"}},
	{"no rules, no reason", "// nextguard-ignore",
		[]string{"1:1 problem: nextguard-ignore needs at least one rule id before --, e.g. // nextguard-ignore missing-auth -- why this is safe"}},
	{"wildcard", "// nextguard-ignore * -- everything",
		[]string{"1:1 problem: nextguard-ignore: * is not allowed; name the rules to ignore, so new findings stay visible"}},
	{"colon instead of --", "// nextguard-ignore-next-line missing-auth: public page",
		[]string{"1:1 problem: nextguard-ignore-next-line needs a reason after -- (two ASCII hyphens): // nextguard-ignore-next-line missing-auth -- why this is safe"}},
	{"em dash instead of --", "// nextguard-ignore-next-line missing-auth — public page",
		[]string{"1:1 problem: nextguard-ignore-next-line needs a reason after -- (two ASCII hyphens): // nextguard-ignore-next-line missing-auth -- why this is safe"}},
	{"eslint-style rule id", "// nextguard-ignore nextguard/missing-auth -- r",
		[]string{`1:1 problem: nextguard-ignore: "nextguard/missing-auth" is not a rule id; write missing-auth`}},
	{"upper-case rule id", "// nextguard-ignore Missing-Auth -- r",
		[]string{`1:1 problem: nextguard-ignore: rule ids are lower case; write missing-auth`}},
	{"bad rule id", "// nextguard-ignore missing_auth -- r",
		[]string{`1:1 problem: nextguard-ignore: "missing_auth" is not a rule id (rule ids look like missing-auth)`}},
	{"unknown directive", "// nextguard-ignore-line missing-auth -- r",
		[]string{`1:1 problem: unknown directive "nextguard-ignore-line"; did you mean nextguard-ignore-next-line (the next line)? Use nextguard-ignore-next-line RULE -- reason for the next line, or nextguard-ignore RULE -- reason before a function`}},
	{"eslint habit", "/* nextguard-disable missing-auth -- r */",
		[]string{`1:1 problem: unknown directive "nextguard-disable"; did you mean nextguard-ignore (the function below)? Use nextguard-ignore-next-line RULE -- reason for the next line, or nextguard-ignore RULE -- reason before a function`}},
	{"upper-case directive", "// NextGuard-Ignore missing-auth -- r",
		[]string{"1:1 problem: directives are lower case: write nextguard-ignore"}},
	{"problem column is UTF-16", "const s = '😀'; // nextguard-ignore missing-auth",
		[]string{"1:17 problem: nextguard-ignore needs a reason after --: // nextguard-ignore missing-auth -- why this is safe"}},
	{"problem inside JSX comment", "const e = <div>\n  {/* nextguard-ignore-next-line missing-auth */}\n  <b/>\n</div>",
		[]string{"2:4 problem: nextguard-ignore-next-line needs a reason after --: // nextguard-ignore-next-line missing-auth -- why this is safe"}},
}

func TestScan(t *testing.T) {
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			got := render(Scan(tc.src))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Scan:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestOffsets(t *testing.T) {
	src := "x()\n{/* nextguard-ignore missing-auth -- r */}\n// nextguard-ignore-next-line missing-auth -- s\ny()"
	dirs, probs := Scan(src)
	if len(dirs) != 2 || len(probs) != 0 {
		t.Fatalf("got %v %v", dirs, probs)
	}
	for i, want := range []string{"/* nextguard-ignore missing-auth -- r */", "// nextguard-ignore-next-line missing-auth -- s"} {
		if got := src[dirs[i].Offset:dirs[i].End]; got != want {
			t.Errorf("directive %d covers %q, want %q", i, got, want)
		}
	}
}

func TestCovers(t *testing.T) {
	d := Directive{Rules: []string{"missing-auth", "raw-orm-return"}}
	if !d.Covers("missing-auth") || !d.Covers("raw-orm-return") || d.Covers("missing-ownership") || d.Covers("*") || d.Covers("") {
		t.Error("Covers is wrong")
	}
	if NextLine.String() != NextLineDirective || Function.String() != FunctionDirective {
		t.Error("Kind.String")
	}
}

// TestLinearTime feeds inputs built to defeat a naive lexer: deep template
// nesting, thousands of would-be JSX elements that are then refuted, and long
// unterminated constructs. Each must finish far below the deadline.
func TestLinearTime(t *testing.T) {
	const n = 200_000
	inputs := map[string]string{
		"nested templates": strings.Repeat("`${", n) + "// nextguard-ignore x -- y",
		"refuted JSX":      "x = " + strings.Repeat("<a>", n) + "}",
		"refuted JSX tags": strings.Repeat("(<a b,", n),
		"JSX children":     "x = <a>" + strings.Repeat("<b>text</b>", n) + "</a> // nextguard-ignore x -- y",
		"open braces":      strings.Repeat("{", n) + strings.Repeat("}", n),
		"unterminated":     strings.Repeat("/* '\" `", n/4),
		"regex classes":    strings.Repeat("=/[", n),
		"comments":         strings.Repeat("// nextguard-ignore missing-auth -- r\n", n/10),
		"binary":           strings.Repeat("\x00\xff\xfe<\x80/", n),
	}
	for name, in := range inputs {
		start := time.Now()
		Scan(in)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v for %d bytes; not linear?", name, d, len(in))
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, tc := range scanCases {
		f.Add(tc.src)
	}
	for _, s := range []string{"", "/", "/*", "//", "`${", "<", "<a", "<a>", "</", "'", "\"\\", "\r\n\r", "\xff\xfe", "\x00",
		"{/* nextguard-ignore-next-line missing-auth -- r */}", "a<b>c</b>}", "`${`${'`'}`}`", "/[/]/ /x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		dirs, probs := Scan(src)
		lines := strings.Count(src, "\n") + strings.Count(src, "\r") + strings.Count(src, "\u2028") + strings.Count(src, "\u2029") + 1
		prev := int32(-1)
		for _, d := range dirs {
			if d.Offset <= prev || d.End <= d.Offset || int(d.End) > len(src) {
				t.Fatalf("bad directive range %d..%d after %d (len %d)", d.Offset, d.End, prev, len(src))
			}
			prev = d.Offset
			if d.Line < 1 || d.Line > lines || d.TargetLine != 0 && (d.TargetLine <= d.Line || d.TargetLine > lines) {
				t.Fatalf("bad lines %d -> %d (%d lines)", d.Line, d.TargetLine, lines)
			}
			if len(d.Rules) == 0 || d.Reason == "" || slices.Contains(d.Rules, "*") || (d.Kind != NextLine && d.Kind != Function) {
				t.Fatalf("malformed directive accepted: %+v", d)
			}
			if !strings.HasPrefix(src[d.Offset:], "//") && !strings.HasPrefix(src[d.Offset:], "/*") {
				t.Fatalf("directive does not start a comment: %q", src[d.Offset:d.End])
			}
		}
		prev = -1
		for _, p := range probs {
			if p.Offset <= prev || int(p.Offset) >= len(src) || p.Line < 1 || p.Column < 1 || p.Message == "" {
				t.Fatalf("bad problem %+v after %d", p, prev)
			}
			prev = p.Offset
		}
	})
}
