package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nextguard/nextguard/schemas"
)

var knownRules = []string{"missing-auth", "missing-ownership", "missing-validation", "raw-orm-return", "unused-suppression"}

func TestLoadFull(t *testing.T) {
	path := filepath.Join("testdata", "valid", "full.json")
	c, err := Load(path, knownRules)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != path {
		t.Errorf("File = %q, want %q", c.File, path)
	}
	want := &Config{
		File:                 path,
		Include:              []string{"app/**", "lib/**", "src/**/*.{ts,tsx}"},
		Exclude:              []string{"app/legacy/**", "**/*.stories.tsx", "app/[locale]/admin/page.tsx"},
		Rules:                map[string]string{"missing-auth": "error", "missing-ownership": "warning", "missing-validation": "note", "raw-orm-return": "off"},
		AuthSources:          []string{"@/lib/auth#getSession", "@acme/auth#getUser", "auth.api.getSession"},
		AuthGuards:           []string{"requireUser", "lib/auth.ts#requireAdmin"},
		AuthorizationHelpers: []string{"@/lib/permissions#canEditPost", "assertMembership"},
		Validators:           []string{"@/lib/validate#parseInput"},
		DBClients:            []string{"@/lib/db#db", "prisma"},
		SensitiveFields:      []string{"ssn", "stripeCustomerId", "$internal"},
		PublicEntryPoints:    []string{"app/actions/newsletter.ts#subscribe", "app/api/public/**", "app/api/[id]/route.ts#GET", "app/(marketing)/actions.ts"},
		RateLimiters:         []string{"@/lib/ratelimit#checkRateLimit"},
		MaxFileSize:          2000000,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load:\n got %#v\nwant %#v", c, want)
	}
	if sev, ok := c.Severity("raw-orm-return"); sev != "off" || !ok {
		t.Errorf(`Severity("raw-orm-return") = %q, %v`, sev, ok)
	}
	if sev, ok := c.Severity("unused-suppression"); sev != "" || ok {
		t.Errorf(`Severity("unused-suppression") = %q, %v; want unset`, sev, ok)
	}
	if got := c.Strings("sensitiveFields"); !slices.Equal(got, want.SensitiveFields) {
		t.Errorf("Strings(sensitiveFields) = %q", got)
	}
	if got := c.Strings("noSuchKey"); got != nil {
		t.Errorf("Strings(noSuchKey) = %q, want nil", got)
	}
}

