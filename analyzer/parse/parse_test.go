package parse

import (
	"strings"
	"testing"
	"time"

	"github.com/nextguard/nextguard/analyzer/source"
)

func rep(s string, n int) string { return strings.Repeat(s, n) }

// deepCases each build a file nesting n levels with one construct. At
// n = 100 000 every one of them used to overflow esbuild's stack (a fatal
// error, not a panic) before the nesting pre-check.
var deepCases = map[string]func(n int) string{
	"parens":         func(n int) string { return "export const a = " + rep("(", n) + "1" + rep(")", n) },
	"brackets":       func(n int) string { return "export const a = " + rep("[", n) + rep("]", n) },
	"braces":         func(n int) string { return "export function f(){" + rep("{", n) + rep("}", n) + "}\n" },
	"objects":        func(n int) string { return "export const a = " + rep("{a:", n) + "1" + rep("}", n) + ";\n" },
	"not":            func(n int) string { return "export const a = " + rep("!", n) + "1;\n" },
	"arrows":         func(n int) string { return "export const a = " + rep("x=>", n) + "1;\n" },
	"async arrows":   func(n int) string { return "export const a = " + rep("async x=>", n) + "1;\n" },
	"ternaries":      func(n int) string { return "export const a = " + rep("a?b:", n) + "1;\n" },
	"ifs":            func(n int) string { return "export function f(){" + rep("if(x)", n) + ";}\n" },
	"else ifs":       func(n int) string { return "export function f(){if(x){}" + rep("else if(x){}", n) + "}\n" },
	"member lines":   func(n int) string { return "export const a = x" + rep("\n.b", n) + ";\n" },
	"optional chain": func(n int) string { return "export const a = x" + rep("?.b", n) + ";\n" },
	"calls":          func(n int) string { return "export const a = x" + rep("()", n) + ";\n" },
	"call lines":     func(n int) string { return "export const a = x" + rep("\n(b)", n) + ";\n" },
	"indexes":        func(n int) string { return "export const a = x" + rep("[0]", n) + ";\n" },
	"power":          func(n int) string { return "export const a = 1" + rep("**1", n) + ";\n" },
	"assignments":    func(n int) string { return "export let a; a" + rep("=a", n) + ";\n" },
	"compound":       func(n int) string { return "export let a; " + rep("a+=", n) + "1;\n" },
	"jsx":            func(n int) string { return "export const a = " + rep("<a>", n) + rep("</a>", n) + ";\n" },
	"jsx lines":      func(n int) string { return "export const a = <a>" + rep("<a>\n", n) + rep("</a>\n", n) + "</a>;\n" },
	"jsx attributes": func(n int) string { return "export const a = " + rep("<a b={", n) + "1" + rep("} />", n) + ";\n" },
	"templates":      func(n int) string { return "export const a = " + rep("`${", n) + rep("}`", n) + ";\n" },
	"tagged":         func(n int) string { return "export const a = x" + rep("`a`", n) + ";\n" },
	"labels":         func(n int) string { return "export function f(){" + rep("l:", n) + ";}\n" },
	"new":            func(n int) string { return "export const a = " + rep("new ", n) + "X;\n" },
	"negation":       func(n int) string { return "export const a = " + rep("-", n) + "X;\n" },
	"await":          func(n int) string { return "export async function f(){ return " + rep("await ", n) + "X}\n" },
	"typeof":         func(n int) string { return "export const a = " + rep("typeof ", n) + "X;\n" },
	"functions": func(n int) string {
		return "export const a = " + rep("function(){return ", n) + "1" + rep("}", n) + ";\n"
	},
	"classes": func(n int) string {
		return "export const a = class " + rep("extends class ", n) + "{}" + rep("{}", n) + ";\n"
	},
	"for":           func(n int) string { return "export function f(){" + rep("for(;;)", n) + ";}\n" },
	"do while":      func(n int) string { return "export function f(){" + rep("do ", n) + ";" + rep(" while(x)", n) + "}\n" },
	"try":           func(n int) string { return "export function f(){" + rep("try{", n) + rep("}finally{}", n) + "}\n" },
	"generic types": func(n int) string { return "export const a: " + rep("Array<", n) + "1" + rep(">", n) + " = 1;\n" },
	"object types":  func(n int) string { return "export type T = " + rep("{a:", n) + "1" + rep("}", n) + ";\n" },
	"keyof":         func(n int) string { return "export type T = " + rep("keyof ", n) + "A;\n" },
	"conditional":   func(n int) string { return "export type T = " + rep("A extends B ? C : ", n) + "D;\n" },
	"spread":        func(n int) string { return "export const a = " + rep("[...", n) + rep("]", n) + ";\n" },
	"patterns":      func(n int) string { return "export const [" + rep("[", n) + rep("]", n) + "] = 1;\n" },
	"defaults":      func(n int) string { return "export function f(" + rep("a=(", n) + "1" + rep(")", n) + "){}\n" },
	"comma list":    func(n int) string { return "export const a = (" + rep("1,", 8*n) + "1);\n" },
	"getters":       func(n int) string { return "export const a = {" + rep("get a(){return {", n) + rep("}}", n) + "};\n" },
}

