// Package astwalk visits every statement and expression of an esbuild AST.
// Depth is bounded: pathological nesting stops the walk instead of the process.
package astwalk

import esb "github.com/evanw/esbuild/nextguardast"

// MaxDepth bounds recursion. Real code nests a few dozen levels; generated or
// hostile input can nest far deeper than any stack should follow.
const MaxDepth = 1500

// Visitor receives nodes in source order. Returning false skips the children.
type Visitor struct {
	OnStmt func(s *esb.Stmt) bool
	OnExpr func(e *esb.Expr) bool
	// Truncated is set when MaxDepth was reached somewhere.
	Truncated bool
}

// Stmts walks a statement list.
func (v *Visitor) Stmts(stmts []esb.Stmt) { v.stmts(stmts, 0) }

// Parts walks every statement of a module (all of esbuild's parts).
func (v *Visitor) Parts(parts []esb.Part) {
	for i := range parts {
		v.stmts(parts[i].Stmts, 0)
	}
}

// Expr walks an expression.
func (v *Visitor) Expr(e *esb.Expr) { v.expr(e, 0) }

func (v *Visitor) stmts(stmts []esb.Stmt, d int) {
	for i := range stmts {
		v.stmt(&stmts[i], d)
	}
}

func (v *Visitor) deep(d int) bool {
	if d > MaxDepth {
		v.Truncated = true
		return true
	}
	return false
}

func (v *Visitor) fn(args []esb.Arg, body *esb.FnBody, d int) {
	for i := range args {
		v.binding(args[i].Binding, d)
		if args[i].DefaultOrNil.Data != nil {
			v.expr(&args[i].DefaultOrNil, d)
		}
	}
	v.stmts(body.Block.Stmts, d)
}

func (v *Visitor) binding(b esb.Binding, d int) {
	if v.deep(d) {
		return
	}
	switch x := b.Data.(type) {
	case *esb.BArray:
		for i := range x.Items {
			v.binding(x.Items[i].Binding, d+1)
			if x.Items[i].DefaultValueOrNil.Data != nil {
				v.expr(&x.Items[i].DefaultValueOrNil, d+1)
			}
		}
	case *esb.BObject:
		for i := range x.Properties {
			p := &x.Properties[i]
			if p.IsComputed {
				v.expr(&p.Key, d+1)
			}
			v.binding(p.Value, d+1)
			if p.DefaultValueOrNil.Data != nil {
				v.expr(&p.DefaultValueOrNil, d+1)
			}
		}
	}
}

func (v *Visitor) class(c *esb.Class, d int) {
	if c.ExtendsOrNil.Data != nil {
		v.expr(&c.ExtendsOrNil, d)
	}
	for i := range c.Properties {
		p := &c.Properties[i]
		if p.ClassStaticBlock != nil {
			v.stmts(p.ClassStaticBlock.Block.Stmts, d)
		}
		v.prop(p, d)
	}
}

