package rules

import (
	"os"
	"path"
	"sort"
	"strings"

	esb "github.com/evanw/esbuild/nextguardast"

	"github.com/nextguard/nextguard/analyzer/astwalk"
	"github.com/nextguard/nextguard/analyzer/flow"
	"github.com/nextguard/nextguard/analyzer/index"
	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:               "secret-exposure",
			Name:             "SecretExposure",
			Short:            "A server secret reaches the browser, or is committed to the repository",
			Full:             "An entry point returns a server-only `process.env` value, a Server Component passes one to a Client Component, a `NEXT_PUBLIC_` variable (inlined into browser JavaScript) is named like a secret, or `NEXT_SERVER_ACTIONS_ENCRYPTION_KEY` is hard-coded in a committed file. Anyone who can load a page or call an endpoint reads the secret; a committed encryption key lets anyone with the repository decrypt and forge the values Server Actions close over.",
			Severity:         result.Error,
			SecuritySeverity: 8.2,
			Precision:        "high",
			CWE:              []string{"CWE-200", "CWE-798"},
			Tags:             []string{"secrets", "data-exposure"},
		},
		CheckEntry:   checkSecretReturn,
		CheckProject: checkSecretProject,
	})
}

// ---- entry points that return a server secret ----

// deepHas reports whether v or anything inside its known fields carries f.
func deepHas(v flow.Val, f flow.Flags, depth int) bool {
	if v.Any(f) {
		return true
	}
	if depth > 6 {
		return false
	}
	for _, x := range v.Obj {
		if deepHas(x, f, depth+1) {
			return true
		}
	}
	return false
}

// returnedExpr finds the expression a flow.Ret stands for: the value of the
// return statement at its site, or the argument of `Response.json(x)` /
// `res.json(x)` / `res.send(x)` called there.
func returnedExpr(r flow.Ret) *esb.Expr {
	if r.Mod == nil || r.Mod.AST == nil {
		return nil
	}
	var found *esb.Expr
	v := astwalk.Visitor{
		OnStmt: func(s *esb.Stmt) bool {
			if found != nil {
				return false
			}
			if x, ok := s.Data.(*esb.SReturn); ok && s.Loc == r.Loc && x.ValueOrNil.Data != nil {
				found = &x.ValueOrNil
				return false
			}
			return true
		},
		OnExpr: func(e *esb.Expr) bool {
			if found != nil {
				return false
			}
			if c, ok := e.Data.(*esb.ECall); ok && e.Loc == r.Loc && len(c.Args) > 0 {
				if d, ok := c.Target.Data.(*esb.EDot); ok && (d.Name == "json" || d.Name == "send") {
					found = &c.Args[0]
					return false
				}
			}
			return true
		},
	}
	for i := range r.Mod.AST.Parts {
		v.Stmts(r.Mod.AST.Parts[i].Stmts)
		if found != nil {
			break
		}
	}
	return found
}

// secretUses keeps the env reads whose names look secret, one per name, and
// says whether any is certainly a secret.
func secretUses(uses []envUse, classify func(string) envClass, seen map[string]bool) (out []envUse, certain bool) {
	for _, u := range uses {
		c := classify(u.Name)
		if c == envNotSecret || seen[u.Name] {
			continue
		}
		seen[u.Name] = true
		out = append(out, u)
		certain = certain || c == envSecret
	}
	return out, certain
}

func envNames(uses []envUse) string {
	var names []string
	for _, u := range uses {
		names = append(names, code(u.Name))
	}
	return joinReasons(names)
}

func variables(uses []envUse) string {
	if len(uses) == 1 {
		return "the server-only environment variable " + envNames(uses)
	}
	return "the server-only environment variables " + envNames(uses)
}

func checkSecretReturn(p *Pass) {
	f := p.Facts
	if f == nil || f.Facts == nil || p.Entry.Fn == nil {
		return
	}
	seen := map[string]bool{}
	for _, r := range f.Returns {
		if !deepHas(r.Val, flow.Env, 0) {
			continue
		}
		expr := returnedExpr(r)
		if expr == nil {
			continue
		}
		res := newEnvResolver(r.Mod)
		if p.Entry.Fn.Mod == r.Mod {
			res.scan(p.Entry.Fn.Body)
		}
		res.resolve(*expr, 0)
		uses, certain := secretUses(res.out, classifyServerEnv, seen)
		if len(uses) == 0 {
			continue
		}
		sev := result.Error
		if !certain {
			sev = result.Warning
		}
		msg := entryNoun(p.Entry) + " returns " + variables(uses) + " to the client. Whatever an entry point returns is serialized into the response, and " + entryExposure(p.Entry) + ", so the secret is one request away."
		help := "Use the secret only on the server — call the third-party API here and return its result — and never return it. If the value is public by design, give it a NEXT_PUBLIC_ name or suppress the finding with a reason; rotate the secret if this code was deployed."
		start, end := siteDiag(r.Site)
		d := Diagnostic{File: r.Mod.File, Start: start, End: end, Message: msg, Help: help, Severity: sev}
		for _, u := range uses {
			d.Related = append(d.Related, RelatedDiag{File: u.Mod.File, Start: u.Loc.Start, End: u.Loc.Start, Message: "the value of " + code(u.Name) + " is read here"})
		}
		p.Report(d)
	}
}

