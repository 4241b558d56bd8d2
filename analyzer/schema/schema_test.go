package schema

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// A realistic Auth.js + app schema.
const authSchema = `// This is your Prisma schema file
generator client {
  provider = "prisma-client-js"
  previewFeatures = ["views"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL") // comment with { brace
}

/// A user of the app
model User {
  id             String    @id @default(cuid())
  name           String?
  email          String    @unique
  emailVerified  DateTime?
  passwordHash   String?   @map("password_hash")
  passwordChangedAt DateTime?
  image          String?
  role           Role      @default(USER)
  accounts       Account[]
  sessions       Session[]
  apiKeys        ApiKey[]
  profile        Profile?
  note           String    @default("see // not a comment")

  @@map("users")
}

model Account {
  id                String  @id @default(cuid())
  userId            String  @map("user_id")
  type              String
  provider          String
  providerAccountId String  @map("provider_account_id")
  refresh_token     String? @db.Text
  access_token      String? @db.Text
  expires_at        Int?
  token_type        String?
  scope             String?
  id_token          String? @db.Text
  session_state     String?
  user              User    @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@unique([provider, providerAccountId])
}

model Session {
  id           String   @id @default(cuid())
  sessionToken String   @unique
  userId       String
  expires      DateTime
  user         User     @relation(fields: [userId], references: [id])
}

model ApiKey {
  id        String   @id
  key       String
  hashedKey String
  tokensUsed Int     @default(0)
  owner     User     @relation(fields: [ownerId], references: [id])
  ownerId   String
}

enum Role {
  USER
  ADMIN
}

type Address {
  street String
}

view UserStats {
  userId String @unique
  posts  Int
}
`

