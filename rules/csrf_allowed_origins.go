package rules

import (
	"strconv"
	"strings"

	"github.com/nextguard/nextguard/analyzer/nextconfig"
	"github.com/nextguard/nextguard/analyzer/result"
)

func init() {
	Register(&Rule{
		Meta: Meta{
			ID:    "csrf-allowed-origins",
			Name:  "PermissiveServerActionOrigins",
			Short: "serverActions.allowedOrigins in next.config lets other sites call Server Actions",
			Full: "Next.js rejects a Server Action request whose Origin differs from the Host unless the origin matches " +
				"serverActions.allowedOrigins. An entry of `*`, `null`, a wildcard over a public suffix (`*.com`) or over a " +
				"shared hosting domain (`*.vercel.app`) lets pages that anyone can publish call every Server Action with the " +
				"victim's cookies (cross-site request forgery). The config file is read statically, never executed.",
			Severity:         result.Error,
			SecuritySeverity: 8.1,
			Precision:        "very-high",
			CWE:              []string{"CWE-352", "CWE-942"},
			Tags:             []string{"csrf", "configuration"},
		},
		CheckProject: checkCSRFAllowedOrigins,
	})
}

func checkCSRFAllowedOrigins(p *ProjectPass) {
	for _, dir := range p.PackageDirs {
		for _, name := range nextconfig.Names {
			rel := name
			if dir != "." && dir != "" {
				rel = dir + "/" + name
			}
			f, err := p.ReadFile(rel)
			if err != nil || f == nil {
				continue
			}
			cfg, _ := nextconfig.Parse(f)
			if cfg == nil || !cfg.Found || cfg.StaticExport() {
				continue // output: "export" serves files only: no Server Actions to forge
			}
			for _, o := range cfg.AllowedOrigins() {
				why, ok := permissiveOrigin(o.Value)
				if !ok {
					continue
				}
				msg := "`" + o.Path + "` allows " + strconv.Quote(o.Value) + ": " + why + " " +
					"Next.js accepts a Server Action request from any origin this entry matches, so a page on such an origin can submit a form or fetch() to any of your Server Actions and the browser attaches the victim's cookies (cross-site request forgery)."
				help := "List the exact hosts that front your app (`app.example.com`, `admin.example.com`) or a wildcard under a domain you control (`*.example.com`). " +
					"For preview deployments, add the specific preview hostname at build time (e.g. from `VERCEL_BRANCH_URL`) rather than `*.vercel.app`. Remove `*` and `null`."
				p.Report(Diagnostic{File: f, Start: o.Start, End: o.End, Message: msg, Help: help})
			}
		}
	}
}

// permissiveOrigin says why an allowedOrigins entry matches hosts that anyone
// can control. Entries are host patterns ("example.com", "*.example.com",
// "**.example.com", with an optional port); `*` matches one DNS label and `**`
// one or more.
func permissiveOrigin(v string) (string, bool) {
	s := strings.ToLower(strings.TrimSpace(v))
	switch s {
	case "":
		return "", false
	case "null":
		return "browsers send `Origin: null` from sandboxed iframes, data: URLs and some redirects, so any web page can produce it.", true
	case "*", "**", "*:*", "**:*":
		return "a bare wildcard stands for every origin; depending on the Next.js version it matches every site (older releases match with micromatch) or nothing, and it never expresses a safe intent.", true
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?#") {
		return "", false // never equals an Origin host: broken, but not permissive
	}
	host := s
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[:i], ":") {
		host = host[:i]
	}
	labels := strings.Split(host, ".")
	w := -1
	for i, l := range labels {
		if l == "" {
			return "", false // an empty label never matches
		}
		if strings.Contains(l, "*") {
			w = i
		}
	}
	if w < 0 {
		return "", false // an exact host
	}
	if originNumericLabels(labels) {
		if originPrivateIP(labels) {
			return "", false
		}
		return "it matches arbitrary IP addresses, including ones an attacker controls.", true
	}
	suffix := strings.Join(labels[w+1:], ".")
	switch {
	case suffix == "":
		return "the wildcard is in the top-level domain, so it matches the same name under any TLD, which anyone can register.", true
	case originPublicSuffixes[suffix] || !strings.Contains(suffix, "."):
		return "the wildcard sits directly on the public suffix `." + suffix + "`, so it matches every site registered under it, which anyone can do.", true
	}
	if originSharedHosts[suffix] {
		// Only the shared domain itself: `*.myapp.vercel.app` stays under the
		// owner of myapp.vercel.app.
		return "`" + suffix + "` is a shared hosting domain: anyone can deploy a site at `<name>." + suffix + "` and it matches this pattern.", true
	}
	return "", false
}

