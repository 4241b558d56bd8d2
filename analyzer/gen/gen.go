// Package gen writes synthetic Next.js monorepos for benchmarks: a given number
// of source files with the mix a real product has — Server Actions (plain and
// next-safe-action), Route Handlers, pages and layouts, client components,
// hooks, helpers that call each other and the database, zod schemas, and
// workspace packages behind barrel files — importing each other through `@/`
// aliases, relative paths and workspace package names.
//
// Output is a pure function of Options: the same options give byte-identical
// trees, so timings taken on different machines or days compare.
//
// The shape follows what real monorepos measure (dub, formbricks, inbox-zero):
// about 3.5 KB and five or six import lines per file, 3–5 % of files with
// "use server", about 12 % route files, a sixth client components.
package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Options shape a generated project.
type Options struct {
	// Files is the number of JS/TS source files to write (config files such
	// as package.json and tsconfig.json come on top).
	Files int
	// Apps is the number of Next.js apps under apps/; 0 picks one per 5,000
	// files (at least one, at most ten).
	Apps int
	// Packages is the number of workspace packages under packages/; 0 picks one
	// per 500 files (at least one). Set -1 for none.
	Packages int
	// Seed varies the import graph and the mix; 0 is a fixed default.
	Seed uint64
}

func (o Options) normalized() Options {
	if o.Files < 1 {
		o.Files = 1
	}
	if o.Apps <= 0 {
		o.Apps = min(max(o.Files/5000, 1), 10)
	}
	if o.Packages == 0 {
		o.Packages = max(o.Files/500, 1)
	}
	if o.Packages < 0 {
		o.Packages = 0
	}
	if o.Seed == 0 {
		o.Seed = 0x6e657874 // "next"
	}
	return o
}

// Version changes whenever the output of Write changes, so cached trees
// (see Cached) are never stale.
const Version = 1

// kind is what a generated file is.
type kind uint8

const (
	kAction     kind = iota // "use server" file with plain async actions
	kSafeAction             // next-safe-action actions
	kRoute                  // app/api/**/route.ts
	kPage                   // app/**/page.tsx (server component)
	kLayout                 // app/**/layout.tsx
	kComponent              // components/*.tsx, "use client"
	kHook                   // hooks/*.ts, "use client"
	kHelper                 // lib/helpers/*.ts
	kSchema                 // lib/schemas/*.ts
	kPkg                    // packages/*/src/*.ts
	kBarrel                 // packages/*/src/index.ts
	kFixed                  // lib/auth.ts, lib/db.ts, lib/safe-action.ts, middleware.ts
	nKinds
)

// weights of the app-file kinds, per 100 files, after the fixed ones.
var weights = [...]struct {
	k kind
	w int
}{
	{kAction, 3}, {kSafeAction, 1}, {kRoute, 6}, {kPage, 8}, {kLayout, 2},
	{kComponent, 34}, {kHook, 6}, {kHelper, 30}, {kSchema, 10},
}

// file is one planned source file.
type file struct {
	rel  string
	kind kind
	app  int // app index, or -1 for a package file
	pkg  int // package index for kPkg/kBarrel
	idx  int // index among files of the same kind in the same app/package
	// alias is how other files of the app import it ("@/lib/helpers/h12"),
	// or the package name for barrels.
	alias string
}

// plan is the whole project: its files and, per app and kind, the files to
// import from.
type plan struct {
	opts  Options
	files []file
	// byApp[app][kind] lists indexes into files.
	byApp [][nKinds][]int
	// pkgFiles[pkg] lists the package's module files (not the barrel).
	pkgFiles [][]int
	pkgNames []string
}