func (v *Visitor) stmt(s *esb.Stmt, d int) {
	if v.deep(d) {
		return
	}
	if v.OnStmt != nil && !v.OnStmt(s) {
		return
	}
	d++
	switch x := s.Data.(type) {
	case *esb.SBlock:
		v.stmts(x.Stmts, d)
	case *esb.SExportDefault:
		v.stmt(&x.Value, d)
	case *esb.SExportEquals:
		v.expr(&x.Value, d)
	case *esb.SLazyExport:
		v.expr(&x.Value, d)
	case *esb.SExpr:
		v.expr(&x.Value, d)
	case *esb.SEnum:
		for i := range x.Values {
			if x.Values[i].ValueOrNil.Data != nil {
				v.expr(&x.Values[i].ValueOrNil, d)
			}
		}
	case *esb.SNamespace:
		v.stmts(x.Stmts, d)
	case *esb.SFunction:
		v.fn(x.Fn.Args, &x.Fn.Body, d)
	case *esb.SClass:
		v.class(&x.Class, d)
	case *esb.SLabel:
		v.stmt(&x.Stmt, d)
	case *esb.SIf:
		v.expr(&x.Test, d)
		v.stmt(&x.Yes, d)
		if x.NoOrNil.Data != nil {
			v.stmt(&x.NoOrNil, d)
		}
	case *esb.SFor:
		if x.InitOrNil.Data != nil {
			v.stmt(&x.InitOrNil, d)
		}
		if x.TestOrNil.Data != nil {
			v.expr(&x.TestOrNil, d)
		}
		if x.UpdateOrNil.Data != nil {
			v.expr(&x.UpdateOrNil, d)
		}
		v.stmt(&x.Body, d)
	case *esb.SForIn:
		v.stmt(&x.Init, d)
		v.expr(&x.Value, d)
		v.stmt(&x.Body, d)
	case *esb.SForOf:
		v.stmt(&x.Init, d)
		v.expr(&x.Value, d)
		v.stmt(&x.Body, d)
	case *esb.SDoWhile:
		v.stmt(&x.Body, d)
		v.expr(&x.Test, d)
	case *esb.SWhile:
		v.expr(&x.Test, d)
		v.stmt(&x.Body, d)
	case *esb.SWith:
		v.expr(&x.Value, d)
		v.stmt(&x.Body, d)
	case *esb.STry:
		v.stmts(x.Block.Stmts, d)
		if x.Catch != nil {
			v.binding(x.Catch.BindingOrNil, d)
			v.stmts(x.Catch.Block.Stmts, d)
		}
		if x.Finally != nil {
			v.stmts(x.Finally.Block.Stmts, d)
		}
	case *esb.SSwitch:
		v.expr(&x.Test, d)
		for i := range x.Cases {
			if x.Cases[i].ValueOrNil.Data != nil {
				v.expr(&x.Cases[i].ValueOrNil, d)
			}
			v.stmts(x.Cases[i].Body, d)
		}
	case *esb.SReturn:
		if x.ValueOrNil.Data != nil {
			v.expr(&x.ValueOrNil, d)
		}
	case *esb.SThrow:
		v.expr(&x.Value, d)
	case *esb.SLocal:
		for i := range x.Decls {
			v.binding(x.Decls[i].Binding, d)
			if x.Decls[i].ValueOrNil.Data != nil {
				v.expr(&x.Decls[i].ValueOrNil, d)
			}
		}
	}
}

func (v *Visitor) exprs(es []esb.Expr, d int) {
	for i := range es {
		v.expr(&es[i], d)
	}
}

func (v *Visitor) props(ps []esb.Property, d int) {
	for i := range ps {
		v.prop(&ps[i], d)
	}
}

// prop visits a property's key, value and default; expr skips absent parts.
func (v *Visitor) prop(p *esb.Property, d int) {
	v.expr(&p.Key, d)
	v.expr(&p.ValueOrNil, d)
	v.expr(&p.InitializerOrNil, d)
}

func (v *Visitor) expr(e *esb.Expr, d int) {
	if e.Data == nil || v.deep(d) {
		return
	}
	if v.OnExpr != nil && !v.OnExpr(e) {
		return
	}
	d++
	switch x := e.Data.(type) {
	case *esb.EArray:
		v.exprs(x.Items, d)
	case *esb.EUnary:
		v.expr(&x.Value, d)
	case *esb.EBinary:
		v.expr(&x.Left, d)
		v.expr(&x.Right, d)
	case *esb.ENew:
		v.expr(&x.Target, d)
		v.exprs(x.Args, d)
	case *esb.ECall:
		v.expr(&x.Target, d)
		v.exprs(x.Args, d)
	case *esb.EDot:
		v.expr(&x.Target, d)
	case *esb.EIndex:
		v.expr(&x.Target, d)
		v.expr(&x.Index, d)
	case *esb.EArrow:
		v.fn(x.Args, &x.Body, d)
	case *esb.EFunction:
		v.fn(x.Fn.Args, &x.Fn.Body, d)
	case *esb.EClass:
		v.class(&x.Class, d)
	case *esb.EJSXElement:
		if x.TagOrNil.Data != nil {
			v.expr(&x.TagOrNil, d)
		}
		v.props(x.Properties, d)
		v.exprs(x.NullableChildren, d)
	case *esb.EObject:
		v.props(x.Properties, d)
	case *esb.ESpread:
		v.expr(&x.Value, d)
	case *esb.ETemplate:
		if x.TagOrNil.Data != nil {
			v.expr(&x.TagOrNil, d)
		}
		for i := range x.Parts {
			v.expr(&x.Parts[i].Value, d)
		}
	case *esb.EInlinedEnum:
		v.expr(&x.Value, d)
	case *esb.EAnnotation:
		v.expr(&x.Value, d)
	case *esb.EAwait:
		v.expr(&x.Value, d)
	case *esb.EYield:
		if x.ValueOrNil.Data != nil {
			v.expr(&x.ValueOrNil, d)
		}
	case *esb.EIf:
		v.expr(&x.Test, d)
		v.expr(&x.Yes, d)
		v.expr(&x.No, d)
	case *esb.EImportCall:
		v.expr(&x.Expr, d)
	}
}
