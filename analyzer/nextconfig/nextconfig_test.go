package nextconfig

import (
	"slices"
	"testing"

	"github.com/nextguard/nextguard/analyzer/source"
)

func origins(t *testing.T, name, text string) []String {
	t.Helper()
	c, diags := Parse(source.New("/p/"+name, name, text))
	if c == nil {
		t.Fatalf("%s: parse failed: %v", name, diags)
	}
	if !c.Found {
		t.Fatalf("%s: no exported config found", name)
	}
	return c.AllowedOrigins()
}

func values(ss []String) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Value)
	}
	return out
}

func TestAllowedOrigins(t *testing.T) {
	cases := []struct {
		name, file, text string
		want             []string
	}{
		{"export default object", "next.config.mjs",
			`export default { experimental: { serverActions: { allowedOrigins: ["a.com", '*.b.com'] } } };`,
			[]string{"a.com", "*.b.com"}},
		{"module.exports", "next.config.js",
			"/** @type {import('next').NextConfig} */\nmodule.exports = { experimental: { serverActions: { allowedOrigins: [`*`] } } };",
			[]string{"*"}},
		{"variable then export, typed", "next.config.ts",
			`import type { NextConfig } from "next";
const nextConfig: NextConfig = { serverActions: { allowedOrigins: ["null"] } };
export default nextConfig;`,
			[]string{"null"}},
		{"satisfies and wrapper", "next.config.ts",
			`import { withSentryConfig } from "@sentry/nextjs";
import createNextIntlPlugin from "next-intl/plugin";
const withNextIntl = createNextIntlPlugin();
const origins = ["app.example.com", "*.vercel.app"];
const nextConfig = {
  reactStrictMode: true,
  experimental: { serverActions: { bodySizeLimit: "2mb", allowedOrigins: [...origins, "x.io"] } },
} satisfies import("next").NextConfig;
export default withSentryConfig(withNextIntl(nextConfig), { silent: true });`,
			[]string{"app.example.com", "*.vercel.app", "x.io"}},
		{"curried wrapper in commonjs", "next.config.cjs",
			`const withBundleAnalyzer = require("@next/bundle-analyzer")({ enabled: process.env.ANALYZE === "true" });
const config = { experimental: {} };
config.experimental.serverActions = { allowedOrigins: ["*.com"] };
module.exports = withBundleAnalyzer(config);`,
			[]string{"*.com"}},
		{"config function", "next.config.mjs",
			`import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
export default (phase) => {
  const base = { experimental: { serverActions: { allowedOrigins: ["localhost:3000"] } } };
  if (phase === PHASE_DEVELOPMENT_SERVER) return base;
  return { ...base, experimental: { serverActions: { allowedOrigins: ["**"] } } };
};`,
			[]string{"localhost:3000", "**"}},
		{"spread of base config", "next.config.js",
			`const base = require("./base.config");
const shared = { serverActions: { allowedOrigins: ["*"] } };
module.exports = { ...shared, output: "standalone" };`,
			[]string{"*"}},
		{"computed values are skipped", "next.config.mjs",
			`export default { experimental: { serverActions: { allowedOrigins: process.env.ORIGINS?.split(",") ?? [] } } };`,
			nil},
		{"function declaration default export", "next.config.mjs",
			`export default async function config() { return { experimental: { serverActions: { allowedOrigins: ["*.netlify.app"] } } }; }`,
			[]string{"*.netlify.app"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := values(origins(t, tc.file, tc.text))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	text := "module.exports = {\n  experimental: { serverActions: { allowedOrigins: [\"a.com\", 'b\\'.com'] } },\n};\n"
	got := origins(t, "next.config.js", text)
	if len(got) != 2 {
		t.Fatalf("got %d origins", len(got))
	}
	for _, s := range got {
		lit := text[s.Start:s.End]
		if lit[0] != lit[len(lit)-1] || len(lit) < 2 {
			t.Errorf("range %d-%d is %q, not a whole literal", s.Start, s.End, lit)
		}
		if s.Path != "experimental.serverActions.allowedOrigins" {
			t.Errorf("path %q", s.Path)
		}
	}
	if got[1].Value != "b'.com" {
		t.Errorf("escaped literal read as %q", got[1].Value)
	}
}

func TestNotFoundAndSyntaxError(t *testing.T) {
	c, _ := Parse(source.New("/p/next.config.js", "next.config.js", "const x = 1;\n"))
	if c == nil || c.Found {
		t.Errorf("a file without an export must parse and report Found=false")
	}
	c, diags := Parse(source.New("/p/next.config.js", "next.config.js", "module.exports = {\n"))
	if c != nil || len(diags) == 0 {
		t.Errorf("a syntax error must yield diagnostics and no config")
	}
}

func TestIsConfigFile(t *testing.T) {
	for rel, want := range map[string]bool{"next.config.ts": true, "apps/web/next.config.mjs": true, "next.config.json": false, "src/next.config.tsx": false} {
		if IsConfigFile(rel) != want {
			t.Errorf("IsConfigFile(%q) = %v", rel, !want)
		}
	}
}