// ---- project-level checks ----

func checkSecretProject(p *ProjectPass) {
	scan := scanFor(p)
	checkPublicSecrets(p, scan)
	checkEncryptionKey(p, scan)
	checkSecretProps(p, scan)
}

// publicRead is one NEXT_PUBLIC_ variable read in code.
type publicRead struct {
	file  *source.File
	start int32
}

// checkPublicSecrets reports NEXT_PUBLIC_ variables named like secrets that
// code reads, once per variable, at its first read.
func checkPublicSecrets(p *ProjectPass, scan *projectScan) {
	reads := map[string][]publicRead{}
	var order []string
	for _, rel := range scan.files {
		f := scan.file(rel)
		if f == nil || !strings.Contains(f.Text, "NEXT_PUBLIC_") {
			continue
		}
		codeTokens(f.Text, "NEXT_PUBLIC_", func(start int, name string) {
			if len(reads[name]) == 0 {
				order = append(order, name)
			}
			reads[name] = append(reads[name], publicRead{file: f, start: int32(start)})
		})
	}
	for _, name := range order {
		class := classifyPublicEnv(name)
		rs := reads[name]
		if class == envNotSecret || class == envMaybeSecret && allPublicSlots(rs) {
			continue
		}
		sev := result.Error
		looks := "looks like a secret"
		if class == envMaybeSecret {
			sev = result.Warning
			looks = "looks like an API key or token, which is usually secret"
		}
		msg := code(name) + " " + looks + ", but the NEXT_PUBLIC_ prefix tells Next.js to inline its value into the JavaScript it builds: any client module that reads it ships the value to every visitor, readable in the page's scripts."
		help := "Rename it without NEXT_PUBLIC_ and read it only in server code (Server Actions, Route Handlers, modules that import \"server-only\"); rotate it if it was ever deployed with the prefix. Keys that are public by design (Stripe/Clerk publishable keys, the Supabase anon key, CAPTCHA site keys) are not reported; suppress the finding with a reason if this is one."
		d := Diagnostic{File: rs[0].file, Start: rs[0].start, End: rs[0].start + int32(len(name)), Message: msg, Help: help, Severity: sev}
		for i, r := range rs[1:] {
			if i == 3 {
				break
			}
			d.Related = append(d.Related, RelatedDiag{File: r.file, Start: r.start, End: r.start + int32(len(name)), Message: "also read here"})
		}
		p.Report(d)
	}
}

// allPublicSlots: every read hands the value to a browser-key slot.
func allPublicSlots(rs []publicRead) bool {
	for _, r := range rs {
		if !publicSlot(r.file.Text, int(r.start)) {
			return false
		}
	}
	return true
}

// codeTokens calls fn for each identifier-like token that starts with prefix
// outside comments; inside a string only when the string is the whole token
// (process.env["NEXT_PUBLIC_X"]); template substitutions are code.
func codeTokens(text, prefix string, fn func(start int, name string)) {
	const (
		code = iota
		lineComment
		blockComment
		str
	)
	state := code
	var quote byte
	// braces holds, per open template substitution, the depth of braces
	// opened inside it; closing the substitution returns to the template.
	var braces []int
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch state {
		case lineComment:
			if c == '\n' {
				state = code
			}
			continue
		case blockComment:
			if c == '*' && i+1 < len(text) && text[i+1] == '/' {
				state = code
				i++
			}
			continue
		case str:
			if c == '\\' {
				i++
				continue
			}
			if quote == '`' && c == '$' && i+1 < len(text) && text[i+1] == '{' {
				state = code
				braces = append(braces, 0)
				i++
				continue
			}
			if c == quote || c == '\n' && quote != '`' {
				state = code
				continue
			}
		case code:
			switch {
			case c == '/' && i+1 < len(text) && text[i+1] == '/':
				state = lineComment
				i++
				continue
			case c == '/' && i+1 < len(text) && text[i+1] == '*':
				state = blockComment
				i++
				continue
			case c == '"' || c == '\'' || c == '`':
				state, quote = str, c
				continue
			case c == '{' && len(braces) > 0:
				braces[len(braces)-1]++
			case c == '}' && len(braces) > 0:
				if braces[len(braces)-1] == 0 {
					braces = braces[:len(braces)-1]
					state, quote = str, '`'
					continue
				}
				braces[len(braces)-1]--
			}
		}
		if c == prefix[0] && strings.HasPrefix(text[i:], prefix) && (i == 0 || !isIdentByte(text[i-1])) {
			j := i + len(prefix)
			for j < len(text) && isIdentByte(text[j]) && text[j] < 0x80 {
				j++
			}
			// In a string, only a string that is the whole name is a read
			// (process.env["NAME"], an env schema's keys), not prose.
			whole := state == code || text[i-1] == quote && j < len(text) && text[j] == quote
			if j > i+len(prefix) && whole {
				fn(i, text[i:j])
			}
			i = j - 1
		}
	}
}

