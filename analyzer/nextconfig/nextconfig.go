// Package nextconfig reads a Next.js config file (next.config.{js,mjs,cjs,ts,mts})
// statically: it parses the file, finds the object the file exports — `export
// default {…}`, `module.exports = {…}`, a variable exported later, a plugin
// wrapper such as `withSentryConfig(nextConfig, …)`, or the object a config
// function returns — and reads literal values at a property path. Nothing is ever
// executed; values that are computed at run time (`process.env.X.split(",")`) are
// simply not reported.
package nextconfig

import (
	"path"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"
	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/parse"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

// Names are the config file names Next.js loads, in its order of precedence.
var Names = []string{"next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts", "next.config.mts"}

// IsConfigFile reports whether rel names a Next.js config file.
func IsConfigFile(rel string) bool {
	base := path.Base(rel)
	for _, n := range Names {
		if base == n {
			return true
		}
	}
	return false
}

// maxDepth bounds how far identifiers, wrappers and spreads are followed.
const maxDepth = 24

// Config is a parsed config file.
type Config struct {
	File *source.File
	// Found is set when the exported config value was located.
	Found bool
	ast   *esb.AST
	roots []esb.Expr
	decls map[esb.Ref]esb.Expr
	// assigns holds `x.a.b = value` statements, by the root variable.
	assigns map[esb.Ref][]assign
	// funcs holds local function declarations (config factories).
	funcs map[esb.Ref]*esb.Fn
}

type assign struct {
	path  []string
	value esb.Expr
}

// String is a string literal found at a path.
type String struct {
	Value string
	// Start and End are the byte range of the literal (quotes included) in
	// File.Text.
	Start, End int32
	// Path is the property path it was found under, dot-separated
	// ("experimental.serverActions.allowedOrigins").
	Path string
}

// Parse reads f. A file that does not parse yields diagnostics and a nil Config.
func Parse(f *source.File) (*Config, []result.Diagnostic) {
	m, diags := parse.File(f)
	if m == nil {
		return nil, diags
	}
	c := &Config{File: f, ast: m.AST, decls: map[esb.Ref]esb.Expr{}, assigns: map[esb.Ref][]assign{}, funcs: map[esb.Ref]*esb.Fn{}}
	c.collect()
	c.Found = len(c.roots) > 0
	return c, nil
}

// collect records declarations and assignments anywhere in the file (symbol
// references are unique per file, so nested scopes cannot collide) and the
// exported value from the top-level statements.
func (c *Config) collect() {
	decls := &astwalk.Visitor{
		OnStmt: func(s *esb.Stmt) bool {
			switch x := s.Data.(type) {
			case *esb.SLocal:
				for i := range x.Decls {
					d := &x.Decls[i]
					if id, ok := d.Binding.Data.(*esb.BIdentifier); ok && d.ValueOrNil.Data != nil {
						c.decls[id.Ref] = d.ValueOrNil
					}
				}
			case *esb.SFunction:
				if x.Fn.Name != nil {
					c.funcs[x.Fn.Name.Ref] = &x.Fn
				}
			}
			return true
		},
	}
	for pi := range c.ast.Parts {
		decls.Stmts(c.ast.Parts[pi].Stmts)
	}
	// Assignments are read as a production build makes them: the branch of
	// `if (isDev) { nextConfig.experimental = … }` that does not run there
	// is skipped.
	var assigns *astwalk.Visitor
	assigns = &astwalk.Visitor{
		OnStmt: func(s *esb.Stmt) bool {
			x, ok := s.Data.(*esb.SIf)
			if !ok {
				return true
			}
			val, known := c.inProduction(x.Test, 0)
			if !known {
				return true
			}
			taken := x.NoOrNil
			if val {
				taken = x.Yes
			}
			if taken.Data != nil {
				assigns.Stmts([]esb.Stmt{taken})
			}
			return false
		},
		OnExpr: func(e *esb.Expr) bool {
			b, ok := e.Data.(*esb.EBinary)
			if !ok || b.Op != esb.BinOpAssign {
				return true
			}
			if p, ref, ok := memberPath(b.Left); ok && len(p) > 0 {
				c.assigns[ref] = append(c.assigns[ref], assign{path: p, value: b.Right})
			}
			return true
		},
	}
	for pi := range c.ast.Parts {
		assigns.Stmts(c.ast.Parts[pi].Stmts)
	}
	for pi := range c.ast.Parts {
		for si := range c.ast.Parts[pi].Stmts {
			c.exported(&c.ast.Parts[pi].Stmts[si])
		}
	}
}

// inProduction evaluates a condition as a production build sees it:
// NODE_ENV is "production" there (next build and next start set it), so
// `isDev = process.env.NODE_ENV !== "production"` is false. known is false
// for anything else.
func (c *Config) inProduction(e esb.Expr, depth int) (val, known bool) {
	if depth > maxDepth {
		return false, false
	}
	switch x := e.Data.(type) {
	case *esb.EBoolean:
		return x.Value, true
	case *esb.EIdentifier:
		if init, ok := c.decls[x.Ref]; ok {
			return c.inProduction(init, depth+1)
		}
	case *esb.EUnary:
		if x.Op == esb.UnOpNot {
			v, ok := c.inProduction(x.Value, depth+1)
			return !v, ok
		}
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpStrictEq, esb.BinOpLooseEq, esb.BinOpStrictNe, esb.BinOpLooseNe:
			l, lok := c.prodString(x.Left, depth+1)
			r, rok := c.prodString(x.Right, depth+1)
			if !lok || !rok {
				return false, false
			}
			eq := x.Op == esb.BinOpStrictEq || x.Op == esb.BinOpLooseEq
			return (l == r) == eq, true
		case esb.BinOpLogicalAnd:
			l, lok := c.inProduction(x.Left, depth+1)
			r, rok := c.inProduction(x.Right, depth+1)
			switch {
			case lok && !l, rok && !r:
				return false, true
			case lok && rok:
				return true, true
			}
		case esb.BinOpLogicalOr:
			l, lok := c.inProduction(x.Left, depth+1)
			r, rok := c.inProduction(x.Right, depth+1)
			switch {
			case lok && l, rok && r:
				return true, true
			case lok && rok:
				return false, true
			}
		}
	}
	return false, false
}

