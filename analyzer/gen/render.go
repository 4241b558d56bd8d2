package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// fileRNG is file i's own random stream: its content does not depend on the
// order in which files are written.
func (p *plan) fileRNG(i int) *rand.Rand {
	return rand.New(rand.NewPCG(p.opts.Seed^0x9e3779b97f4a7c15, uint64(i)+1<<32))
}

// pick chooses a file of kind k in app a for file self (of the same kind when
// k == its kind, which keeps imports acyclic by choosing lower indexes most of
// the time): mostly a neighbour, sometimes any file, as features cluster.
// It returns -1 when there is none.
func (p *plan) pick(r *rand.Rand, a int, k kind, selfIdx int, sameKind bool) int {
	list := p.byApp[a][k]
	n := len(list)
	if sameKind {
		n = min(n, selfIdx)
	}
	if n <= 0 {
		return -1
	}
	if r.IntN(10) < 8 {
		lo := max(0, n-30)
		if sameKind {
			lo = max(0, selfIdx-30)
		}
		return list[lo+r.IntN(n-lo)]
	}
	return list[r.IntN(n)]
}

// ident turns a file into the prefix of the names it exports.
func (p *plan) ident(i int) string {
	f := &p.files[i]
	switch f.kind {
	case kHelper:
		return fmt.Sprintf("h%d", f.idx)
	case kSchema:
		return fmt.Sprintf("s%d", f.idx)
	case kComponent:
		return fmt.Sprintf("C%d", f.idx)
	case kHook:
		return fmt.Sprintf("useH%d", f.idx)
	case kPkg:
		return fmt.Sprintf("%sM%d", camel(pkgName(f.pkg)), f.idx)
	}
	return "x"
}