// ---- NEXT_SERVER_ACTIONS_ENCRYPTION_KEY in committed files ----

const encryptionKeyVar = "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY"

// configFileNames are deployment and CI files that set environment variables.
var configFileNames = map[string]bool{"docker-compose.yml": true, "docker-compose.yaml": true, "compose.yml": true, "compose.yaml": true,
	"vercel.json": true, "fly.toml": true, "netlify.toml": true, "render.yaml": true, "app.yaml": true, "apphosting.yaml": true,
	".gitlab-ci.yml": true, "bitbucket-pipelines.yml": true, "cloudbuild.yaml": true, "azure-pipelines.yml": true,
	"next.config.js": true, "next.config.mjs": true, "next.config.cjs": true, "next.config.ts": true, "next.config.mts": true,
	"railway.json": true, "railway.toml": true, "amplify.yml": true, "buildspec.yml": true}

func keyFileName(name string) bool {
	return strings.HasPrefix(name, ".env") || strings.HasPrefix(name, "Dockerfile") || strings.HasSuffix(name, ".Dockerfile") ||
		strings.HasPrefix(name, "docker-compose") && (strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")) || configFileNames[name]
}

// committedConfigFiles lists the files that may hold the key: in the root and
// each package directory, .env*, Dockerfile*, compose, host and CI files, and
// the root's .github/workflows; files a .gitignore excludes are not committed.
func committedConfigFiles(root string, dirs []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(rel string) {
		if !seen[rel] {
			seen[rel] = true
			out = append(out, rel)
		}
	}
	dirs = append([]string{"."}, dirs...)
	for _, d := range dirs {
		ign := gitignoreFor(root, d)
		entries, err := os.ReadDir(joinRoot(root, d))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || !keyFileName(e.Name()) {
				continue
			}
			if ign.ignored(e.Name()) {
				continue
			}
			add(path.Join(d, e.Name()))
		}
	}
	for _, wf := range []string{".github/workflows", ".circleci"} {
		entries, err := os.ReadDir(joinRoot(root, wf))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.Type().IsRegular() && (strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml")) {
				add(wf + "/" + e.Name())
			}
		}
	}
	sort.Strings(out)
	return out
}

func joinRoot(root, rel string) string {
	if rel == "." || rel == "" {
		return root
	}
	return root + string(os.PathSeparator) + strings.ReplaceAll(rel, "/", string(os.PathSeparator))
}

// ignoreRules is the subset of .gitignore that decides whether a file directly
// in a directory is ignored: name patterns (`.env*`, `*.local`, `!.env.example`),
// last match wins. Patterns with a slash in the middle are left out.
type ignoreRules []struct {
	pat    string
	negate bool
}

func gitignoreFor(root, dir string) ignoreRules {
	var rules ignoreRules
	dirs := []string{"."}
	if dir != "." {
		dirs = append(dirs, dir)
	}
	for _, d := range dirs {
		b, err := os.ReadFile(joinRoot(root, path.Join(d, ".gitignore")))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			neg := strings.HasPrefix(l, "!")
			l = strings.TrimPrefix(l, "!")
			l = strings.TrimPrefix(l, "**/")
			if d == dir {
				l = strings.TrimPrefix(l, "/")
			}
			if strings.Contains(l, "/") {
				continue
			}
			rules = append(rules, struct {
				pat    string
				negate bool
			}{l, neg})
		}
	}
	return rules
}

func (r ignoreRules) ignored(name string) bool {
	ign := false
	for _, x := range r {
		if ok, _ := path.Match(x.pat, name); ok {
			ign = !x.negate
		}
	}
	return ign
}

// placeholderWords mark example values.
var placeholderWords = []string{"your", "change", "replace", "example", "placeholder", "todo", "xxx", "generate", "insert",
	"dummy", "fake", "here", "<", ">", "$", "{{", "%", "...", "…"}

// realKey reports whether v looks like an actual key rather than a placeholder.
func realKey(v string) bool {
	if len(v) < 16 {
		return false
	}
	l := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(l, w) {
			return false
		}
	}
	if strings.Count(v, v[:1]) == len(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isIdentByte(c) && c < 0x80 || c == '+' || c == '/' || c == '=' || c == '-') {
			return false
		}
	}
	return true
}