func originNumericLabels(labels []string) bool {
	for _, l := range labels {
		if strings.Contains(l, "*") {
			continue
		}
		if _, err := strconv.Atoi(l); err != nil {
			return false
		}
	}
	return true
}

// originPrivateIP: a wildcard IPv4 pattern whose fixed prefix is a private or
// loopback range (192.168.*.*, 10.*.*.*, 172.16.*.*, 127.0.0.*).
func originPrivateIP(labels []string) bool {
	if len(labels) != 4 {
		return false
	}
	a, err := strconv.Atoi(labels[0])
	if err != nil {
		return false
	}
	b, errB := strconv.Atoi(labels[1])
	switch {
	case a == 10, a == 127:
		return true
	case a == 192 && errB == nil && b == 168:
		return true
	case a == 172 && errB == nil && b >= 16 && b <= 31:
		return true
	}
	return false
}

// originPublicSuffixes are multi-label public suffixes (ICANN section of the Public
// Suffix List) common enough to appear in configs; any single label is a TLD.
var originPublicSuffixes = stringSet(
	"co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk",
	"com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz",
	"co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr",
	"com.br", "net.br", "org.br", "com.mx", "org.mx", "com.ar", "com.co", "com.pe", "com.uy", "com.ve", "com.ec", "gob.mx",
	"com.cn", "net.cn", "org.cn", "com.hk", "com.tw", "com.sg", "com.my", "com.ph", "com.vn", "co.id", "co.th", "in.th", "co.in", "net.in", "org.in", "firm.in",
	"co.za", "org.za", "com.ng", "co.ke", "com.eg", "com.tr", "com.sa", "co.il", "org.il", "com.pk", "com.bd", "com.ua", "com.pl", "com.es", "com.pt", "co.at", "or.at",
)

// originSharedHosts are domains under which anyone can publish a site (the private
// section of the Public Suffix List, platforms seen in Next.js deployments).
var originSharedHosts = stringSet(
	"vercel.app", "now.sh", "vercel.dev", "netlify.app", "netlify.com", "herokuapp.com", "herokudns.com",
	"github.io", "githubusercontent.com", "app.github.dev", "github.dev", "gitlab.io", "pages.dev", "workers.dev",
	"onrender.com", "fly.dev", "railway.app", "up.railway.app", "deno.dev", "surge.sh", "glitch.me", "repl.co", "replit.dev", "replit.app",
	"web.app", "firebaseapp.com", "appspot.com", "run.app", "cloudfunctions.net", "azurewebsites.net", "azurestaticapps.net", "cloudapp.net",
	"cloudfront.net", "amplifyapp.com", "elasticbeanstalk.com", "s3.amazonaws.com", "awsapprunner.com", "lambda-url.us-east-1.on.aws", "on.aws",
	"ngrok.io", "ngrok.app", "ngrok-free.app", "ngrok.dev", "ngrok-free.dev", "trycloudflare.com", "loca.lt", "localtunnel.me",
	"csb.app", "codesandbox.io", "stackblitz.io", "webcontainer.io", "gitpod.io", "bolt.new", "lovable.app", "vusercontent.net",
	"blogspot.com", "wixsite.com", "myshopify.com", "pythonanywhere.com", "koyeb.app", "zeabur.app", "sevalla.app",
)

func stringSet(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