func TestParsePrismaAuthSchema(t *testing.T) {
	s, diags := ParsePrisma("prisma/schema.prisma", authSchema)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	var names []string
	for n := range s.Models {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{"Account", "ApiKey", "Session", "User", "UserStats"}; !slices.Equal(names, want) {
		t.Fatalf("models %q, want %q", names, want)
	}
	u := s.Models["User"]
	if u.Line != 13 || u.File != "prisma/schema.prisma" {
		t.Errorf("User at %s:%d", u.File, u.Line)
	}
	if f := u.Field("passwordHash"); f == nil || f.Type != "String" || !f.IsOptional || f.IsRelation || f.Line != 18 {
		t.Errorf("passwordHash: %+v", f)
	}
	if f := u.Field("accounts"); f == nil || !f.IsRelation || !f.IsList || f.Type != "Account" {
		t.Errorf("accounts: %+v", f)
	}
	if f := u.Field("profile"); f == nil || f.IsRelation {
		// Profile is not declared in this file: not known to be a model yet.
		t.Errorf("profile: %+v", f)
	}
	if f := u.Field("role"); f == nil || f.IsRelation || f.Type != "Role" {
		t.Errorf("role (enum) : %+v", f)
	}
	if f := u.Field("note"); f == nil {
		t.Error("field with // inside a string lost")
	}
	if got := u.SensitiveFields(nil); !slices.Equal(got, []string{"passwordHash"}) {
		t.Errorf("User sensitive %q", got)
	}
	if got := s.Models["Account"].SensitiveFields(nil); !slices.Equal(got, []string{"refresh_token", "access_token", "id_token"}) {
		t.Errorf("Account sensitive %q", got)
	}
	if got := s.Models["Session"].SensitiveFields(nil); !slices.Equal(got, []string{"sessionToken"}) {
		t.Errorf("Session sensitive %q", got)
	}
	if got := s.Models["ApiKey"].SensitiveFields([]string{"key"}); !slices.Equal(got, []string{"key", "hashedKey"}) {
		t.Errorf("ApiKey sensitive with extra %q", got)
	}
	if !s.Models["UserStats"].IsView {
		t.Error("view not marked")
	}
	if f := s.Models["Account"].Field("user"); f == nil || !f.IsRelation {
		t.Errorf("Account.user: %+v", f)
	}
}

func TestByAccessor(t *testing.T) {
	s, _ := ParsePrisma("schema.prisma", authSchema)
	for acc, want := range map[string]string{
		"user": "User", "apiKey": "ApiKey", "account": "Account", "userStats": "UserStats",
		"apikey": "ApiKey", // case-insensitive fallback
	} {
		if m := s.ByAccessor(acc); m == nil || m.Name != want {
			t.Errorf("ByAccessor(%q) = %v, want %s", acc, m, want)
		}
	}
	if s.ByAccessor("post") != nil || s.ByAccessor("") != nil {
		t.Error("unknown accessor matched")
	}
	var nilSchema *Schema
	if nilSchema.ByAccessor("user") != nil {
		t.Error("nil schema")
	}
	// A Schema built by hand (no index) still answers.
	hand := &Schema{Models: map[string]*Model{"APIKey": {Name: "APIKey"}}}
	if m := hand.ByAccessor("aPIKey"); m == nil {
		t.Error("hand-built schema")
	}
}

func TestMergeResolvesCrossFileRelations(t *testing.T) {
	a, _ := ParsePrisma("prisma/schema/user.prisma", "model User {\n  id String @id\n  posts Post[]\n}\n")
	b, _ := ParsePrisma("prisma/schema/post.prisma", "model Post {\n  id String @id\n  author User @relation(fields: [authorId], references: [id])\n  authorId String\n}\nmodel User {\n  id Int\n}\n")
	if a.Models["User"].Field("posts").IsRelation {
		t.Fatal("relation resolved before merge")
	}
	m := Merge(a, b, nil)
	if !m.Models["User"].Field("posts").IsRelation {
		t.Error("posts not a relation after merge")
	}
	if m.Models["User"].File != "prisma/schema/user.prisma" {
		t.Error("first definition should win")
	}
	if m.ByAccessor("post") == nil {
		t.Error("accessor index not rebuilt")
	}
	// Merge copies: the inputs are unchanged.
	if a.Models["User"].Field("posts").IsRelation {
		t.Error("merge mutated its input")
	}
}

func TestParsePrismaDiagnostics(t *testing.T) {
	src := "model User {\n  id String @id\n  ??? bad line\n  email String\n\nmodel {\nfoo bar\nmodel Open {\n  id Int\n"
	s, diags := ParsePrisma("x.prisma", src)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, fmt.Sprintf("%d:%s", d.Line, d.Message))
	}
	joined := strings.Join(msgs, "\n")
	if !strings.Contains(joined, "3:malformed field in model User") {
		t.Errorf("diagnostics:\n%s", joined)
	}
	if s.Models["User"] == nil || s.Models["User"].Field("email") == nil {
		t.Error("fields after a bad line lost")
	}
	// "model {" inside User is read as a bad field; the unclosed block is reported.
	if !strings.Contains(joined, "block is not closed") {
		t.Errorf("unclosed block not reported:\n%s", joined)
	}
	_, diags = ParsePrisma("y.prisma", "model A {\n id Int\n}\nmodel A {\n id Int\n}\n")
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "duplicate model A") {
		t.Errorf("duplicate: %v", diags)
	}
}

func TestIsSensitive(t *testing.T) {
	yes := []string{
		"password", "passwordHash", "hashedPassword", "password_hash", "hash", "salt",
		"token", "accessToken", "refresh_token", "resetToken", "verificationToken",
		"sessionToken", "id_token", "secret", "clientSecret", "twoFactorSecret",
		"apiKey", "api_key", "APIKey", "privateKey", "otp", "totpSecret", "mfaSecret",
		"recoveryCodes", "backup_codes", "emailVerificationCode", "PASSWORD", "passphrase",
	}
	no := []string{
		"email", "name", "tokenizer", "hashtag", "tokenCount", "tokensUsed", "tokens",
		"passwordChangedAt", "resetTokenExpiry", "resetTokenExpires", "hashAlgorithm", "tokenId",
		"pin", "pinned", "key", "publicKey", "sortKey", "idempotencyKey", "stripeCustomerId",
		"otpEnabled", "mfaEnabled", "", "_", "secretary_", "saltwater",
	}
	for _, f := range yes {
		if !IsSensitive(f, nil) {
			t.Errorf("IsSensitive(%q) = false", f)
		}
	}
	for _, f := range no {
		if IsSensitive(f, nil) {
			t.Errorf("IsSensitive(%q) = true", f)
		}
	}
	if !IsSensitive("userSsn", []string{"ssn"}) || !IsSensitive("socialSecurityNumber", []string{"social_security_number"}) || !IsSensitive("Iban", []string{"iban"}) {
		t.Error("extra names not matched")
	}
	if IsSensitive("lesson", []string{"ssn"}) {
		t.Error("extra matched as substring")
	}
}