// keyAssignments finds `NAME=value`, `NAME: value`, `"NAME": "value"`, `ENV NAME
// value` assignments of the key in text; js requires a quoted value (the
// value of a JS property can be any expression).
func keyAssignments(text string, js bool, fn func(start int, value string)) {
	for off := 0; ; {
		i := strings.Index(text[off:], encryptionKeyVar)
		if i < 0 {
			return
		}
		i += off
		off = i + len(encryptionKeyVar)
		j := off
		if j < len(text) && (text[j] == '"' || text[j] == '\'') {
			j++
		}
		for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
		lineStart := strings.LastIndexByte(text[:i], '\n') + 1
		dockerEnv := strings.HasPrefix(strings.TrimSpace(text[lineStart:i]), "ENV") && j > off && j < len(text) && text[j] != '='
		switch {
		case j < len(text) && (text[j] == '=' || text[j] == ':') && !strings.HasPrefix(text[j:], "==") && !strings.HasPrefix(text[j:], "=>"):
			j++
		case dockerEnv:
		default:
			continue
		}
		for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
		quoted := j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == '`')
		if js && !quoted {
			continue
		}
		var value string
		start := j
		if quoted {
			q := text[j]
			end := strings.IndexByte(text[j+1:], q)
			if end < 0 {
				continue
			}
			start = j + 1
			value = text[start : start+end]
		} else {
			end := j
			for end < len(text) && text[end] != '\n' && text[end] != '\r' && text[end] != ' ' && text[end] != '\t' && text[end] != '#' && text[end] != ',' && text[end] != '}' {
				end++
			}
			value = text[j:end]
		}
		fn(start, value)
	}
}

func checkEncryptionKey(p *ProjectPass, scan *projectScan) {
	for _, rel := range committedConfigFiles(p.Root, scan.packageDirs) {
		f, err := p.ReadFile(rel)
		if err != nil || !strings.Contains(f.Text, encryptionKeyVar) {
			continue
		}
		base := path.Base(rel)
		js := strings.HasPrefix(base, "next.config.")
		keyAssignments(f.Text, js, func(start int, value string) {
			if !realKey(value) {
				return
			}
			msg := "A hard-coded " + code(encryptionKeyVar) + " is committed in " + rel + ". Next.js encrypts the variables that inline Server Actions close over with this key before sending them to the browser; anyone with the repository can decrypt those values from any page and forge encrypted ones that the server will trust."
			help := "Remove the value from the repository and rotate the key (`openssl rand -base64 32`). Set it as a secret of your host or CI (`${{ secrets.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY }}`, a Docker build secret) or in an uncommitted .env.local."
			p.Report(Diagnostic{File: f, Start: int32(start), End: int32(start + len(value)), Message: msg, Help: help})
		})
	}
}

// ---- Server Components passing secrets to Client Components ----

func checkSecretProps(p *ProjectPass, scan *projectScan) {
	comps := scan.serverComponents()
	eachSafely(len(comps), func(ci int) {
		c := comps[ci]
		res := newEnvResolver(c.mod)
		res.scan(c.fn.Body)
		for _, cp := range c.props {
			res.out = nil
			res.resolve(cp.value, 0)
			uses, certain := secretUses(res.out, classifyServerEnv, map[string]bool{})
			if len(uses) == 0 {
				continue
			}
			sev := result.Error
			if !certain {
				sev = result.Warning
			}
			msg := "Server Component " + componentName(c) + " passes " + variables(uses) + " to the client component " + cp.describe() + " (" + cp.clientFile + " is a \"use client\" module). Props of client components are serialized into the HTML and the RSC payload, so the value is readable in the page source by anyone who can load the page."
			help := "Keep the secret on the server: do the work that needs it in the Server Component, a Server Action or a Route Handler and pass only the result. If the value is public by design, give it a NEXT_PUBLIC_ name."
			d := Diagnostic{File: c.mod.File, Start: cp.keyLoc.Start, End: cp.keyEnd, Message: msg, Help: help, Severity: sev}
			for _, u := range uses {
				d.Related = append(d.Related, RelatedDiag{File: u.Mod.File, Start: u.Loc.Start, End: u.Loc.Start, Message: "the value of " + code(u.Name) + " is read here"})
			}
			p.Report(d)
		}
	})
}

// componentName names a Server Component for messages.
func componentName(c *serverComponent) string {
	if c.fn.Name == "" || c.fn.Name == "default" {
		return "in " + c.mod.Rel
	}
	return code(c.fn.Name) + " (" + c.mod.Rel + ")"
}

// This file finds which process.env variables an expression *is* — the value
// itself, or a string or object built from it — as opposed to values merely
// computed from one (a JWT signed with a secret, a fetch that sends an API key).
// The flow engine's Env label cannot tell the two apart and does not carry the
// variable's name, so secret-exposure confirms each Env-labelled value here.

