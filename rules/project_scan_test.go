package rules

import (
	"testing"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
)

func TestFileDirectives(t *testing.T) {
	cases := []struct {
		text           string
		client, server bool
	}{
		{`"use client";` + "\nimport x from 'y'", true, false},
		{"\ufeff// header\n/* license */\n'use client'\n", true, false},
		{`"use strict"; "use server"; export async function a() {}`, false, true},
		{`import "x"; "use client";`, false, false},
		{"export const a = 'use client';", false, false},
		{`"use client`, false, false},
		{"", false, false},
	}
	for _, c := range cases {
		client, server := fileDirectives(c.text)
		if client != c.client || server != c.server {
			t.Errorf("fileDirectives(%q) = %v, %v; want %v, %v", c.text, client, server, c.client, c.server)
		}
	}
}

func TestRewriteReturnsLeavesTheModuleAlone(t *testing.T) {
	root := writeTree(t, map[string]string{
		"package.json": `{"name":"x"}`,
		"app/page.tsx": "export default async function Page({ ok }: { ok: boolean }) {\n  if (!ok) { return null; }\n  try { return 1; } catch { return 2; }\n  const f = () => 3;\n}\n",
	})
	p := NewProjectPass(root, []string{"."}, diskReader(root), nil, func(Diagnostic) {})
	s := newProjectScan(p)
	m := s.program().Module("app/page.tsx")
	if m == nil {
		t.Fatal("no module")
	}
	var body *esb.FnBody
	for _, part := range m.AST.Parts {
		for _, st := range part.Stmts {
			if d, ok := st.Data.(*esb.SExportDefault); ok {
				body = &d.Value.Data.(*esb.SFunction).Fn.Body
			}
		}
	}
	returns := func(stmts []esb.Stmt) (n int, replaced int) {
		v := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
			_, isArrow := e.Data.(*esb.EArrow)
			return !isArrow
		}, OnStmt: func(st *esb.Stmt) bool {
			if r, ok := st.Data.(*esb.SReturn); ok {
				n++
				if _, ok := r.ValueOrNil.Data.(*esb.EObject); ok {
					replaced++
				}
			}
			return true
		}}
		v.Stmts(stmts)
		return
	}
	rets := map[esb.Loc]bool{}
	out := rewriteReturns(body.Block.Stmts, &esb.EObject{}, rets)
	if n, r := returns(out); n != 3 || r != 3 || len(rets) != 3 {
		t.Errorf("rewritten body has %d returns, %d replaced, %d recorded; want 3, 3, 3", n, r, len(rets))
	}
	if n, r := returns(body.Block.Stmts); n != 3 || r != 0 {
		t.Errorf("the parsed module changed: %d returns, %d replaced", n, r)
	}
}