// prodString is a string literal, or process.env.NODE_ENV ("production").
func (c *Config) prodString(e esb.Expr, depth int) (string, bool) {
	switch x := e.Data.(type) {
	case *esb.EString:
		return index.String(x.Value), true
	case *esb.EDot:
		if d, ok := x.Target.Data.(*esb.EDot); ok && x.Name == "NODE_ENV" && d.Name == "env" && c.isGlobal(d.Target, "process") {
			return "production", true
		}
	case *esb.EIdentifier:
		if init, ok := c.decls[x.Ref]; ok && depth < maxDepth {
			return c.prodString(init, depth+1)
		}
	}
	return "", false
}

// exported records the value a top-level statement exports as the config.
func (c *Config) exported(s *esb.Stmt) {
	switch x := s.Data.(type) {
	case *esb.SExportDefault:
		switch v := x.Value.Data.(type) {
		case *esb.SExpr:
			c.roots = append(c.roots, v.Value)
		case *esb.SFunction:
			c.roots = append(c.roots, esb.Expr{Loc: x.Value.Loc, Data: &esb.EFunction{Fn: v.Fn}})
		}
	case *esb.SExportEquals:
		c.roots = append(c.roots, x.Value)
	case *esb.SExpr:
		b, ok := x.Value.Data.(*esb.EBinary)
		if !ok || b.Op != esb.BinOpAssign {
			return
		}
		if d, ok := b.Left.Data.(*esb.EDot); ok && d.Name == "exports" && c.isGlobal(d.Target, "module") {
			c.roots = append(c.roots, b.Right)
		}
	}
}

// isGlobal reports whether e is the free identifier name (module, exports).
func (c *Config) isGlobal(e esb.Expr, name string) bool {
	id, ok := e.Data.(*esb.EIdentifier)
	if !ok {
		return false
	}
	if _, local := c.decls[id.Ref]; local {
		return false
	}
	return c.symbolName(id.Ref) == name
}

func (c *Config) symbolName(ref esb.Ref) string {
	if int(ref.InnerIndex) < len(c.ast.Symbols) {
		return c.ast.Symbols[ref.InnerIndex].OriginalName
	}
	return ""
}