// envUse is one process.env read that flows into a value unchanged.
type envUse struct {
	Name string
	Mod  *index.Module
	Loc  esb.Loc
}

// envResolver follows an expression through local and module-level variables,
// object and array literals, template literals, string concatenation, `??`/`||`,
// conditionals and same-module helper functions, stopping at any other call.
type envResolver struct {
	mod *index.Module
	// locals maps a variable declared inside the scanned functions to its
	// initializer; envLocals maps one destructured from process.env to its name.
	locals    map[esb.Ref]*esb.Expr
	envLocals map[esb.Ref]envUse
	fns       map[esb.Ref]*index.Func
	scanned   map[*esb.FnBody]bool
	busy      map[esb.Ref]bool
	out       []envUse
}

func newEnvResolver(m *index.Module) *envResolver {
	return &envResolver{mod: m, locals: map[esb.Ref]*esb.Expr{}, envLocals: map[esb.Ref]envUse{},
		fns: map[esb.Ref]*index.Func{}, scanned: map[*esb.FnBody]bool{}, busy: map[esb.Ref]bool{}}
}

// scan records the local declarations of a function body (nested functions
// included: esbuild gives every symbol its own ref, so one map serves all scopes).
func (r *envResolver) scan(body *esb.FnBody) {
	if body == nil || r.scanned[body] {
		return
	}
	r.scanned[body] = true
	v := astwalk.Visitor{OnStmt: func(s *esb.Stmt) bool {
		switch x := s.Data.(type) {
		case *esb.SLocal:
			for i := range x.Decls {
				r.declare(x.Decls[i].Binding, &x.Decls[i].ValueOrNil)
			}
		case *esb.SFunction:
			if x.Fn.Name != nil {
				r.fns[x.Fn.Name.Ref] = r.mod.FuncOf(r.mod.SymbolName(x.Fn.Name.Ref), s.Loc, x.Fn.Args, &x.Fn.Body, false, x.Fn.IsAsync)
			}
		}
		return true
	}}
	v.Stmts(body.Block.Stmts)
}

func (r *envResolver) declare(b esb.Binding, init *esb.Expr) {
	if init.Data == nil {
		return
	}
	switch x := b.Data.(type) {
	case *esb.BIdentifier:
		r.locals[x.Ref] = init
		if f := r.mod.FuncFromExpr(r.mod.SymbolName(x.Ref), *init); f != nil {
			r.fns[x.Ref] = f
		}
	case *esb.BObject:
		if !isProcessEnv(r.mod, *init) {
			return
		}
		for _, p := range x.Properties {
			key, ok := p.Key.Data.(*esb.EString)
			id, ok2 := p.Value.Data.(*esb.BIdentifier)
			if ok && ok2 {
				r.envLocals[id.Ref] = envUse{Name: index.String(key.Value), Mod: r.mod, Loc: p.Key.Loc}
			}
		}
	}
}

// isProcessEnv reports whether e is the global `process.env`.
func isProcessEnv(m *index.Module, e esb.Expr) bool {
	d, ok := e.Data.(*esb.EDot)
	if !ok || d.Name != "env" {
		return false
	}
	id, ok := d.Target.Data.(*esb.EIdentifier)
	return ok && m.SymbolName(id.Ref) == "process" && m.Decls[id.Ref] == nil && m.Imports[id.Ref] == nil
}

// envRead returns the variable name when e is `process.env.NAME` or
// `process.env["NAME"]`.
func envRead(m *index.Module, e esb.Expr) (string, bool) {
	switch x := e.Data.(type) {
	case *esb.EDot:
		if isProcessEnv(m, x.Target) {
			return x.Name, true
		}
	case *esb.EIndex:
		if s, ok := x.Index.Data.(*esb.EString); ok && isProcessEnv(m, x.Target) {
			return index.String(s.Value), true
		}
	}
	return "", false
}

// stringMethods keep the whole value (a trimmed or re-cased secret is the
// secret); slice/substring do not, since showing a key's last four characters
// is the usual way to display one safely.
var stringMethods = map[string]bool{"trim": true, "trimStart": true, "trimEnd": true, "toString": true, "valueOf": true,
	"replace": true, "replaceAll": true, "toLowerCase": true, "toUpperCase": true, "concat": true, "normalize": true,
	"padStart": true, "padEnd": true}

// wrappers pass their first argument's value through: conversions and the
// response helpers that serialise it.
var wrappers = map[string]bool{"String": true, "JSON.stringify": true, "encodeURIComponent": true, "encodeURI": true,
	"Buffer.from": true, "btoa": true, "NextResponse.json": true, "Response.json": true, "json": true, "send": true}