func camel(s string) string {
	var b strings.Builder
	up := false
	for _, c := range s {
		if c == '-' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}

// imports collects a file's import lines, each source once.
type imports struct {
	b    *strings.Builder
	seen map[string]bool
}

func (im *imports) add(from, what string) {
	key := from + "\x00" + what
	if im.seen[key] {
		return
	}
	im.seen[key] = true
	fmt.Fprintf(im.b, "import %s from %q;\n", what, from)
}

// pkgImport picks an export of some workspace package (through its barrel).
func (p *plan) pkgImport(r *rand.Rand, below int) (name, from string, ok bool) {
	ks := len(p.pkgFiles)
	if below >= 0 {
		ks = min(ks, below)
	}
	if ks <= 0 {
		return "", "", false
	}
	k := r.IntN(ks)
	if len(p.pkgFiles[k]) == 0 {
		return "", "", false
	}
	m := p.pkgFiles[k][r.IntN(len(p.pkgFiles[k]))]
	return p.ident(m) + "Format", p.pkgNames[k], true
}

func (p *plan) render(b *strings.Builder, i int) {
	f := &p.files[i]
	r := p.fileRNG(i)
	switch f.kind {
	case kFixed:
		p.renderFixed(b, f)
	case kAction:
		p.renderAction(b, r, f)
	case kSafeAction:
		p.renderSafeAction(b, r, f)
	case kRoute:
		p.renderRoute(b, r, f)
	case kPage, kLayout:
		p.renderPage(b, r, f)
	case kComponent:
		p.renderComponent(b, r, f)
	case kHook:
		p.renderHook(b, r, f)
	case kHelper:
		p.renderHelper(b, r, i, f)
	case kSchema:
		p.renderSchema(b, r, f)
	case kPkg:
		p.renderPkg(b, r, i, f)
	case kBarrel:
		for _, m := range p.pkgFiles[f.pkg] {
			fmt.Fprintf(b, "export * from \"./m%d\";\n", p.files[m].idx+1)
		}
		if len(p.pkgFiles[f.pkg]) == 0 {
			b.WriteString("export const empty = true;\n")
		}
	}
}

func (p *plan) renderFixed(b *strings.Builder, f *file) {
	switch f.idx {
	case 0:
		b.WriteString(`import NextAuth from "next-auth";
import GitHub from "next-auth/providers/github";

export const { auth, handlers, signIn, signOut } = NextAuth({
  providers: [GitHub],
  session: { strategy: "jwt" },
  callbacks: {
    async session({ session, token }) {
      if (token.sub && session.user) session.user.id = token.sub;
      return session;
    },
  },
});

export async function requireUser() {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  return session.user;
}
`)
	case 1:
		b.WriteString(`import { PrismaClient } from "@prisma/client";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma = globalForPrisma.prisma ?? new PrismaClient();

if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
`)
	case 2:
		b.WriteString(`import { createSafeActionClient } from "next-safe-action";
import { auth } from "@/lib/auth";

export const actionClient = createSafeActionClient({
  handleServerError(e) {
    console.error(e);
    return "Something went wrong";
  },
});

export const authActionClient = actionClient.use(async ({ next }) => {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  return next({ ctx: { user: session.user } });
});
`)
	case 3:
		b.WriteString(`import { NextResponse, type NextRequest } from "next/server";

export function middleware(req: NextRequest) {
  const token = req.cookies.get("session")?.value;
  if (!token && req.nextUrl.pathname.startsWith("/dashboard")) {
    return NextResponse.redirect(new URL("/login", req.url));
  }
  return NextResponse.next();
}

export const config = { matcher: ["/((?!_next|api|static).*)"] };
`)
	}
}

// model names a Prisma model from an index.
func model(i int) string {
	return []string{"project", "link", "domain", "invoice", "member", "token", "webhook", "event", "customer", "payout"}[i%10]
}

func (p *plan) schemaImport(im *imports, r *rand.Rand, a int) string {
	s := p.pick(r, a, kSchema, 0, false)
	if s < 0 {
		im.add("zod", "{ z }")
		return "z.object({ name: z.string().min(1), id: z.string().optional() })"
	}
	name := p.ident(s) + "Schema"
	im.add(p.files[s].alias, "{ "+name+" }")
	return name
}

func (p *plan) helperCall(im *imports, r *rand.Rand, a int, arg string) string {
	h := p.pick(r, a, kHelper, 0, false)
	if h < 0 {
		return "null"
	}
	name := p.ident(h) + "Load"
	im.add(p.files[h].alias, "{ "+name+" }")
	return fmt.Sprintf("await %s(%s)", name, arg)
}

func (p *plan) renderAction(b *strings.Builder, r *rand.Rand, f *file) {
	var head, body strings.Builder
	im := &imports{b: &head, seen: map[string]bool{}}
	b.WriteString("\"use server\";\n\n")
	im.add("next/cache", "{ revalidatePath }")
	im.add("@/lib/auth", "{ auth }")
	im.add("@/lib/db", "{ prisma }")
	feat := feature(f.idx)
	m := model(f.idx)
	n := 3 + r.IntN(4)
	for j := 0; j < n; j++ {
		schema := p.schemaImport(im, r, f.app)
		call := p.helperCall(im, r, f.app, "row.id")
		fn := fmt.Sprintf("%s%s%d", []string{"create", "update", "delete", "archive", "restore"}[j%5], camel(strings.ReplaceAll(feat, "-", "")), j)
		switch r.IntN(5) {
		case 0: // no authentication: a finding
			fmt.Fprintf(&body, `
export async function %s(input: unknown) {
  const data = %s.parse(input);
  const row = await prisma.%s.create({ data });
  const extra = %s;
  revalidatePath("/%s");
  return { id: row.id, extra };
}
`, fn, schema, m, call, feat)
		case 1: // FormData, owner-scoped
			fmt.Fprintf(&body, `
export async function %s(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  const id = formData.get("id") as string;
  const parsed = %s.safeParse({ id, name: formData.get("name") });
  if (!parsed.success) return { error: parsed.error.flatten() };
  const row = await prisma.%s.update({
    where: { id, userId: session.user.id },
    data: { name: parsed.data.name },
  });
  const extra = %s;
  revalidatePath("/%s");
  return { ok: true, extra };
}
`, fn, schema, m, call, feat)
		default:
			fmt.Fprintf(&body, `
export async function %s(input: unknown) {
  const session = await auth();
  if (!session?.user) throw new Error("Unauthorized");
  const data = %s.parse(input);
  const row = await prisma.%s.create({
    data: { ...data, userId: session.user.id },
    select: { id: true, name: true },
  });
  const extra = %s;
  revalidatePath("/%s");
  return { id: row.id, name: row.name, extra };
}
`, fn, schema, m, call, feat)
		}
	}
	b.WriteString(head.String())
	b.WriteString(body.String())
}

func (p *plan) renderSafeAction(b *strings.Builder, r *rand.Rand, f *file) {
	var head, body strings.Builder
	im := &imports{b: &head, seen: map[string]bool{}}
	b.WriteString("\"use server\";\n\n")
	im.add("@/lib/safe-action", "{ authActionClient, actionClient }")
	im.add("@/lib/db", "{ prisma }")
	m := model(f.idx + 3)
	n := 2 + r.IntN(4)
	for j := 0; j < n; j++ {
		schema := p.schemaImport(im, r, f.app)
		call := p.helperCall(im, r, f.app, "parsedInput.id")
		client := "authActionClient"
		if r.IntN(6) == 0 {
			client = "actionClient"
		}
		fmt.Fprintf(&body, `
export const %sAction%d = %s
  .inputSchema(%s)
  .action(async ({ parsedInput, ctx }) => {
    const existing = await prisma.%s.findFirst({ where: { id: parsedInput.id } });
    if (!existing) return { error: "Not found" };
    const extra = %s;
    await prisma.%s.update({ where: { id: existing.id }, data: { name: parsedInput.name } });
    return { success: true, extra };
  });
`, camel(strings.ReplaceAll(feature(f.idx), "-", "")), j, client, schema, m, call, m)
	}
	b.WriteString(head.String())
	b.WriteString(body.String())
}

func (p *plan) renderRoute(b *strings.Builder, r *rand.Rand, f *file) {
	var head, body strings.Builder
	im := &imports{b: &head, seen: map[string]bool{}}
	im.add("next/server", "{ NextResponse, type NextRequest }")
	im.add("@/lib/auth", "{ auth }")
	im.add("@/lib/db", "{ prisma }")
	m := model(f.idx + 1)
	schema := p.schemaImport(im, r, f.app)
	call := p.helperCall(im, r, f.app, "params.id")
	authCheck := `  const session = await auth();
  if (!session?.user) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
`
	if r.IntN(5) == 0 {
		authCheck = ""
	}
	fmt.Fprintf(&body, `
export async function GET(req: NextRequest, props: { params: Promise<{ id: string }> }) {
  const params = await props.params;
%s  const searchParams = req.nextUrl.searchParams;
  const take = Number(searchParams.get("take") ?? 20);
  const rows = await prisma.%s.findMany({ where: { id: params.id }, take });
  const extra = %s;
  return NextResponse.json({ rows: rows.map((r) => ({ id: r.id, name: r.name })), extra });
}

export async function POST(req: Request, props: { params: Promise<{ id: string }> }) {
  const params = await props.params;
%s  const body = await req.json();
  const data = %s.parse(body);
  const row = await prisma.%s.update({ where: { id: params.id }, data });
  return NextResponse.json({ id: row.id });
}
`, authCheck, m, call, authCheck, schema, m)
	if r.IntN(3) == 0 {
		fmt.Fprintf(&body, `
export async function DELETE(_req: Request, props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  await prisma.%s.delete({ where: { id } });
  return new Response(null, { status: 204 });
}
`, m)
	}
	pad(&body, r, fmt.Sprintf("route%d", f.idx), head.Len(), false)
	b.WriteString(head.String())
	b.WriteString(body.String())
}

func (p *plan) renderPage(b *strings.Builder, r *rand.Rand, f *file) {
	var head, body strings.Builder
	im := &imports{b: &head, seen: map[string]bool{}}
	var comps []string
	for j := 0; j < 2+r.IntN(3); j++ {
		c := p.pick(r, f.app, kComponent, 0, false)
		if c < 0 {
			break
		}
		name := p.ident(c)
		im.add(p.files[c].alias, "{ "+name+" }")
		comps = append(comps, name)
	}
	call := p.helperCall(im, r, f.app, "params.id")
	im.add("@/lib/auth", "{ auth }")
	if f.kind == kLayout {
		body.WriteString(`
export default async function Layout({ children }: { children: React.ReactNode }) {
  const session = await auth();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b px-6 py-4">
        <span className="font-semibold">{session?.user?.name ?? "Guest"}</span>
      </header>
`)
		for _, c := range comps {
			fmt.Fprintf(&body, "      <%s title=\"nav\" items={[]} />\n", c)
		}
		body.WriteString("      <main className=\"flex-1\">{children}</main>\n    </div>\n  );\n}\n")
	} else {
		fmt.Fprintf(&body, `
export default async function Page(props: { params: Promise<{ id: string }> }) {
  const params = await props.params;
  const session = await auth();
  const data = %s;
  return (
    <section className="space-y-4 p-6">
      <h1 className="text-2xl font-bold">%s</h1>
      <p className="text-muted-foreground">Signed in as {session?.user?.email}</p>
`, call, feature(f.idx))
		for _, c := range comps {
			fmt.Fprintf(&body, "      <%s title={%q} items={Array.isArray(data) ? data : []} />\n", c, feature(f.idx))
		}
		body.WriteString("    </section>\n  );\n}\n")
		if r.IntN(5) == 0 { // an inline Server Action
			im.add("@/lib/db", "{ prisma }")
			fmt.Fprintf(&body, `
async function rename(formData: FormData) {
  "use server";
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.%s.update({ where: { id: String(formData.get("id")), userId: session.user.id }, data: { name: String(formData.get("name")) } });
}

export const metadata = { title: %q, rename: typeof rename };
`, model(f.idx), feature(f.idx))
		}
	}
	pad(&body, r, fmt.Sprintf("Page%d", f.idx), head.Len(), true)
	b.WriteString(head.String())
	b.WriteString(body.String())
}

func (p *plan) renderComponent(b *strings.Builder, r *rand.Rand, f *file) {
	var head, body strings.Builder
	im := &imports{b: &head, seen: map[string]bool{}}
	b.WriteString("\"use client\";\n\n")
	im.add("react", "{ useState, useMemo, useCallback }")
	if name, from, ok := p.pkgImport(r, -1); ok {
		im.add(from, "{ "+name+" }")
		fmt.Fprintf(&body, "\nconst fmt%d = %s;\n", f.idx, name)
	} else {
		fmt.Fprintf(&body, "\nconst fmt%d = (s: string) => s;\n", f.idx)
	}
	var children []string
	for j := 0; j < r.IntN(3); j++ {
		c := p.pick(r, f.app, kComponent, f.idx, true)
		if c < 0 {
			break
		}
		im.add(p.files[c].alias, "{ "+p.ident(c)+" }")
		children = append(children, p.ident(c))
	}
	if r.IntN(3) == 0 {
		if h := p.pick(r, f.app, kHook, 0, false); h >= 0 {
			im.add(p.files[h].alias, "{ "+p.ident(h)+" }")
			fmt.Fprintf(&body, "\nexport function C%dData() {\n  const { data, loading } = %s(\"c%d\");\n  return loading ? null : <pre>{JSON.stringify(data)}</pre>;\n}\n", f.idx, p.ident(h), f.idx)
		}
	}
	name := fmt.Sprintf("C%d", f.idx)
	fmt.Fprintf(&body, `
export interface %sProps {
  title: string;
  items: { id: string; name: string; count?: number }[];
  onSelect?: (id: string) => void;
  variant?: "default" | "compact" | "wide";
}

export function %s({ title, items, onSelect, variant = "default" }: %sProps) {
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const filtered = useMemo(
    () => items.filter((item) => item.name.toLowerCase().includes(query.toLowerCase())),
    [items, query],
  );
  const select = useCallback(
    (id: string) => {
      setSelected(id);
      onSelect?.(id);
    },
    [onSelect],
  );
  return (
    <div className={variant === "compact" ? "space-y-1" : "space-y-3"}>
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-medium">{fmt%d(title)}</h2>
        <input
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search…"
          className="rounded border px-2 py-1 text-sm"
        />
      </div>
      <ul className="divide-y">
        {filtered.map((item) => (
          <li
            key={item.id}
            onClick={() => select(item.id)}
            className={item.id === selected ? "bg-muted px-3 py-2" : "px-3 py-2"}
          >
            <span>{item.name}</span>
            {item.count !== undefined && <span className="ml-2 text-xs">{item.count}</span>}
          </li>
        ))}
      </ul>
`, name, name, name, f.idx)
	for _, c := range children {
		fmt.Fprintf(&body, "      <%s title={title} items={filtered} onSelect={select} variant=\"compact\" />\n", c)
	}
	body.WriteString("    </div>\n  );\n}\n")
	for j := 0; j < r.IntN(3); j++ {
		fmt.Fprintf(&body, `
export function %sRow%d({ label, value }: { label: string; value: number }) {
  const pct = Math.min(100, Math.max(0, Math.round(value * 100)));
  return (
    <div className="flex items-center gap-2">
      <span className="w-24 truncate text-sm">{label}</span>
      <div className="h-2 flex-1 rounded bg-gray-100">
        <div className="h-2 rounded bg-blue-500" style={{ width: pct + "%%" }} />
      </div>
      <span className="w-10 text-right text-xs">{pct}%%</span>
    </div>
  );
}
`, name, j)
	}
	pad(&body, r, name, head.Len(), true)
	b.WriteString(head.String())
	b.WriteString(body.String())
}

func (p *plan) renderHook(b *strings.Builder, r *rand.Rand, f *file) {
	b.WriteString("\"use client\";\n\n")
	b.WriteString("import { useEffect, useState } from \"react\";\n")
	fmt.Fprintf(b, `
export function useH%d<T = unknown>(key: string) {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    fetch("/api/%s/" + encodeURIComponent(key))
      .then((res) => {
        if (!res.ok) throw new Error("Request failed: " + res.status);
        return res.json() as Promise<T>;
      })
      .then((json) => {
        if (!cancelled) setData(json);
      })
      .catch((e: Error) => {
        if (!cancelled) setError(e);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [key]);
  return { data, loading, error };
}
`, f.idx, feature(r.IntN(40)))
}

func (p *plan) renderHelper(b *strings.Builder, r *rand.Rand, i int, f *file) {
	var head, body strings.Builder
	im := &imports{b: &head, seen: map[string]bool{}}
	id := p.ident(i)
	usesDB := r.IntN(10) < 6
	if usesDB {
		im.add("@/lib/db", "{ prisma }")
	}
	var callees []string
	for j := 0; j < r.IntN(4); j++ {
		h := p.pick(r, f.app, kHelper, f.idx, true)
		if h < 0 {
			break
		}
		name := p.ident(h) + "Load"
		if r.IntN(3) == 0 {
			name = p.ident(h) + "Compute"
		}
		im.add(p.files[h].alias, "{ "+name+" }")
		callees = append(callees, name)
	}
	fmtName := ""
	if r.IntN(10) < 4 {
		if name, from, ok := p.pkgImport(r, -1); ok {
			im.add(from, "{ "+name+" }")
			fmtName = name
		}
	}
	if r.IntN(10) < 3 {
		if s := p.pick(r, f.app, kSchema, 0, false); s >= 0 {
			im.add(p.files[s].alias, "{ type "+strings.ToUpper(p.ident(s)[:1])+p.ident(s)[1:]+" }")
		}
	}
	fmt.Fprintf(&body, `
export type %sRow = {
  id: string;
  name: string;
  createdAt: Date;
  count: number;
  tags?: string[];
};

const LIMIT = %d;
`, strings.ToUpper(id[:1])+id[1:], 10+r.IntN(90))
	fmt.Fprintf(&body, "\nexport async function %sLoad(id: string, userId?: string) {\n", id)
	if usesDB {
		fmt.Fprintf(&body, "  const row = await prisma.%s.findUnique({ where: { id } });\n  if (!row) return null;\n", model(f.idx))
	} else {
		body.WriteString("  const row = { id, name: \"n\" + id, parentId: id };\n")
	}
	for k, c := range callees {
		if strings.HasSuffix(c, "Load") {
			fmt.Fprintf(&body, "  const dep%d = await %s(row.id, userId);\n", k, c)
		} else {
			fmt.Fprintf(&body, "  const dep%d = %s([], %d);\n", k, c, k+1)
		}
	}
	label := "row.name"
	if fmtName != "" {
		label = fmtName + "(row.name)"
	}
	fmt.Fprintf(&body, "  return { ...row, label: %s, deps: [%s], limit: LIMIT };\n}\n", label, depList(len(callees)))
	fmt.Fprintf(&body, `
export function %sCompute(items: %sRow[], factor = 2): number {
  let total = 0;
  for (const item of items) {
    if (item.count > factor) {
      total += item.count * factor;
    } else if (item.tags?.includes("skip")) {
      continue;
    } else {
      total -= 1;
    }
  }
  return Math.round(total / Math.max(items.length, 1));
}
`, id, strings.ToUpper(id[:1])+id[1:])
	pad(&body, r, id, head.Len(), false)
	b.WriteString(head.String())
	b.WriteString(body.String())
}

// pad appends realistic top-level code (switches, generics, retries, option
// tables, and JSX panels in .tsx files) until the file reaches a size drawn
// from a long-tailed distribution with a mean of about 3.5 KB, as in real
// monorepos.
func pad(b *strings.Builder, r *rand.Rand, id string, extra int, tsx bool) {
	target := 900 + int(r.ExpFloat64()*2600)
	if target > 40000 {
		target = 40000
	}
	n := 5
	if !tsx {
		n = 4
	}
	for j := 0; b.Len()+extra < target; j++ {
		filler(b, r, id, j, n)
	}
}

func filler(b *strings.Builder, r *rand.Rand, id string, j, n int) {
	switch r.IntN(n) {
	case 0:
		fmt.Fprintf(b, `
export function %sStatus%d(code: number): "ok" | "retry" | "fail" {
  switch (code) {
    case 200:
    case 201:
    case 204:
      return "ok";
    case 429:
    case 502:
    case 503:
      return "retry";
    default:
      return code >= 500 ? "retry" : "fail";
  }
}
`, id, j)
	case 1:
		fmt.Fprintf(b, `
export const %sPick%d = <T extends Record<string, unknown>, K extends keyof T>(obj: T, keys: K[]): Pick<T, K> => {
  const out = {} as Pick<T, K>;
  for (const key of keys) {
    if (key in obj) out[key] = obj[key];
  }
  return out;
};
`, id, j)
	case 2:
		fmt.Fprintf(b, `
export async function %sRetry%d<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (e) {
      lastError = e;
      await new Promise((resolve) => setTimeout(resolve, 2 ** i * 100));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
`, id, j)
	case 3:
		fmt.Fprintf(b, "\nexport const %sOptions%d = [\n", id, j)
		for k := 0; k < 4+r.IntN(12); k++ {
			fmt.Fprintf(b, "  { value: %q, label: %q, description: \"Option %d of the %s settings\", enabled: %v },\n", feature(k), strings.ToUpper(feature(k)[:1])+feature(k)[1:], k, id, k%3 != 0)
		}
		b.WriteString("] as const;\n")
	case 4:
		fmt.Fprintf(b, `
export function %sPanel%d({ rows, title }: { rows: { id: string; label: string; value: number }[]; title: string }) {
  const total = rows.reduce((sum, row) => sum + row.value, 0);
  if (rows.length === 0) {
    return <p className="text-sm text-gray-500">No data for {title} yet.</p>;
  }
  return (
    <table className="w-full text-sm">
      <thead>
        <tr>
          <th className="text-left">{title}</th>
          <th className="text-right">Value</th>
          <th className="text-right">Share</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} className="border-t">
            <td>{row.label}</td>
            <td className="text-right">{row.value.toLocaleString()}</td>
            <td className="text-right">{total ? Math.round((row.value / total) * 100) : 0}%%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
`, id, j)
	}
}

func depList(n int) string {
	parts := make([]string, n)
	for k := range parts {
		parts[k] = fmt.Sprintf("dep%d", k)
	}
	return strings.Join(parts, ", ")
}

func (p *plan) renderSchema(b *strings.Builder, r *rand.Rand, f *file) {
	b.WriteString("import { z } from \"zod\";\n")
	id := fmt.Sprintf("s%d", f.idx)
	fmt.Fprintf(b, `
export const %sSchema = z.object({
  id: z.string().cuid(),
  name: z.string().min(1).max(190),
  description: z.string().max(1000).optional(),
  url: z.string().url().optional(),
  tags: z.array(z.string()).max(%d).default([]),
  enabled: z.boolean().default(true),
  createdAt: z.coerce.date().optional(),
});

export type %s = z.infer<typeof %sSchema>;

export const %sUpdateSchema = %sSchema.partial().extend({
  id: z.string().cuid(),
});
`, id, 5+r.IntN(20), strings.ToUpper(id[:1])+id[1:], id, id, id)
	if r.IntN(2) == 0 {
		fmt.Fprintf(b, `
export const %sQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(%d),
  sort: z.enum(["createdAt", "name", "updatedAt"]).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
});
`, id, 10+r.IntN(40))
	}
}

func (p *plan) renderPkg(b *strings.Builder, r *rand.Rand, i int, f *file) {
	id := p.ident(i)
	if f.idx > 0 && r.IntN(2) == 0 {
		prev := p.pkgFiles[f.pkg][r.IntN(f.idx)]
		fmt.Fprintf(b, "import { %sFormat } from \"./m%d\";\n", p.ident(prev), p.files[prev].idx+1)
		fmt.Fprintf(b, "\nexport const %sAlias = %sFormat;\n", id, p.ident(prev))
	}
	if name, from, ok := p.pkgImport(r, f.pkg); ok {
		fmt.Fprintf(b, "import { %s } from %q;\n\nexport const %sUpstream = %s;\n", name, from, id, name)
	}
	fmt.Fprintf(b, `
export function %sFormat(value: string, opts: { max?: number; suffix?: string } = {}): string {
  const max = opts.max ?? %d;
  const trimmed = value.trim();
  if (trimmed.length <= max) return trimmed;
  return trimmed.slice(0, max - 1) + (opts.suffix ?? "…");
}

export function %sParse(input: string | null | undefined, fallback = 0): number {
  if (input == null || input === "") return fallback;
  const n = Number.parseFloat(input);
  return Number.isFinite(n) ? n : fallback;
}

export class %sCache<K, V> {
  private store = new Map<K, { value: V; expires: number }>();
  constructor(private ttl = %d) {}
  get(key: K): V | undefined {
    const hit = this.store.get(key);
    if (!hit) return undefined;
    if (hit.expires < Date.now()) {
      this.store.delete(key);
      return undefined;
    }
    return hit.value;
  }
  set(key: K, value: V) {
    this.store.set(key, { value, expires: Date.now() + this.ttl });
  }
}
`, id, 20+r.IntN(80), id, strings.ToUpper(id[:1])+id[1:], 1000*(1+r.IntN(60)))
	pad(b, r, id, 0, false)
}