func makePlan(o Options) *plan {
	p := &plan{opts: o, byApp: make([][nKinds][]int, o.Apps), pkgFiles: make([][]int, o.Packages)}
	add := func(f file) {
		p.files = append(p.files, f)
		i := len(p.files) - 1
		if f.app >= 0 {
			p.byApp[f.app][f.kind] = append(p.byApp[f.app][f.kind], i)
		} else if f.kind == kPkg {
			p.pkgFiles[f.pkg] = append(p.pkgFiles[f.pkg], i)
		}
	}
	// Packages take about 15 % of the files: a barrel and its modules each.
	pkgTotal := 0
	if o.Packages > 0 {
		pkgTotal = max(o.Files*15/100, 2*o.Packages)
		if pkgTotal > o.Files/2 {
			pkgTotal = o.Files / 2
		}
	}
	for k := 0; k < o.Packages; k++ {
		name := fmt.Sprintf("@repo/%s", pkgName(k))
		p.pkgNames = append(p.pkgNames, name)
	}
	appTotal := o.Files - pkgTotal
	// Fixed files per app.
	fixed := []string{"lib/auth.ts", "lib/db.ts", "lib/safe-action.ts", "middleware.ts"}
	for a := 0; a < o.Apps; a++ {
		share := appTotal / o.Apps
		if a < appTotal%o.Apps {
			share++
		}
		n := 0
		for i, rel := range fixed {
			if n >= share {
				break
			}
			add(file{rel: appDir(a) + "/" + rel, kind: kFixed, app: a, idx: i, alias: "@/" + strings.TrimSuffix(rel, ".ts")})
			n++
		}
		rng := rand.New(rand.NewPCG(o.Seed, uint64(a)+1))
		counts := map[kind]int{}
		total := 0
		for _, w := range weights {
			total += w.w
		}
		for ; n < share; n++ {
			// Deterministic weighted choice.
			r := rng.IntN(total)
			var k kind
			for _, w := range weights {
				if r < w.w {
					k = w.k
					break
				}
				r -= w.w
			}
			i := counts[k]
			counts[k]++
			rel, alias := appFile(k, i)
			add(file{rel: appDir(a) + "/" + rel, kind: k, app: a, idx: i, alias: alias})
		}
	}
	for k := 0; k < o.Packages; k++ {
		share := pkgTotal / o.Packages
		if k < pkgTotal%o.Packages {
			share++
		}
		if share < 1 {
			continue
		}
		dir := "packages/" + pkgName(k) + "/src/"
		add(file{rel: dir + "index.ts", kind: kBarrel, app: -1, pkg: k, alias: p.pkgNames[k]})
		for i := 1; i < share; i++ {
			add(file{rel: fmt.Sprintf("%sm%d.ts", dir, i), kind: kPkg, app: -1, pkg: k, idx: i - 1})
		}
	}
	return p
}

var pkgWords = []string{"utils", "ui", "email", "db", "auth", "analytics", "billing", "i18n", "config", "types"}

func pkgName(k int) string {
	w := pkgWords[k%len(pkgWords)]
	if k >= len(pkgWords) {
		w = fmt.Sprintf("%s-%d", w, k/len(pkgWords))
	}
	return w
}

func appDir(a int) string { return fmt.Sprintf("apps/web%d", a) }

// feature names route segments so paths look like a product's.
var featureWords = []string{"projects", "links", "domains", "billing", "settings", "members", "invites", "tokens",
	"webhooks", "analytics", "events", "customers", "partners", "payouts", "programs", "surveys", "responses",
	"contacts", "segments", "integrations", "rules", "threads", "labels", "drafts", "reports"}

func feature(i int) string {
	w := featureWords[i%len(featureWords)]
	if i >= len(featureWords) {
		return fmt.Sprintf("%s-%d", w, i/len(featureWords))
	}
	return w
}

func appFile(k kind, i int) (rel, alias string) {
	switch k {
	case kAction:
		rel = fmt.Sprintf("app/(dashboard)/%s/actions.ts", feature(i))
	case kSafeAction:
		rel = fmt.Sprintf("lib/actions/%s.ts", feature(i))
	case kRoute:
		rel = fmt.Sprintf("app/api/%s/[id]/route.ts", feature(i))
	case kPage:
		rel = fmt.Sprintf("app/(dashboard)/%s/view/page.tsx", feature(i))
	case kLayout:
		rel = fmt.Sprintf("app/(dashboard)/%s/layout.tsx", feature(i))
	case kComponent:
		rel = fmt.Sprintf("components/%s/c%d.tsx", feature(i%50), i)
	case kHook:
		rel = fmt.Sprintf("hooks/use-%s-%d.ts", feature(i%50), i)
	case kHelper:
		rel = fmt.Sprintf("lib/%s/h%d.ts", feature(i%50), i)
	case kSchema:
		rel = fmt.Sprintf("lib/schemas/s%d.ts", i)
	}
	ext := filepath.Ext(rel)
	return rel, "@/" + strings.TrimSuffix(rel, ext)
}

// Write generates the project described by opts into dir, which is created if
// needed and should be empty.
func Write(dir string, opts Options) error {
	o := opts.normalized()
	p := makePlan(o)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := p.writeConfigs(dir); err != nil {
		return err
	}
	// Files are independent (each has its own random stream), so write them
	// in parallel; the result does not depend on the schedule.
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		madeDirs sync.Map
	)
	work := make(chan int, 256)
	for w := 0; w < max(runtime.GOMAXPROCS(0), 4); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b strings.Builder
			for i := range work {
				b.Reset()
				p.render(&b, i)
				abs := filepath.Join(dir, filepath.FromSlash(p.files[i].rel))
				d := filepath.Dir(abs)
				if _, ok := madeDirs.Load(d); !ok {
					if err := os.MkdirAll(d, 0o755); err != nil {
						mu.Lock()
						firstErr = errors.Join(firstErr, err)
						mu.Unlock()
						continue
					}
					madeDirs.Store(d, true)
				}
				if err := os.WriteFile(abs, []byte(b.String()), 0o644); err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range p.files {
		work <- i
	}
	close(work)
	wg.Wait()
	return firstErr
}