// resolve adds the env reads e evaluates to.
func (r *envResolver) resolve(e esb.Expr, depth int) {
	if e.Data == nil || depth > 24 {
		return
	}
	if name, ok := envRead(r.mod, e); ok {
		r.out = append(r.out, envUse{Name: name, Mod: r.mod, Loc: e.Loc})
		return
	}
	switch x := e.Data.(type) {
	case *esb.EIdentifier:
		r.ref(x.Ref, depth)
	case *esb.EImportIdentifier:
		r.ref(x.Ref, depth)
	case *esb.EObject:
		for _, p := range x.Properties {
			if p.Kind == esb.PropertyMethod || p.Kind == esb.PropertyGetter || p.Kind == esb.PropertySetter {
				continue
			}
			r.resolve(p.ValueOrNil, depth+1)
		}
	case *esb.EArray:
		for _, it := range x.Items {
			r.resolve(it, depth+1)
		}
	case *esb.ESpread:
		r.resolve(x.Value, depth+1)
	case *esb.ETemplate:
		if x.TagOrNil.Data == nil {
			for _, p := range x.Parts {
				r.resolve(p.Value, depth+1)
			}
		}
	case *esb.EBinary:
		switch x.Op {
		case esb.BinOpAdd, esb.BinOpLogicalOr, esb.BinOpNullishCoalescing:
			r.resolve(x.Left, depth+1)
			r.resolve(x.Right, depth+1)
		case esb.BinOpLogicalAnd, esb.BinOpComma:
			r.resolve(x.Right, depth+1)
		}
	case *esb.EIf:
		r.resolve(x.Yes, depth+1)
		r.resolve(x.No, depth+1)
	case *esb.EAwait:
		r.resolve(x.Value, depth+1)
	case *esb.EAnnotation:
		r.resolve(x.Value, depth+1)
	case *esb.EUnary:
		// `!x`, `typeof x`, `-x`: not the value.
	case *esb.ENew:
		if last, _ := calleeName(r.mod, x.Target); (last == "Response" || last == "NextResponse") && len(x.Args) > 0 {
			r.resolve(x.Args[0], depth+1)
		}
	case *esb.ECall:
		r.call(x, depth)
	}
}

func (r *envResolver) call(x *esb.ECall, depth int) {
	last, full := calleeName(r.mod, x.Target)
	if d, ok := x.Target.Data.(*esb.EDot); ok && stringMethods[d.Name] {
		r.resolve(d.Target, depth+1)
		if d.Name == "concat" {
			for _, a := range x.Args {
				r.resolve(a, depth+1)
			}
		}
		return
	}
	if wrappers[full] || wrappers[last] && (last == "json" || last == "send") {
		if len(x.Args) > 0 {
			r.resolve(x.Args[0], depth+1)
		}
		return
	}
	// A helper in this module: what it returns.
	var ref esb.Ref
	switch t := x.Target.Data.(type) {
	case *esb.EIdentifier:
		ref = t.Ref
	default:
		return
	}
	fn := r.fns[ref]
	if fn == nil {
		if d := r.mod.Decls[ref]; d != nil {
			fn = d.Fn
		}
	}
	if fn == nil || r.busy[ref] {
		return
	}
	r.busy[ref] = true
	defer delete(r.busy, ref)
	r.scan(fn.Body)
	r.returns(fn.Body, depth+1)
}

// returns resolves every return statement of a function body (not of the
// functions nested in it).
func (r *envResolver) returns(body *esb.FnBody, depth int) {
	var walk func(stmts []esb.Stmt)
	walk = func(stmts []esb.Stmt) {
		for i := range stmts {
			switch x := stmts[i].Data.(type) {
			case *esb.SReturn:
				r.resolve(x.ValueOrNil, depth)
			case *esb.SBlock:
				walk(x.Stmts)
			case *esb.SIf:
				walk([]esb.Stmt{x.Yes})
				if x.NoOrNil.Data != nil {
					walk([]esb.Stmt{x.NoOrNil})
				}
			case *esb.STry:
				walk(x.Block.Stmts)
				if x.Catch != nil {
					walk(x.Catch.Block.Stmts)
				}
			}
		}
	}
	walk(body.Block.Stmts)
}

func (r *envResolver) ref(ref esb.Ref, depth int) {
	if u, ok := r.envLocals[ref]; ok {
		r.out = append(r.out, u)
		return
	}
	if r.busy[ref] {
		return
	}
	r.busy[ref] = true
	defer delete(r.busy, ref)
	if init := r.locals[ref]; init != nil {
		if r.fns[ref] == nil {
			r.resolve(*init, depth+1)
		}
		return
	}
	d := r.mod.Decls[ref]
	if d == nil || d.Init == nil || d.Fn != nil {
		return
	}
	if len(d.Path) > 0 {
		// `const { STRIPE_KEY } = process.env` at module level.
		if len(d.Path) == 1 && isProcessEnv(r.mod, *d.Init) {
			r.out = append(r.out, envUse{Name: d.Path[0], Mod: r.mod, Loc: d.Loc})
		}
		return
	}
	r.resolve(*d.Init, depth+1)
}