// memberPath turns `x.a.b` into ([a b], x).
func memberPath(e esb.Expr) ([]string, esb.Ref, bool) {
	var rev []string
	for {
		switch x := e.Data.(type) {
		case *esb.EDot:
			rev = append(rev, x.Name)
			e = x.Target
		case *esb.EIndex:
			s, ok := x.Index.Data.(*esb.EString)
			if !ok {
				return nil, esb.Ref{}, false
			}
			rev = append(rev, index.String(s.Value))
			e = x.Target
		case *esb.EIdentifier:
			out := make([]string, len(rev))
			for i := range rev {
				out[i] = rev[len(rev)-1-i]
			}
			return out, x.Ref, true
		default:
			return nil, esb.Ref{}, false
		}
	}
}

// Values returns the expressions found at the property path below the exported
// config (every candidate: both sides of a conditional, every wrapper argument).
func (c *Config) Values(p ...string) []esb.Expr {
	var out []esb.Expr
	for _, r := range c.roots {
		out = append(out, c.lookup(r, p, 0)...)
	}
	return out
}

// Strings returns the string literals at the path: a string, or the string
// items of an array (spreads and variables are followed). Computed items are
// skipped.
func (c *Config) Strings(p ...string) []String {
	var out []String
	seen := map[int32]bool{}
	for _, v := range c.Values(p...) {
		c.strings(v, strings.Join(p, "."), 0, func(s String) {
			if !seen[s.Start] {
				seen[s.Start] = true
				out = append(out, s)
			}
		})
	}
	return out
}

// StaticExport reports whether the config sets output: "export": a static
// export has no server, so no Server Actions.
func (c *Config) StaticExport() bool {
	for _, s := range c.Strings("output") {
		if s.Value == "export" {
			return true
		}
	}
	return false
}

// AllowedOrigins returns the entries of serverActions.allowedOrigins, at the top
// level and under experimental.
func (c *Config) AllowedOrigins() []String {
	out := c.Strings("experimental", "serverActions", "allowedOrigins")
	return append(out, c.Strings("serverActions", "allowedOrigins")...)
}

func (c *Config) strings(e esb.Expr, p string, depth int, emit func(String)) {
	if depth > maxDepth {
		return
	}
	switch x := e.Data.(type) {
	case *esb.EString:
		emit(String{Value: index.String(x.Value), Start: e.Loc.Start, End: c.literalEnd(e.Loc.Start), Path: p})
	case *esb.ETemplate:
		if x.TagOrNil.Data == nil && len(x.Parts) == 0 {
			emit(String{Value: index.String(x.HeadCooked), Start: e.Loc.Start, End: c.literalEnd(e.Loc.Start), Path: p})
		}
	case *esb.EArray:
		for _, it := range x.Items {
			if sp, ok := it.Data.(*esb.ESpread); ok {
				c.strings(sp.Value, p, depth+1, emit)
				continue
			}
			c.strings(it, p, depth+1, emit)
		}
	case *esb.EIdentifier:
		if init, ok := c.decls[x.Ref]; ok {
			c.strings(init, p, depth+1, emit)
		}
	case *esb.EIf:
		if val, known := c.inProduction(x.Test, depth+1); known {
			// isDev ? ["localhost:3000", "*.ngrok.app"] : ["app.example.com"]
			c.strings(map[bool]esb.Expr{true: x.Yes, false: x.No}[val], p, depth+1, emit)
			return
		}
		c.strings(x.Yes, p, depth+1, emit)
		c.strings(x.No, p, depth+1, emit)
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLogicalOr, esb.BinOpNullishCoalescing, esb.BinOpLogicalAnd:
			c.strings(x.Left, p, depth+1, emit)
			c.strings(x.Right, p, depth+1, emit)
		}
	case *esb.ECall:
		// ['a', 'b'].concat(more), [...].filter(Boolean)
		if d, ok := x.Target.Data.(*esb.EDot); ok {
			switch d.Name {
			case "concat":
				c.strings(d.Target, p, depth+1, emit)
				for _, a := range x.Args {
					c.strings(a, p, depth+1, emit)
				}
			case "filter":
				c.strings(d.Target, p, depth+1, emit)
			}
		}
	}
}

