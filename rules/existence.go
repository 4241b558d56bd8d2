package rules

import (
	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
)

// A uniqueness or existence check reads a record by a client-chosen key but
// lets only one bit leave: whether it exists (`if (await findUnique({ where:
// { slug } })) throw conflict`, `return !!row`). Scoping such a lookup to the
// caller would be a bug (slugs and domains are unique across users), and
// nothing of the record reaches anyone, so it is no ownership gap.

// existenceOnly reports whether every use of the result of a read query is a
// truth test, at the query itself and, for a query inside a helper, at the
// helper's call too.
func existenceOnly(q *flow.Query) bool {
	for ; q != nil; q = q.Inner {
		if q.Mod != nil && resultTestedOnly(q.Mod, q.Loc) {
			return true
		}
	}
	return false
}

// resultTestedOnly reports whether the value of the call at loc in m is used
// only as a condition: negated, compared with null, tested by if or ?:, or
// held in a variable used only in those ways (or as a cursor, see cursorUses).
func resultTestedOnly(m *index.Module, loc esb.Loc) bool {
	// The result: `await call`, or the call itself. A parent is visited before
	// its children, so the await is seen before the call it wraps.
	var call, result esb.E
	v := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
		if a, ok := e.Data.(*esb.EAwait); ok && a.Value.Loc == loc {
			if c, ok := a.Value.Data.(*esb.ECall); ok {
				call, result = c, e.Data
			}
		} else if c, ok := e.Data.(*esb.ECall); ok && e.Loc == loc {
			call, result = c, c
		}
		return call == nil
	}}
	v.Parts(m.AST.Parts)
	if call == nil {
		return false
	}
	isResult := func(e esb.Expr) bool { return e.Data == result }
	var holder *esb.Ref
	tested := false
	find := astwalk.Visitor{
		OnExpr: func(e *esb.Expr) bool {
			tested = tested || truthTest(e, isResult)
			return true
		},
		OnStmt: func(s *esb.Stmt) bool {
			tested = tested || ifTest(s, isResult)
			if x, ok := s.Data.(*esb.SLocal); ok {
				for _, d := range x.Decls {
					if d.ValueOrNil.Data != nil && (d.ValueOrNil.Data == result || d.ValueOrNil.Data == call) {
						if ref, ok := boundName(d.Binding); ok {
							holder = &ref
						}
					}
				}
			}
			return true
		},
	}
	find.Parts(m.AST.Parts)
	if tested || holder == nil {
		return tested
	}
	ref := *holder
	isRef := func(e esb.Expr) bool {
		id, ok := astwalk.IdentRef(e)
		return ok && id == ref
	}
	uses, testedUses := 0, 0
	count := astwalk.Visitor{
		OnExpr: func(e *esb.Expr) bool {
			if isRef(*e) {
				uses++
			}
			if truthTest(e, isRef) {
				testedUses++
			}
			testedUses += cursorUses(m, e, ref)
			return true
		},
		OnStmt: func(s *esb.Stmt) bool {
			if ifTest(s, isRef) {
				testedUses++
			}
			return true
		},
	}
	count.Parts(m.AST.Parts)
	return uses > 0 && testedUses == uses
}

// cursorOps are query builders' comparison operators (Drizzle and the like).
var cursorOps = map[string]bool{"gt": true, "gte": true, "lt": true, "lte": true}

// cursorUses counts the fields of ref compared in a query condition: the row
// the client named only positions a page of another query
// (gt(chat.createdAt, selectedChat.createdAt)), it is not returned.
func cursorUses(m *index.Module, e *esb.Expr, ref esb.Ref) int {
	c, ok := e.Data.(*esb.ECall)
	if !ok {
		return 0
	}
	name := ""
	if id, ok := astwalk.IdentRef(c.Target); ok {
		name = m.SymbolName(id)
	} else if d, ok := c.Target.Data.(*esb.EDot); ok {
		name = d.Name
	}
	if !cursorOps[name] {
		return 0
	}
	n := 0
	for _, a := range c.Args {
		if d, ok := a.Data.(*esb.EDot); ok {
			if id, ok := astwalk.IdentRef(d.Target); ok && id == ref {
				n++
			}
		}
	}
	return n
}

// boundName is the variable of `const x = …` or `const [x] = …`.
func boundName(b esb.Binding) (esb.Ref, bool) {
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		return x.Ref, true
	case *esb.BArray:
		if len(x.Items) == 1 {
			if id, ok := x.Items[0].Binding.Data.(*esb.BIdentifier); ok {
				return id.Ref, true
			}
		}
	}
	return esb.Ref{}, false
}

// truthTest reports whether e tests an operand is() accepts: `!t`,
// `t ? a : b`, `t == null` and the like.
func truthTest(e *esb.Expr, is func(esb.Expr) bool) bool {
	switch x := e.Data.(type) {
	case *esb.EUnary:
		return x.Op == esb.UnOpNot && is(x.Value)
	case *esb.EIf:
		return is(x.Test)
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLooseEq, esb.BinOpLooseNe, esb.BinOpStrictEq, esb.BinOpStrictNe:
			return is(x.Left) && astwalk.IsNullish(x.Right) || is(x.Right) && astwalk.IsNullish(x.Left)
		}
	}
	return false
}

// ifTest reports whether s is `if (t)` with is(t).
func ifTest(s *esb.Stmt, is func(esb.Expr) bool) bool {
	x, ok := s.Data.(*esb.SIf)
	return ok && is(x.Test)
}