// envClass is how secret an environment variable's name looks.
type envClass uint8

const (
	envNotSecret envClass = iota
	envMaybeSecret
	envSecret
)

// envTokens splits an environment variable name into upper-case words.
func envTokens(name string) []string {
	return strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
}

func hasToken(toks []string, set map[string]bool) bool {
	for _, t := range toks {
		if set[t] {
			return true
		}
	}
	return false
}

// secretWords mark a variable as a secret whatever else its name says,
// unless the name is a feature toggle (see toggle).
var secretWords = map[string]bool{"SECRET": true, "SECRETS": true, "PRIVATE": true, "PASSWORD": true, "PASSWD": true, "PASS": true,
	"PWD": true, "PASSPHRASE": true, "CREDENTIAL": true, "CREDENTIALS": true, "SALT": true, "PRIVKEY": true}

// secretModifiers say what a key is for (SIGNING_KEY, ENCRYPTION_TOKEN): with
// a key word the key is a secret; alone they are a domain word, as in an
// e-signature product's SIGNING_CONTACT_INFO.
var secretModifiers = map[string]bool{"SIGNING": true, "ENCRYPTION": true}

// toggleFirst and toggleLast mark a feature toggle (DISABLE_PASSWORD_SIGNUP,
// PASSWORD_RESET_DISABLED): its value is on or off, whatever it switches.
var toggleFirst = map[string]bool{"DISABLE": true, "ENABLE": true, "IS": true, "SHOW": true, "HIDE": true, "ALLOW": true, "USE": true}
var toggleLast = map[string]bool{"ENABLED": true, "DISABLED": true, "REQUIRED": true, "ALLOWED": true, "FLAG": true}

// toggle reports whether a name is a feature toggle. A name with a key word
// is not one: ENABLE_BANKING_KEY_CONTENT is Enable Banking's key.
func toggle(toks []string) bool {
	if len(toks) == 0 || hasToken(toks, keyWords) {
		return false
	}
	return toggleFirst[toks[0]] || toggleLast[toks[len(toks)-1]]
}

// keyWords mark a credential that may or may not be public (API keys, tokens).
var keyWords = map[string]bool{"KEY": true, "TOKEN": true, "APIKEY": true, "DSN": true, "KEYS": true, "TOKENS": true}

// connectionWords with urlWords make a connection string, which embeds a password.
// A REST URL (Upstash, Vercel KV) is not one: its token is a separate variable.
var connectionWords = map[string]bool{"DATABASE": true, "DB": true, "POSTGRES": true, "POSTGRESQL": true, "PG": true, "MYSQL": true,
	"MONGO": true, "MONGODB": true, "REDIS": true, "NEON": true, "TURSO": true, "LIBSQL": true}
var urlWords = map[string]bool{"URL": true, "URI": true, "CONNECTION": true, "DSN": true}

// secretVendors issue API keys that are never meant for browsers: their KEY
// or TOKEN is a secret even without "SECRET" in the name.
var secretVendors = map[string]bool{"OPENAI": true, "ANTHROPIC": true, "GROQ": true, "REPLICATE": true, "RESEND": true,
	"SENDGRID": true, "POSTMARK": true, "MAILGUN": true, "TWILIO": true, "AWS": true, "GITHUB": true, "GITLAB": true,
	"SLACK": true, "DISCORD": true, "OPENROUTER": true, "COHERE": true, "MISTRAL": true, "HUGGINGFACE": true, "HF": true,
	"PINECONE": true, "UPSTASH": true, "ELEVENLABS": true, "DEEPGRAM": true, "GEMINI": true, "PERPLEXITY": true,
	"TOGETHER": true, "FIREWORKS": true, "VERCEL": true, "CLOUDFLARE": true, "SHOPIFY": true, "NOTION": true, "LINEAR": true,
	"AIRTABLE": true, "HUBSPOT": true, "LEMONSQUEEZY": true, "PADDLE": true, "BREVO": true, "LOOPS": true}

// publicWords mark keys issued for browsers: Stripe/Clerk publishable keys,
// Supabase anon keys, CAPTCHA site keys, map and analytics tokens, search-only
// keys, error-reporting DSNs.
var publicWords = map[string]bool{"PUBLISHABLE": true, "PUBLIC": true, "ANON": true, "SITE": true, "SEARCH": true,
	"MAPBOX": true, "MAPS": true, "MAP": true, "FIREBASE": true, "POSTHOG": true, "SEGMENT": true, "AMPLITUDE": true,
	"MIXPANEL": true, "SENTRY": true, "PUSHER": true, "RECAPTCHA": true, "TURNSTILE": true, "HCAPTCHA": true, "VAPID": true,
	"MEASUREMENT": true, "GA": true, "GTM": true, "CLIENT": true, "RUM": true, "BROWSER": true, "PK": true}