// literalEnd returns the offset just past the string or template literal that
// starts at off.
func (c *Config) literalEnd(off int32) int32 {
	t := c.File.Text
	if int(off) >= len(t) {
		return off
	}
	q := t[off]
	if q != '"' && q != '\'' && q != '`' {
		return off
	}
	for i := int(off) + 1; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case q:
			return int32(i + 1)
		case '\n':
			if q != '`' {
				return int32(i)
			}
		}
	}
	return int32(len(t))
}

// lookup finds the values at path p below e.
func (c *Config) lookup(e esb.Expr, p []string, depth int) []esb.Expr {
	if depth > maxDepth {
		return nil
	}
	if len(p) == 0 {
		return []esb.Expr{e}
	}
	var out []esb.Expr
	switch x := e.Data.(type) {
	case *esb.EObject:
		for i := range x.Properties {
			prop := &x.Properties[i]
			if prop.Kind == esb.PropertySpread {
				out = append(out, c.lookup(prop.ValueOrNil, p, depth+1)...)
				continue
			}
			k, ok := prop.Key.Data.(*esb.EString)
			if !ok || prop.ValueOrNil.Data == nil || index.String(k.Value) != p[0] {
				continue
			}
			out = append(out, c.lookup(prop.ValueOrNil, p[1:], depth+1)...)
		}
	case *esb.EIdentifier:
		if init, ok := c.decls[x.Ref]; ok {
			out = append(out, c.lookup(init, p, depth+1)...)
		}
		if fn, ok := c.funcs[x.Ref]; ok {
			out = append(out, c.returns(&fn.Body, p, depth+1)...)
		}
		for _, a := range c.assigns[x.Ref] {
			out = append(out, c.assigned(a, p, depth+1)...)
		}
	case *esb.EDot:
		out = append(out, c.lookup(x.Target, append([]string{x.Name}, p...), depth+1)...)
	case *esb.EAwait:
		out = append(out, c.lookup(x.Value, p, depth+1)...)
	case *esb.EIf:
		out = append(out, c.lookup(x.Yes, p, depth+1)...)
		out = append(out, c.lookup(x.No, p, depth+1)...)
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpLogicalOr, esb.BinOpNullishCoalescing, esb.BinOpLogicalAnd, esb.BinOpComma:
			out = append(out, c.lookup(x.Left, p, depth+1)...)
			out = append(out, c.lookup(x.Right, p, depth+1)...)
		}
	case *esb.EArrow:
		out = append(out, c.returns(&x.Body, p, depth+1)...)
	case *esb.EFunction:
		out = append(out, c.returns(&x.Fn.Body, p, depth+1)...)
	case *esb.ECall:
		// A plugin wrapper (withSentryConfig(nextConfig, opts), withX(opts)(cfg),
		// Object.assign({}, base, extra)) or a local config factory: look in the
		// arguments, in curried wrappers' arguments, and in what a local
		// function returns.
		for _, a := range x.Args {
			out = append(out, c.lookup(a, p, depth+1)...)
		}
		out = append(out, c.lookup(x.Target, p, depth+1)...)
	}
	return out
}

// assigned applies `x.a.b = value` to a lookup of path p on x.
func (c *Config) assigned(a assign, p []string, depth int) []esb.Expr {
	n := len(a.path)
	if n > len(p) {
		return nil
	}
	for i := 0; i < n; i++ {
		if a.path[i] != p[i] {
			return nil
		}
	}
	return c.lookup(a.value, p[n:], depth)
}

// returns looks up p in every value a function body returns.
func (c *Config) returns(body *esb.FnBody, p []string, depth int) []esb.Expr {
	var out []esb.Expr
	v := &astwalk.Visitor{
		OnStmt: func(s *esb.Stmt) bool {
			switch r := s.Data.(type) {
			case *esb.SReturn:
				if r.ValueOrNil.Data != nil {
					out = append(out, c.lookup(r.ValueOrNil, p, depth)...)
				}
			case *esb.SFunction, *esb.SClass:
				return false
			}
			return true
		},
		// Nested functions return their own values.
		OnExpr: func(e *esb.Expr) bool {
			switch e.Data.(type) {
			case *esb.EArrow, *esb.EFunction:
				return false
			}
			return true
		},
	}
	v.Stmts(body.Block.Stmts)
	return out
}
