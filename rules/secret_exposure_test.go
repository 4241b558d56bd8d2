package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nextguard/nextguard/analyzer/result"
	"github.com/nextguard/nextguard/analyzer/source"
)

func TestClassifyServerEnv(t *testing.T) {
	cases := map[string]envClass{
		"STRIPE_SECRET_KEY":          envSecret,
		"OPENAI_API_KEY":             envSecret, // vendor keys are never public
		"DATABASE_URL":               envSecret, // connection strings hold a password
		"POSTGRES_PRISMA_URL":        envSecret,
		"SMTP_PASS":                  envSecret,
		"SUPABASE_SERVICE_ROLE_KEY":  envSecret,
		"AUTH_SECRET":                envSecret,
		"CMS_API_TOKEN":              envMaybeSecret,
		"MAPS_KEY":                   envMaybeSecret,
		"UPSTASH_REDIS_REST_URL":     envNotSecret, // the REST URL is not the token
		"NEXT_PUBLIC_STRIPE_SECRET":  envNotSecret, // public by name: checkPublicSecrets' job
		"NODE_ENV":                   envNotSecret,
		"VERCEL_GIT_COMMIT_SHA":      envNotSecret,
		"APP_URL":                    envNotSecret,
		"NEXTAUTH_URL":               envNotSecret,
		"SUPABASE_URL":               envNotSecret,
		"PASSWORD_RESET_DISABLED":    envNotSecret,   // a toggle
		"ENABLE_BANKING_KEY_CONTENT": envMaybeSecret, // a vendor's key, not a toggle
		"WEBHOOK_SIGNING_KEY":        envSecret,
		"SIGNING_PASSPHRASE":         envSecret,
	}
	for name, want := range cases {
		if got := classifyServerEnv(name); got != want {
			t.Errorf("classifyServerEnv(%s) = %d, want %d", name, got, want)
		}
	}
}

func TestClassifyPublicEnv(t *testing.T) {
	cases := map[string]envClass{
		"NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY":     envSecret,
		"NEXT_PUBLIC_STRIPE_SECRET_KEY":             envSecret,
		"NEXT_PUBLIC_JWT_SECRET":                    envSecret,
		"NEXT_PUBLIC_FIREBASE_PRIVATE_KEY":          envSecret, // PRIVATE wins over FIREBASE
		"NEXT_PUBLIC_ADMIN_PASSWORD":                envSecret,
		"NEXT_PUBLIC_DATABASE_URL":                  envSecret,
		"NEXT_PUBLIC_OPENAI_API_KEY":                envSecret,
		"NEXT_PUBLIC_GITHUB_TOKEN":                  envSecret,
		"NEXT_PUBLIC_ALGOLIA_ADMIN_KEY":             envMaybeSecret,
		"NEXT_PUBLIC_API_KEY":                       envMaybeSecret,
		"NEXT_PUBLIC_SANITY_TOKEN":                  envMaybeSecret,
		"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY":        envNotSecret,
		"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY":         envNotSecret,
		"NEXT_PUBLIC_SUPABASE_ANON_KEY":             envNotSecret,
		"NEXT_PUBLIC_RECAPTCHA_SITE_KEY":            envNotSecret,
		"NEXT_PUBLIC_TURNSTILE_SITE_KEY":            envNotSecret,
		"NEXT_PUBLIC_MAPBOX_TOKEN":                  envNotSecret,
		"NEXT_PUBLIC_GOOGLE_MAPS_API_KEY":           envNotSecret,
		"NEXT_PUBLIC_POSTHOG_KEY":                   envNotSecret,
		"NEXT_PUBLIC_SENTRY_DSN":                    envNotSecret,
		"NEXT_PUBLIC_ALGOLIA_SEARCH_KEY":            envNotSecret,
		"NEXT_PUBLIC_FIREBASE_API_KEY":              envNotSecret,
		"NEXT_PUBLIC_VAPID_PUBLIC_KEY":              envNotSecret,
		"NEXT_PUBLIC_SUPABASE_URL":                  envNotSecret,
		"NEXT_PUBLIC_SITE_URL":                      envNotSecret,
		"NEXT_PUBLIC_AUTH_URL":                      envNotSecret,
		"NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNUP": envNotSecret, // a toggle
		"NEXT_PUBLIC_SIGNING_CONTACT_INFO":          envNotSecret, // a domain word
		"NEXT_PUBLIC_SIGNING_PUBLIC_KEY":            envNotSecret,
		"NEXT_PUBLIC_ENCRYPTION_KEY":                envSecret,
	}
	for name, want := range cases {
		if got := classifyPublicEnv(name); got != want {
			t.Errorf("classifyPublicEnv(%s) = %d, want %d", name, got, want)
		}
	}
}