// platformEnv are set by Node.js, Next.js or the host and hold nothing secret.
var platformEnv = map[string]bool{"NODE_ENV": true, "NEXT_RUNTIME": true, "NEXT_PHASE": true, "VERCEL": true, "VERCEL_ENV": true,
	"VERCEL_URL": true, "VERCEL_BRANCH_URL": true, "VERCEL_PROJECT_PRODUCTION_URL": true, "VERCEL_REGION": true,
	"VERCEL_DEPLOYMENT_ID": true, "PORT": true, "HOSTNAME": true, "TZ": true, "CI": true}

// classifyServerEnv says how secret a server-side variable's name looks.
func classifyServerEnv(name string) envClass {
	if strings.HasPrefix(name, "NEXT_PUBLIC_") || platformEnv[name] || strings.HasPrefix(name, "VERCEL_GIT_") || strings.HasPrefix(name, "npm_") {
		return envNotSecret
	}
	toks := envTokens(name)
	switch {
	case toggle(toks):
		return envNotSecret
	case hasToken(toks, secretWords), connectionString(toks), serviceRole(toks):
		return envSecret
	case hasToken(toks, keyWords):
		if hasToken(toks, secretVendors) || hasToken(toks, secretModifiers) {
			return envSecret
		}
		return envMaybeSecret
	}
	return envNotSecret
}

// classifyPublicEnv says whether a NEXT_PUBLIC_ variable's name looks like a
// secret: never for a feature toggle; always for
// SECRET/PRIVATE/SERVICE_ROLE/PASSWORD and connection strings; for KEY/TOKEN
// only when the name has no word of a key that is public by design
// (PUBLISHABLE, ANON, SITE_KEY, MAPBOX, ...), and then a secret for vendors
// whose keys are never public and signing or encryption keys, a maybe
// otherwise.
func classifyPublicEnv(name string) envClass {
	toks := envTokens(strings.TrimPrefix(name, "NEXT_PUBLIC_"))
	switch {
	case toggle(toks):
		return envNotSecret
	case hasToken(toks, secretWords), serviceRole(toks), connectionString(toks):
		return envSecret
	case hasToken(toks, keyWords) && !hasToken(toks, publicWords):
		if hasToken(toks, secretVendors) || hasToken(toks, secretModifiers) {
			return envSecret
		}
		return envMaybeSecret
	}
	return envNotSecret
}

func connectionString(toks []string) bool {
	return hasToken(toks, connectionWords) && hasToken(toks, urlWords) && !hasToken(toks, map[string]bool{"REST": true, "HTTP": true})
}

func serviceRole(toks []string) bool {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i] == "SERVICE" && (toks[i+1] == "ROLE" || toks[i+1] == "ACCOUNT" || toks[i+1] == "KEY") {
			return true
		}
	}
	return false
}

// publicSlot reports whether the read at start is the value of a property or
// JSX attribute named for a browser key (`googleMapsApiKey: process.env.X`,
// `publishableKey={process.env.X}`): the SDK that takes it documents the key
// as public, whatever the variable is called.
func publicSlot(text string, start int) bool {
	i := start
	for i > 0 && (isIdentByte(text[i-1]) || strings.IndexByte(".[\"'`", text[i-1]) >= 0) {
		i--
	}
	i = skipSpaceBack(text, i)
	if i > 0 && text[i-1] == '{' {
		i = skipSpaceBack(text, i-1)
	}
	if i == 0 || text[i-1] != ':' && text[i-1] != '=' {
		return false
	}
	if text[i-1] == '=' && i > 1 && strings.IndexByte("=!<>", text[i-2]) >= 0 {
		return false // a comparison, not an assignment
	}
	end := skipSpaceBack(text, i-1)
	j := end
	for j > 0 && isIdentByte(text[j-1]) {
		j--
	}
	return j < end && hasToken(identWords(text[j:end]), publicWords)
}

func skipSpaceBack(text string, i int) int {
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t' || text[i-1] == '\n' || text[i-1] == '\r') {
		i--
	}
	return i
}

// identWords splits a camelCase or snake_case name into upper-case words:
// googleMapsApiKey → GOOGLE MAPS API KEY.
func identWords(name string) []string {
	var words []string
	w := 0
	for i := 1; i <= len(name); i++ {
		if i == len(name) || name[i] == '_' || name[i] >= 'A' && name[i] <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z' {
			if i > w {
				words = append(words, strings.ToUpper(strings.Trim(name[w:i], "_")))
			}
			w = i
		}
	}
	return words
}