func TestTokens(t *testing.T) {
	for in, want := range map[string][]string{
		"passwordHash":  {"password", "hash"},
		"APIKey":        {"api", "key"},
		"refresh_token": {"refresh", "token"},
		"totp2fa":       {"totp", "2fa"},
		"kebab-case-x":  {"kebab", "case", "x"},
		"ÜberToken":     {"über", "token"},
	} {
		if got := tokens(in); !slices.Equal(got, want) {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

type memFS map[string]string

func (m memFS) read(rel string) ([]byte, error) {
	if s, ok := m[rel]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func (m memFS) files() []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestFindPrismaSchemas(t *testing.T) {
	fsys := memFS{
		"package.json":                          `{"name":"root"}`,
		"prisma/schema.prisma":                  "",
		"apps/web/package.json":                 `{"name":"web","prisma": {"schema": "db/main.prisma"}}`,
		"apps/web/db/main.prisma":               "",
		"apps/web/db/other.prisma":              "", // not configured, not under prisma/
		"apps/api/package.json":                 `{"name":"api"}`,
		"apps/api/prisma/schema/user.prisma":    "",
		"apps/api/prisma/schema/post.prisma":    "",
		"apps/cfg/package.json":                 `{}`,
		"apps/cfg/prisma.config.ts":             "export default defineConfig({ schema: 'models' })",
		"apps/cfg/models/a.prisma":              "",
		"apps/cfg/models/b.prisma":              "",
		"apps/legacy/package.json":              `{}`,
		"apps/legacy/schema.prisma":             "",
		"node_modules/.prisma/client/x.prisma":  "",
		"node_modules/pkg/prisma/schema.prisma": "",
		"src/app/page.tsx":                      "",
	}
	got := FindPrismaSchemas(fsys.files(), fsys.read, []string{".", "apps/api", "apps/cfg", "apps/legacy", "apps/web"})
	want := []string{
		"apps/api/prisma/schema/post.prisma",
		"apps/api/prisma/schema/user.prisma",
		"apps/cfg/models/a.prisma",
		"apps/cfg/models/b.prisma",
		"apps/legacy/schema.prisma",
		"apps/web/db/main.prisma",
		"prisma/schema.prisma",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// Without a reader or package dirs the conventional locations still count.
	if got := FindPrismaSchemas(fsys.files(), nil, nil); !slices.Contains(got, "prisma/schema.prisma") {
		t.Errorf("nil reader: %q", got)
	}
}

// TestFindPrismaSchemasConfigured: configuration anywhere in the project, not
// only in package directories, names schemas relative to itself (formbricks:
// packages/database/prisma.config.ts with `schema: "./schema"`, and a root
// prisma.config.mjs naming the same folder); paths that are absolute or leave
// the root name nothing.
func TestFindPrismaSchemasConfigured(t *testing.T) {
	fsys := memFS{
		"package.json":                              `{"name":"root","workspaces":["apps/*"]}`,
		"prisma.config.mjs":                         "// the schema: lives in packages\nexport default { schema: \"packages/database/schema\" }",
		"packages/database/package.json":            `{"name":"@x/database"}`,
		"packages/database/prisma.config.ts":        "export default defineConfig({\n  schema: \"./schema\",\n  migrations: { path: \"./migrations\" },\n})",
		"packages/database/schema/main.prisma":      "",
		"packages/database/schema/sub/flows.prisma": "",
		"packages/database/schema/README.md":        "",
		"packages/legacy/package.json":              `{"prisma": {"seed": "tsx seed.ts", "schema": "db/schema.prisma"}}`,
		"packages/legacy/db/schema.prisma":          "",
		"packages/legacy/db/unrelated.prisma":       "",
		"packages/cjs/prisma.config.cjs":            "module.exports = { 'schema': 'models/main.prisma' }",
		"packages/cjs/models/main.prisma":           "",
		"packages/cjs/models/other.prisma":          "",
		"docker/prisma.config.ts":                   `export default defineConfig({ schema: "/app/db/schema.prisma" })`,
		"docker/app/db/schema.prisma":               "", // not what the absolute path names
		"tools/a/prisma.config.ts":                  `export default { schema: "../../../outside/schema.prisma" }`,
		"tools/b/prisma.config.ts":                  "export default { schema: path.join(__dirname, \"x\"), dbschema: \"nope\" }",
		"tools/b/x/x.prisma":                        "",
		"node_modules/pkg/prisma.config.ts":         `export default { schema: "../../packages/cjs/models/other.prisma" }`,
	}
	got := FindPrismaSchemas(fsys.files(), fsys.read, []string{"."})
	want := []string{
		"packages/cjs/models/main.prisma",
		"packages/database/schema/main.prisma",
		"packages/database/schema/sub/flows.prisma",
		"packages/legacy/db/schema.prisma",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestConfigSchema(t *testing.T) {
	for in, want := range map[string]string{
		`export default defineConfig({ schema: "./schema" })`:           "./schema",
		"export default {\n  schema:\n    'prisma/schema.prisma',\n}":   "prisma/schema.prisma",
		"export default { \"schema\": `db` }":                           "db",
		"// schema: \"commented\"\nexport default { schema: \"real\" }": "real",
		`export default { schemaPath: "x", schema: "y" }`:               "y",
		"export default { schema: `${dir}/schema` }":                    "",
		`export default { schema: path.join(__dirname, "schema") }`:     "",
		`export default { migrations: { path: "m" } }`:                  "",
		`export default { schema: "unterminated`:                        "",
	} {
		if got := configSchema(in); got != want {
			t.Errorf("configSchema(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParsePrisma(f *testing.F) {
	f.Add(authSchema)
	f.Add("model A {\n  b B[] @relation(\"x\")\n}\nmodel B {\n a A?\n}\n")
	f.Add("model {\n}\n}}}{{{\n\"unterminated")
	f.Add("enum E {\n A\n}\nmodel M { }\n")
	f.Add("\uFEFFmodel M {\r\n  id Int @id // x\r\n}\r\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, diags := ParsePrisma("f.prisma", src)
		lines := strings.Count(src, "\n") + 1
		for name, m := range s.Models {
			if name == "" || m.Name != name || m.Line < 1 || m.Line > lines {
				t.Fatalf("bad model %q %+v", name, m)
			}
			for _, fl := range m.Fields {
				if fl.Name == "" || fl.Type == "" || fl.Line <= m.Line || fl.Line > lines {
					t.Fatalf("bad field %+v in %s", fl, name)
				}
			}
			_ = m.SensitiveFields(nil)
			if s.ByAccessor(lowerFirst(name)) == nil {
				t.Fatalf("accessor of %s not found", name)
			}
		}
		for _, d := range diags {
			if d.Line < 1 || d.Line > lines {
				t.Fatalf("diagnostic line %d of %d", d.Line, lines)
			}
		}
		Merge(s, s)
	})
}

func TestParsePrismaEmptyBlock(t *testing.T) {
	s, diags := ParsePrisma("e.prisma", "model Empty {}\nmodel Next {\n  id Int\n}\n")
	if len(diags) != 0 || s.Models["Empty"] == nil || s.Models["Next"].Field("id") == nil {
		t.Errorf("%v %+v", diags, s.Models)
	}
}