func TestCodeTokens(t *testing.T) {
	text := `// NEXT_PUBLIC_IN_LINE_COMMENT
/* NEXT_PUBLIC_IN_BLOCK
   NEXT_PUBLIC_STILL_BLOCK */
const a = process.env.NEXT_PUBLIC_A;
const b = process.env["NEXT_PUBLIC_B"];
const url = "https://x.y/"; const c = process.env.NEXT_PUBLIC_C; // NEXT_PUBLIC_AFTER_URL
const msg = "set NEXT_PUBLIC_PROSE in .env";
const t = ` + "`${process.env.NEXT_PUBLIC_T}`" + `;
const prefix = key.startsWith("NEXT_PUBLIC_");
const x = MY_NEXT_PUBLIC_NOT;
`
	var got []string
	codeTokens(text, "NEXT_PUBLIC_", func(start int, name string) {
		if text[start:start+len(name)] != name {
			t.Errorf("offset %d does not hold %s", start, name)
		}
		got = append(got, name)
	})
	want := []string{"NEXT_PUBLIC_A", "NEXT_PUBLIC_B", "NEXT_PUBLIC_C", "NEXT_PUBLIC_T"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRealKey(t *testing.T) {
	for v, want := range map[string]bool{
		"kQx3mGz9V1u2JrPq7sT0bW4yN8cL5eHfA6dKiMoZpXE=": true,
		"0123456789abcdef0123456789abcdef":             true,
		"":                                             false,
		"short":                                        false,
		"your-base64-key-here-32-bytes":                false,
		"${NEXT_SERVER_ACTIONS_KEY}":                   false,
		"<generate with openssl rand>":                 false,
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxx":                false,
		"changeme-changeme-changeme":                   false,
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaa":                false,
	} {
		if got := realKey(v); got != want {
			t.Errorf("realKey(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestKeyAssignments(t *testing.T) {
	const key = "kQx3mGz9V1u2JrPq7sT0bW4yN8cL5eHfA6dKiMoZpXE="
	cases := []struct {
		text string
		js   bool
		want []string
	}{
		{"NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n", false, []string{key}},
		{"NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=\"" + key + "\" # prod\n", false, []string{key}},
		{"export NEXT_SERVER_ACTIONS_ENCRYPTION_KEY='" + key + "'\n", false, []string{key}},
		{"ENV NEXT_SERVER_ACTIONS_ENCRYPTION_KEY " + key + "\n", false, []string{key}},
		{"ENV NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=$KEY\n", false, []string{"$KEY"}},
		{"ARG NEXT_SERVER_ACTIONS_ENCRYPTION_KEY\n", false, nil},
		{"      - NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n", false, []string{key}},
		{"  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: " + key + "\n", false, []string{key}},
		{`{"env": {"NEXT_SERVER_ACTIONS_ENCRYPTION_KEY": "` + key + `"}}`, false, []string{key}},
		{"env: { NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: process.env.K }", true, nil},
		{"if (process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY === \"" + key + "\") {}", true, nil},
		{"process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY = \"" + key + "\";", true, []string{key}},
	}
	for _, c := range cases {
		var got []string
		keyAssignments(c.text, c.js, func(start int, value string) {
			if c.text[start:start+len(value)] != value {
				t.Errorf("%q: offset %d does not hold %q", c.text, start, value)
			}
			got = append(got, value)
		})
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("keyAssignments(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// writeTree writes files below a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func diskReader(root string) func(string) (*source.File, error) {
	return func(rel string) (*source.File, error) {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		return source.New(filepath.Join(root, rel), rel, string(b)), nil
	}
}

// The encryption key in files that fixtures cannot annotate (only JS/TS
// comments hold expectations): .env files, Dockerfiles, compose and CI files,
// with .gitignore deciding what is committed.
func TestEncryptionKeyInCommittedFiles(t *testing.T) {
	const key = "r4Gf9Qm2Xw7Lz1Tb8Ns5Pk3Vd6Hy0Jc2Ae4Uq7Wi9Ko="
	root := writeTree(t, map[string]string{
		"package.json":                  `{"name":"root","workspaces":["apps/*"]}`,
		".gitignore":                    "node_modules\n.env\n!.env.production\n",
		".env":                          "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		".env.production":               "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		".env.example":                  "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=replace-me\n",
		"Dockerfile":                    "FROM node:22\nENV NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		"docker-compose.yml":            "services:\n  web:\n    environment:\n      - NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=${KEY}\n",
		".github/workflows/ci.yml":      "env:\n  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: " + key + "\n",
		"apps/web/package.json":         `{"name":"web"}`,
		"apps/web/.env.local":           "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		"apps/web/.gitignore":           ".env*.local\n",
		"apps/web/compose.yaml":         "services:\n  web:\n    environment:\n      NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: \"" + key + "\"\n",
		"apps/web/next.config.mjs":      "export default { env: { NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: process.env.KEY } };\n",
		"apps/web/app/page.tsx":         "export default function Page() { return null }\n",
		"apps/web/Dockerfile.dev":       "ARG NEXT_SERVER_ACTIONS_ENCRYPTION_KEY\n",
		"apps/web/src/.env":             "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n", // not a package dir
		"apps/web/README.md":            "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		"apps/web/deploy/.env.staging":  "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		"apps/web/.env.test.local":      "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
		"apps/web/.env.development.txt": "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=" + key + "\n",
	})
	var got []string
	p := NewProjectPass(root, []string{".", "apps/web"}, diskReader(root), nil, func(d Diagnostic) {
		line, _ := d.File.Position(d.Start)
		got = append(got, d.File.Rel+":"+itoaRules(line))
		if d.File.Text[d.Start:d.End] != key {
			t.Errorf("%s: the finding covers %q, not the key", d.File.Rel, d.File.Text[d.Start:d.End])
		}
		if !strings.Contains(d.Message, d.File.Rel) || d.Severity != "" {
			t.Errorf("%s: message or severity: %q %q", d.File.Rel, d.Message, d.Severity)
		}
	})
	checkEncryptionKey(p, newProjectScan(p))
	want := []string{".env.production:1", ".github/workflows/ci.yml:2", "Dockerfile:2", "apps/web/.env.development.txt:1", "apps/web/compose.yaml:4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n  %q\nwant\n  %q", got, want)
	}
}

func TestSecretExposureMeta(t *testing.T) {
	r := Get("secret-exposure")
	if r == nil || r.CheckEntry == nil || r.CheckProject == nil || r.Severity != result.Error {
		t.Fatalf("secret-exposure is not registered as an error rule with entry and project checks: %+v", r)
	}
}