// TestDeepNestingIsSkipped: each construct nested 100 000 deep is skipped with
// a positioned diagnostic, quickly, instead of crashing the process.
func TestDeepNestingIsSkipped(t *testing.T) {
	for name, build := range deepCases {
		for _, file := range []string{"deep.ts", "deep.tsx"} {
			src := build(100_000)
			start := time.Now()
			m, diags := File(source.New("/p/"+file, file, src))
			if m != nil || len(diags) != 1 || !strings.Contains(diags[0].Message, "nests too deeply") || diags[0].Line < 1 || diags[0].Internal {
				t.Errorf("%s in %s: module %v, diagnostics %+v", name, file, m != nil, diags)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s in %s: the pre-check took %v", name, file, d)
			}
		}
	}
}

// TestModerateNestingParses: nesting well within the limit still parses.
func TestModerateNestingParses(t *testing.T) {
	for name, build := range deepCases {
		src := build(300)
		file := "ok.tsx"
		if strings.Contains(name, "types") || name == "keyof" || name == "conditional" || name == "generic types" {
			file = "ok.ts"
		}
		if _, deep := nestingTooDeep(src, file != "ok.ts", MaxNesting); deep {
			t.Errorf("%s nested 300 deep was rejected", name)
		}
	}
}

// TestNestingEstimateOfRealCode: hand-written code estimates far below the
// limit. Strings, comments, regular expressions, templates and JSX text must
// not count: their brackets are not code.
func TestNestingEstimateOfRealCode(t *testing.T) {
	body := `"use server";
// a comment with ((((( and [[[[[ and {{{{{
/* a block comment ((((( */
import { z } from "zod";
const re = /[(((((]+\/(/g, s = "((((((", t = '[[[[[[', u = ` + "`{{{{ ${ a(b) } ((((`" + `;
export async function save(form: FormData) {
  const x = (a) < b ? c : d
  let i = 0
  i++ / 2
  if (x) { return <div className="a">Don't (((( worry {x ? <b /> : <i>text</i>}</div> }
  return [1, 2].map((n) => n * 2).filter(Boolean)
}
`
	for _, file := range []string{"a.ts", "a.tsx"} {
		src := strings.ReplaceAll(rep(body, 2000), "\"use server\";", "")
		if file == "a.ts" {
			src = strings.ReplaceAll(src, `<div className="a">Don't (((( worry {x ? <b /> : <i>text</i>}</div>`, "x")
		}
		d := depthScanner{s: src, jsx: file == "a.tsx", stack: make([]level, 1, 64)}
		most := 0
		for d.i < len(src) {
			most = max(most, d.depth())
			d.step()
		}
		if most > 20 {
			t.Errorf("%s: estimate %d for flat hand-written code", file, most)
		}
	}
}

// TestSyntaxAndBinaryDiagnostics covers the other ways a file is not analysed.
func TestSyntaxAndBinaryDiagnostics(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax.ts", "export const = ;\n", "syntax error"},
		{"bin.ts", "\x7fELF\x00\x00\x01", "looks binary"},
	} {
		m, diags := File(source.New("/p/"+tc.name, tc.name, tc.src))
		if m != nil || len(diags) != 1 || !strings.Contains(diags[0].Message, tc.want) {
			t.Errorf("%s: %v %+v", tc.name, m != nil, diags)
		}
	}
	for _, src := range []string{"", "\uFEFFexport const a = 1\r\n", "export const a = '\xff\xfe'\n"} {
		if m, diags := File(source.New("/p/a.ts", "a.ts", src)); m == nil || len(diags) != 0 {
			t.Errorf("%q: %v %+v", src, m != nil, diags)
		}
	}
}

// FuzzFile parses arbitrary text with every loader: the parser must neither
// crash the process (stack overflow), nor panic (File would report it as an
// internal error), nor report a diagnostic outside the file.
func FuzzFile(f *testing.F) {
	for _, build := range deepCases {
		f.Add(build(3))
	}
	for _, s := range []string{"", "\x00", "\uFEFF", "a\r\nb", "<a>{`${x}`}</a>", "/(/", "`${", "<T,>(x) => x", "x\n++\ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, name := range []string{"a.ts", "a.tsx", "a.js"} {
			sf := source.New("/p/"+name, name, src)
			_, diags := File(sf)
			for _, d := range diags {
				if d.Internal {
					t.Fatalf("%s: %s", name, d.Message)
				}
				if d.Line > sf.Lines() || d.Line < 0 {
					t.Fatalf("%s: diagnostic at line %d of %d", name, d.Line, sf.Lines())
				}
			}
		}
	})
}