func TestLoadValidVariants(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "valid", "bom-crlf.json"), knownRules)
	if err != nil {
		t.Fatal(err)
	}
	if sev, _ := c.Severity("missing-auth"); sev != "warning" {
		t.Errorf("BOM/CRLF file: severity %q", sev)
	}
	c, err = Load(filepath.Join("testdata", "valid", "integer-forms.json"), knownRules)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxFileSize != 1000000 || c.Include == nil || len(c.Include) != 0 {
		t.Errorf("integer-forms: %+v", c)
	}
	// Without a known-rules list any well-formed id is accepted.
	if _, err := Parse("x.json", []byte(`{"rules": {"future-rule": "note"}}`), nil); err != nil {
		t.Error(err)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Load("", knownRules)
	if err != nil || c == nil || c.File != "" || !reflect.DeepEqual(c, &Config{}) {
		t.Fatalf("Load(\"\") = %#v, %v", c, err)
	}
	var nilCfg *Config
	if nilCfg.Strings("authSources") != nil || nilCfg.IsPublic("a.ts", "f") {
		t.Error("nil *Config must behave as defaults")
	}
	if _, ok := nilCfg.Severity("missing-auth"); ok {
		t.Error("nil *Config has no severities")
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nextguard.json"), knownRules)
	var ce *Error
	if !errors.As(err, &ce) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want *Error wrapping fs.ErrNotExist", err)
	}
	if !strings.HasSuffix(err.Error(), "nextguard.json: cannot read config: no such file or directory") {
		t.Errorf("message: %q", err.Error())
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	if p, ok := Find(dir); ok {
		t.Errorf("Find on empty dir = %q", p)
	}
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(dir); ok {
		t.Errorf("a directory named nextguard.json was found: %q", p)
	}
	dir2 := t.TempDir()
	want := filepath.Join(dir2, FileName)
	if err := os.WriteFile(want, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(dir2); !ok || p != want {
		t.Errorf("Find = %q, %v; want %q", p, ok, want)
	}
}

// invalidCases are configs Load must reject with exactly this message. schema
// says whether the shipped JSON Schema rejects them too (some checks, such as
// known rule ids or glob syntax, are beyond what a schema can express);
// syntax marks files that are not JSON at all.
var invalidCases = []struct {
	name, json, want string
	schema, syntax   bool
	line, col        int // checked when non-zero
}{
	{name: "unknown key", json: `{"authSource": ["getUser"]}`,
		want: `nextguard.json: authSource: unknown key (did you mean authSources?)`, schema: true, line: 1, col: 2},
	{name: "unknown key snake case", json: `{"sensitive_fields": []}`,
		want: `nextguard.json: sensitive_fields: unknown key (did you mean sensitiveFields?)`, schema: true},
	{name: "unknown key alias", json: `{"ignore": ["dist/**"]}`,
		want: `nextguard.json: ignore: unknown key (did you mean exclude?)`, schema: true},
	{name: "unknown key no suggestion", json: "{\n  \"rules\": {},\n  \"colour\": true\n}",
		want: `nextguard.json: colour: unknown key`, schema: true, line: 3, col: 3},
	{name: "empty key", json: `{"": []}`,
		want: `nextguard.json: "": unknown key`, schema: true},
	{name: "unknown rule", json: `{"rules": {"missing-autth": "error"}}`,
		want: `nextguard.json: rules.missing-autth: unknown rule (did you mean missing-auth?)`, line: 1, col: 12},
	{name: "unknown rule no suggestion", json: `{"rules": {"sql-injection": "error"}}`,
		want: `nextguard.json: rules.sql-injection: unknown rule`},
	{name: "rule id not kebab case", json: `{"rules": {"MissingAuth": "error"}}`,
		want: `nextguard.json: rules.MissingAuth: unknown rule (did you mean missing-auth?)`, schema: true},
	{name: "severity alias", json: `{"rules": {"missing-auth": "warn"}}`,
		want: `nextguard.json: rules.missing-auth: unknown severity "warn"; expected "error", "warning", "note" or "off" (did you mean warning?)`, schema: true, line: 1, col: 28},
	{name: "severity typo", json: `{"rules": {"missing-auth": "erorr"}}`,
		want: `nextguard.json: rules.missing-auth: unknown severity "erorr"; expected "error", "warning", "note" or "off" (did you mean error?)`, schema: true},
	{name: "severity number", json: `{"rules": {"missing-auth": 2}}`,
		want: `nextguard.json: rules.missing-auth: expected "error", "warning", "note" or "off", got number 2`, schema: true},
	{name: "severity object", json: `{"rules": {"missing-auth": {"severity": "error"}}}`,
		want: `nextguard.json: rules.missing-auth: expected "error", "warning", "note" or "off", got object`, schema: true},
	{name: "rules not object", json: `{"rules": ["missing-auth"]}`,
		want: `nextguard.json: rules: expected an object mapping rule ids to "error", "warning", "note" or "off", got array`, schema: true},
	{name: "duplicate rule", json: `{"rules": {"missing-auth": "off", "missing-auth": "error"}}`,
		want: `nextguard.json: rules.missing-auth: duplicate key`},
	{name: "duplicate key", json: `{"include": ["a/**"], "include": ["b/**"]}`,
		want: `nextguard.json: include: duplicate key`, line: 1, col: 23},
	{name: "list is a string", json: `{"authSources": "getUser"}`,
		want: `nextguard.json: authSources: expected an array of names (strings), got string "getUser"`, schema: true},
	{name: "list is null", json: `{"include": null}`,
		want: `nextguard.json: include: expected an array of globs (strings), got null`, schema: true},
	{name: "element not a string", json: `{"validators": ["parseInput", 3]}`,
		want: `nextguard.json: validators[1]: expected a string, got number 3`, schema: true, line: 1, col: 31},
	{name: "element is an object", json: `{"dbClients": [{"name": "db"}]}`,
		want: `nextguard.json: dbClients[0]: expected a string, got object`, schema: true},
	{name: "empty name", json: `{"authGuards": [""]}`,
		want: `nextguard.json: authGuards[0]: empty name; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "two hashes", json: `{"authSources": ["@acme/auth#getUser#x"]}`,
		want: `nextguard.json: authSources[0]: "@acme/auth#getUser#x" has more than one #; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "no module", json: `{"authSources": ["#getUser"]}`,
		want: `nextguard.json: authSources[0]: "#getUser" has no module before #; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "no export", json: `{"authSources": ["@acme/auth#"]}`,
		want: `nextguard.json: authSources[0]: "@acme/auth#" has no export name after #; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "module without export", json: `{"authorizationHelpers": ["@/lib/permissions"]}`,
		want: `nextguard.json: authorizationHelpers[0]: "@/lib/permissions" looks like a module; add the export: @/lib/permissions#name`, schema: true},
	{name: "whitespace in name", json: `{"rateLimiters": ["check rate"]}`,
		want: `nextguard.json: rateLimiters[0]: "check rate" contains whitespace; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "not an identifier", json: `{"authGuards": ["require-user"]}`,
		want: `nextguard.json: authGuards[0]: "require-user" is not a JavaScript name; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "call syntax", json: `{"authGuards": ["requireUser()"]}`,
		want: `nextguard.json: authGuards[0]: "requireUser()" is not a JavaScript name; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true},
	{name: "invalid glob", json: `{"include": ["app/[id/**"]}`,
		want: `nextguard.json: include[0]: "app/[id/**" is not a valid glob (check unbalanced [ ] or { }; escape a literal [ as \[)`},
	{name: "absolute glob", json: `{"exclude": ["/home/me/app/**"]}`,
		want: `nextguard.json: exclude[0]: "/home/me/app/**" is absolute; globs are relative to the project root`, schema: true},
	{name: "windows absolute glob", json: `{"exclude": ["C:/app/**"]}`,
		want: `nextguard.json: exclude[0]: "C:/app/**" is absolute; globs are relative to the project root`, schema: true},
	{name: "glob leaves root", json: `{"include": ["../shared/**"]}`,
		want: `nextguard.json: include[0]: "../shared/**" leaves the project root; globs are relative to the project root`, schema: true},
	{name: "empty glob", json: `{"include": [""]}`,
		want: `nextguard.json: include[0]: empty glob`, schema: true},
	{name: "bad field name", json: `{"sensitiveFields": ["api key"]}`,
		want: `nextguard.json: sensitiveFields[0]: "api key" is not a field name (letters, digits, _ and $)`, schema: true},
	{name: "public without export", json: `{"publicEntryPoints": ["app/actions.ts#"]}`,
		want: `nextguard.json: publicEntryPoints[0]: "app/actions.ts#" needs an export name after # (subscribe, default, GET)`, schema: true},
	{name: "public two hashes", json: `{"publicEntryPoints": ["app/a.ts#b#c"]}`,
		want: `nextguard.json: publicEntryPoints[0]: "app/a.ts#b#c" has more than one #; write "path#export" or a glob`, schema: true},
	{name: "public without path", json: `{"publicEntryPoints": ["#subscribe"]}`,
		want: `nextguard.json: publicEntryPoints[0]: "#subscribe" has no path before #`, schema: true},
	{name: "public invalid glob", json: `{"publicEntryPoints": ["app/{a,b/**"]}`,
		want: `nextguard.json: publicEntryPoints[0]: "app/{a,b/**" is not a valid glob (check unbalanced [ ] or { }; escape a literal [ as \[)`},
	{name: "negative size", json: `{"maxFileSize": -1}`,
		want: `nextguard.json: maxFileSize: must not be negative (0 means the default), got -1`, schema: true},
	{name: "fractional size", json: `{"maxFileSize": 1.5}`,
		want: `nextguard.json: maxFileSize: expected a whole number of bytes, got 1.5`, schema: true},
	{name: "size as string", json: `{"maxFileSize": "10MB"}`,
		want: `nextguard.json: maxFileSize: expected a number of bytes, got string "10MB"`, schema: true},
	{name: "huge size", json: `{"maxFileSize": 1e30}`,
		want: `nextguard.json: maxFileSize: too large: 1e30`},
	{name: "schema not a string", json: `{"$schema": 1}`,
		want: `nextguard.json: $schema: expected a string, got number`, schema: true},
	{name: "top level array", json: `["missing-auth"]`,
		want: `nextguard.json:1:1: expected a JSON object at the top level, got array`, schema: true},
	{name: "empty file", json: " \n",
		want: `nextguard.json:1:1: empty file; expected a JSON object such as {"rules": {}}`, syntax: true},
	{name: "trailing comma", json: "{\n  \"include\": [\"app/**\",]\n}",
		want: `nextguard.json:2:23: invalid JSON: trailing comma`, syntax: true},
	{name: "comment", json: "{\n  // auth\n  \"authGuards\": []\n}",
		want: `nextguard.json:2:3: invalid JSON: comments are not allowed in nextguard.json (it is plain JSON)`, syntax: true},
	{name: "single quotes", json: `{'rules': {}}`,
		want: `nextguard.json:1:2: invalid JSON: strings need double quotes`, syntax: true},
	{name: "missing brace", json: `{"rules": {}`,
		want: `nextguard.json:1:13: invalid JSON: unexpected end of file (missing } or ])`, syntax: true},
	{name: "missing colon", json: "{\n\"rules\" {}}",
		want: `nextguard.json:2:9: invalid JSON: invalid character '{' after object key`, syntax: true},
	{name: "position is utf16", json: `{"$schema": "ü😀", "authGuards": ["x y"]}`,
		want: `nextguard.json: authGuards[0]: "x y" contains whitespace; write a function name (requireUser), a member path (auth.api.getSession) or module#export (@acme/auth#getUser, @/lib/auth#getSession)`, schema: true, line: 1, col: 35},
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("nextguard.json", []byte(tc.json), knownRules)
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			if tc.line != 0 && (ce.Line != tc.line || ce.Column != tc.col) {
				t.Errorf("position %d:%d, want %d:%d", ce.Line, ce.Column, tc.line, tc.col)
			}
		})
	}
}

// TestLoadFileErrorNamesPath checks that errors name the file as given, since
// with --config the file need not be called nextguard.json.
func TestLoadFileErrorNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ci.nextguard.json")
	if err := os.WriteFile(path, []byte(`{"rules": {"missing-autth": "off"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, knownRules)
	want := path + ": rules.missing-autth: unknown rule (did you mean missing-auth?)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestParseName(t *testing.T) {
	for spec, want := range map[string]Name{
		"requireUser":           {Export: "requireUser"},
		"auth.api.getSession":   {Export: "auth.api.getSession"},
		"@acme/auth#getUser":    {Module: "@acme/auth", Export: "getUser"},
		"@/lib/auth#getSession": {Module: "@/lib/auth", Export: "getSession"},
		"lib/auth.ts#default":   {Module: "lib/auth.ts", Export: "default"},
		"next-auth#auth":        {Module: "next-auth", Export: "auth"},
	} {
		got, err := ParseName(spec)
		if err != nil || got != want {
			t.Errorf("ParseName(%q) = %+v, %v; want %+v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "a#b#c", "#x", "x#", "a b", "x.", "1abc", "@acme/auth"} {
		if _, err := ParseName(bad); err == nil {
			t.Errorf("ParseName(%q) accepted", bad)
		}
	}
}

func TestIsPublicAndMatch(t *testing.T) {
	c := &Config{PublicEntryPoints: []string{
		"app/actions/newsletter.ts#subscribe",
		"app/api/public/**",
		"app/api/[id]/route.ts#GET",
		"./app/(marketing)",
		"app/webhooks/*/route.ts#POST",
	}}
	for _, tc := range []struct {
		file, name string
		want       bool
	}{
		{"app/actions/newsletter.ts", "subscribe", true},
		{"app/actions/newsletter.ts", "unsubscribe", false},
		{"app/actions/other.ts", "subscribe", false},
		{"app/api/public/health/route.ts", "GET", true},
		{"app/api/public", "GET", true},
		{"app/api/[id]/route.ts", "GET", true},   // literal match of a Next.js segment
		{"app/api/i/route.ts", "GET", true},      // and the glob reading of it
		{"app/api/[id]/route.ts", "POST", false}, // name must match
		{"app/(marketing)/signup/actions.ts", "join", true},
		{"app/webhooks/stripe/route.ts", "POST", true},
		{"app/webhooks/stripe/route.ts", "GET", false},
		{"app/webhooks/stripe/nested/route.ts", "POST", false},
		{"lib/app/api/public/x.ts", "f", false},
	} {
		if got := c.IsPublic(tc.file, tc.name); got != tc.want {
			t.Errorf("IsPublic(%q, %q) = %v, want %v", tc.file, tc.name, got, tc.want)
		}
	}
	if Match("", "a.ts") {
		t.Error("empty pattern matched")
	}
	if !Match("app/[[...slug]]/page.tsx", "app/[[...slug]]/page.tsx") {
		t.Error("optional catch-all segment does not match literally")
	}
}

// TestStringsCoversEveryList fails when a []string field is added to Config
// without a row in the lists table (the decoder would then reject its key).
func TestStringsCoversEveryList(t *testing.T) {
	c := &Config{}
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type != reflect.TypeFor[[]string]() {
			continue
		}
		key := jsonKey(f)
		v.Field(i).Set(reflect.ValueOf([]string{"marker-" + key}))
		if got := c.Strings(key); len(got) != 1 || got[0] != "marker-"+key {
			t.Errorf("Strings(%q) = %q; field %s is missing from the lists table", key, got, f.Name)
		}
	}
}

func jsonKey(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return tag
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemas.ConfigSchema))
	if err != nil {
		t.Fatal(err)
	}
	id := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("the shipped schema does not compile: %v", err)
	}
	return s
}

func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.json"))
	if len(files) == 0 {
		t.Fatal("no valid test configs")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, data, knownRules); err != nil {
			t.Errorf("loader rejects %s: %v", f, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("schema rejects valid config %s: %v", f, err)
		}
	}
	for _, tc := range invalidCases {
		if tc.syntax {
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.json))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		err = s.Validate(inst)
		if tc.schema && err == nil {
			t.Errorf("schema accepts invalid config %q: %s", tc.name, tc.json)
		}
		if !tc.schema && err != nil {
			t.Errorf("schema rejects %q, which only the loader should (mark it schema: true): %v", tc.name, err)
		}
	}
}

// TestSchemaKeysMatchStruct keeps the schema, the Go struct and Keys() from
// drifting apart: each must list the same top-level keys.
func TestSchemaKeysMatchStruct(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemas.ConfigSchema))
	if err != nil {
		t.Fatal(err)
	}
	var schemaKeys []string
	for k, v := range doc.(map[string]any)["properties"].(map[string]any) {
		schemaKeys = append(schemaKeys, k)
		if d, _ := v.(map[string]any)["description"].(string); d == "" {
			t.Errorf("schema property %q has no description (editors show it on completion)", k)
		}
	}
	structKeys := []string{"$schema"} // accepted but not stored
	typ := reflect.TypeFor[Config]()
	for i := 0; i < typ.NumField(); i++ {
		if k := jsonKey(typ.Field(i)); k != "-" && k != "" {
			structKeys = append(structKeys, k)
		}
	}
	keys := Keys()
	sort.Strings(schemaKeys)
	sort.Strings(structKeys)
	sort.Strings(keys)
	if !slices.Equal(schemaKeys, structKeys) {
		t.Errorf("schema properties %q\n != struct json keys %q", schemaKeys, structKeys)
	}
	if !slices.Equal(keys, structKeys) {
		t.Errorf("Keys() %q\n != struct json keys %q", keys, structKeys)
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range invalidCases {
		f.Add(tc.json)
	}
	f.Add(`{"rules": {"missing-auth": "off"}, "include": ["app/**"], "maxFileSize": 12}`)
	f.Fuzz(func(t *testing.T, data string) {
		c, err := Parse("nextguard.json", []byte(data), knownRules)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Message == "" {
				t.Fatalf("error %T %v is not a *Error with a message", err, err)
			}
			return
		}
		if c == nil || c.MaxFileSize < 0 {
			t.Fatalf("bad config %+v", c)
		}
	})
}
