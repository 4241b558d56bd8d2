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
// held in a variable used only in those ways.
func resultTestedOnly(m *index.Module, loc esb.Loc) bool {
	var call esb.E
	v := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
		if call == nil && e.Loc == loc {
			if _, ok := e.Data.(*esb.ECall); ok {
				call = e.Data
			}
		}
		return call == nil
	}}
	walkModule(m, &v)
	if call == nil {
		return false
	}
	// The result: the call, or `await call`.
	result := call
	await := astwalk.Visitor{OnExpr: func(e *esb.Expr) bool {
		if a, ok := e.Data.(*esb.EAwait); ok && a.Value.Data == call {
			result = e.Data
		}
		return true
	}}
	walkModule(m, &await)
	var holder *esb.Ref
	tested := false
	uses := 0
	find := astwalk.Visitor{
		OnExpr: func(e *esb.Expr) bool {
			if truthTest(e, result) {
				tested = true
			}
			return true
		},
		OnStmt: func(s *esb.Stmt) bool {
			switch x := s.Data.(type) {
			case *esb.SIf:
				if x.Test.Data == result {
					tested = true
				}
			case *esb.SLocal:
				for _, d := range x.Decls {
					if d.ValueOrNil.Data == nil || d.ValueOrNil.Data != result && d.ValueOrNil.Data != call {
						continue
					}
					if ref, ok := boundName(d.Binding); ok {
						holder = &ref
					}
				}
			}
			return true
		},
	}
	walkModule(m, &find)
	if tested {
		return true
	}
	if holder == nil {
		return false
	}
	ref := *holder
	testedUses := 0
	count := astwalk.Visitor{
		OnExpr: func(e *esb.Expr) bool {
			if id, ok := astwalk.IdentRef(*e); ok && id == ref {
				uses++
			}
			if isRefTest(e, ref) {
				testedUses++
			}
			testedUses += cursorUses(m, e, ref)
			return true
		},
		OnStmt: func(s *esb.Stmt) bool {
			if x, ok := s.Data.(*esb.SIf); ok {
				if id, ok := astwalk.IdentRef(x.Test); ok && id == ref {
					testedUses++
				}
			}
			return true
		},
	}
	walkModule(m, &count)
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

// truthTest reports whether e tests the value whose node is target: `!t`,
// `t ? a : b`, `t == null` and the like.
func truthTest(e *esb.Expr, target esb.E) bool {
	switch x := e.Data.(type) {
	case *esb.EUnary:
		return x.Op == esb.UnOpNot && x.Value.Data == target
	case *esb.EIf:
		return x.Test.Data == target
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLooseEq, esb.BinOpLooseNe, esb.BinOpStrictEq, esb.BinOpStrictNe:
			return x.Left.Data == target && isNullish(x.Right) || x.Right.Data == target && isNullish(x.Left)
		}
	}
	return false
}

// isRefTest is truthTest for a variable.
func isRefTest(e *esb.Expr, ref esb.Ref) bool {
	operand := func(o esb.Expr) bool {
		id, ok := astwalk.IdentRef(o)
		return ok && id == ref
	}
	switch x := e.Data.(type) {
	case *esb.EUnary:
		return x.Op == esb.UnOpNot && operand(x.Value)
	case *esb.EIf:
		return operand(x.Test)
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLooseEq, esb.BinOpLooseNe, esb.BinOpStrictEq, esb.BinOpStrictNe:
			return operand(x.Left) && isNullish(x.Right) || operand(x.Right) && isNullish(x.Left)
		}
	}
	return false
}

func isNullish(e esb.Expr) bool {
	switch e.Data.(type) {
	case *esb.ENull, *esb.EUndefined:
		return true
	}
	return false
}

func walkModule(m *index.Module, v *astwalk.Visitor) {
	for i := range m.AST.Parts {
		v.Stmts(m.AST.Parts[i].Stmts)
	}
}