// Count is the number of source files Write produces for opts.
func Count(opts Options) int { return len(makePlan(opts.normalized()).files) }

// Cached generates the project once per machine under the system temp folder
// and returns its path; later calls (and later benchmark processes) reuse it.
// A stamp file written last marks a complete tree.
func Cached(opts Options) (string, error) {
	o := opts.normalized()
	key, _ := json.Marshal(struct {
		V int
		O Options
	}{Version, o})
	sum := sha256.Sum256(key)
	dir := filepath.Join(os.TempDir(), "nextguard-gen", fmt.Sprintf("%d-files-%s", o.Files, hex.EncodeToString(sum[:6])))
	stamp := filepath.Join(dir, ".complete")
	if _, err := os.Stat(stamp); err == nil {
		return dir, nil
	}
	tmp := dir + fmt.Sprintf(".tmp%d", os.Getpid())
	os.RemoveAll(tmp)
	if err := Write(tmp, o); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), []byte("ok\n"), 0o644); err != nil {
		return "", err
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		// Another process won the race: use its tree.
		os.RemoveAll(tmp)
		if _, err2 := os.Stat(stamp); err2 != nil {
			return "", err
		}
	}
	return dir, nil
}

func (p *plan) writeConfigs(dir string) error {
	write := func(rel, text string) error {
		abs := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return err
		}
		return os.WriteFile(abs, []byte(text), 0o644)
	}
	var ws []string
	if p.opts.Apps > 0 {
		ws = append(ws, "apps/*")
	}
	if p.opts.Packages > 0 {
		ws = append(ws, "packages/*")
	}
	wsJSON, _ := json.Marshal(ws)
	if err := write("package.json", fmt.Sprintf(`{
  "name": "generated-monorepo",
  "private": true,
  "workspaces": %s,
  "devDependencies": { "typescript": "5.6.3", "turbo": "2.3.0" }
}
`, wsJSON)); err != nil {
		return err
	}
	if err := write(".gitignore", "node_modules\n.next\ndist\n*.log\n.env*.local\n"); err != nil {
		return err
	}
	if err := write("tsconfig.base.json", `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["dom", "dom.iterable", "esnext"],
    "strict": true,
    "module": "esnext",
    "moduleResolution": "bundler",
    "jsx": "preserve",
    "skipLibCheck": true
  }
}
`); err != nil {
		return err
	}
	for a := 0; a < p.opts.Apps; a++ {
		d := appDir(a)
		deps := map[string]string{"next": "15.5.21", "react": "19.0.0", "@prisma/client": "6.1.0", "next-auth": "5.0.0-beta.25",
			"next-safe-action": "8.0.0", "zod": "3.24.1"}
		for _, n := range p.pkgNames {
			deps[n] = "workspace:*"
		}
		depJSON, _ := json.MarshalIndent(deps, "  ", "  ")
		if err := write(d+"/package.json", fmt.Sprintf("{\n  \"name\": \"web%d\",\n  \"private\": true,\n  \"dependencies\": %s\n}\n", a, depJSON)); err != nil {
			return err
		}
		if err := write(d+"/tsconfig.json", `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": {
    "baseUrl": ".",
    "paths": { "@/*": ["./*"] },
    "plugins": [{ "name": "next" }]
  },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
  "exclude": ["node_modules"]
}
`); err != nil {
			return err
		}
		if err := write(d+"/next.config.js", "/** @type {import('next').NextConfig} */\nmodule.exports = { reactStrictMode: true };\n"); err != nil {
			return err
		}
	}
	for k, name := range p.pkgNames {
		d := "packages/" + pkgName(k)
		if err := write(d+"/package.json", fmt.Sprintf(`{
  "name": %q,
  "version": "0.0.0",
  "private": true,
  "main": "./src/index.ts",
  "types": "./src/index.ts",
  "exports": { ".": "./src/index.ts" }
}
`, name)); err != nil {
			return err
		}
		if err := write(d+"/tsconfig.json", "{ \"extends\": \"../../tsconfig.base.json\", \"include\": [\"src\"] }\n"); err != nil {
			return err
		}
	}
	return nil
}
