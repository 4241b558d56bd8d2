// Package libs is nextguard's declarative knowledge of the libraries Next.js
// apps use: which package exports authenticate, which build database clients,
// which validate input, which send email or charge cards. Each table is keyed by
// the resolved import (package + export name), never by a local name, so an
// import alias or a same-named project function cannot fool it. Supporting a new
// library means adding rows here; nextguard.json extends the same tables.
package libs

import "strings"

// Kind is what a package export (or a value built from one) is.
type Kind uint8

const (
	None Kind = iota
	// AuthSource: calling it returns the session/user, null when signed out.
	AuthSource
	// AuthBox: calling it returns an object that is always truthy; its fields
	// (Clerk's userId, Supabase's data.user / error) carry the signed-in state.
	AuthBox
	// AuthGuard: calling it rejects anonymous callers by itself (Clerk auth.protect()).
	AuthGuard
	// AuthUntrusted: looks like authentication but must not be trusted on the
	// server (Supabase auth.getSession()).
	AuthUntrusted
	// AuthFactory: builds an auth library instance whose members are sources
	// (NextAuth(config) → { auth, signIn, signOut }, betterAuth() → auth.api.getSession).
	AuthFactory
	// SignIn: a sign-in/sign-up/sign-out flow, public by design.
	SignIn
	// DBFactory: builds a database client (new PrismaClient(), drizzle(), createClient()).
	DBFactory
	// RLSFactory: builds a database client bound to the caller's cookies, so
	// row-level security applies (Supabase createServerClient).
	RLSFactory
	// DBFunc: a function that queries by itself (`sql` tag of @vercel/postgres).
	DBFunc
	// SideEffectFactory: builds a client for email, payments or paid APIs.
	SideEffectFactory
	// SideEffect: a function that sends email, writes files, charges, calls a paid API.
	SideEffect
	// Validator namespace (z, v, yup, Joi, type, s, Schema): builds schemas.
	SchemaNS
	// ParseFunc: a standalone validating function (valibot parse(schema, x),
	// parseWithZod(formData, { schema }), zfd.formData(...)).
	ParseFunc
	// SafeParseFunc: validating function returning a result object (valibot safeParse).
	SafeParseFunc
	// Exit: never returns normally (redirect, notFound, unauthorized, forbidden).
	Exit
	// ActionClient: next-safe-action / zsa builder roots.
	ActionClient
	// Verify: verifies a signature or token and throws when it is wrong (Stripe
	// constructEvent, svix verify, jwt.verify): the caller is authenticated after it.
	Verify
	// RateLimit: a rate limiter call.
	RateLimit
	// Revalidate: cache revalidation, not sensitive.
	Revalidate
	// Headers: next/headers cookies()/headers(): request data, client-controlled.
	Headers
	// HeaderInfo: values a library reads from request headers
	// (@vercel/functions geolocation(), ipAddress()): client-controlled
	// strings.
	HeaderInfo
	// SignInCallback completes a sign-in begun elsewhere (an OAuth or
	// magic-link code exchange): public like a sign-in, but there is nothing
	// to guess, so no rate limit is due.
	SignInCallback
	// Compare: a constant-time comparison (crypto.timingSafeEqual); against a
	// server secret it authenticates.
	Compare
	// Identity: returns (a memoised version of) the function it is given
	// (React cache, unstable_cache, memoize).
	Identity
	// ORMHelper: query-building helpers whose result is made of their arguments
	// (drizzle eq/and/or/inArray, Prisma.sql).
	ORMHelper
	// EnvObject: builds a typed view of process.env (t3-env createEnv): its
	// members are deployment configuration and server secrets.
	EnvObject
	// OAuthClient: an OAuth 2.0 client whose getToken(code) completes an
	// authorization-code flow (google-auth-library OAuth2Client).
	OAuthClient
	// SigVerify: checks a signature with a public key or shared secret and
	// returns whether it holds (Node crypto.verify, createVerify().verify()).
	SigVerify
	// Ability: CASL — builds an ability (createMongoAbility, createPrismaAbility,
	// defineAbility, new AbilityBuilder(…).build()) whose can/cannot checks a
	// record against the rules the app gave the caller; subject(type, record)
	// tags the record it checks.
	Ability
	// CookieJar: parses the request's cookies (cookie's parse, nookies'
	// parseCookies, cookies-next getCookie): values the browser presents.
	CookieJar
	// Mint: issues something new on every call: a signed token, a random id.
	// A function that calls it does more than read.
	Mint
)

// Export describes one package export.
type Export struct {
	Kind Kind
	// What names the effect for messages ("sends email", "charges a payment").
	What string
}

type key struct{ pkg, name string }

var table = map[key]Export{}

func add(kind Kind, what string, pkgs []string, names ...string) {
	for _, p := range pkgs {
		for _, n := range names {
			table[key{p, n}] = Export{Kind: kind, What: what}
		}
	}
}

// Lookup returns what export name of package pkg is. pkg is the full import
// specifier ("@clerk/nextjs/server"); lookups try it and then its package name.
func Lookup(spec, name string) (Export, bool) {
	if e, ok := table[key{spec, name}]; ok {
		return e, true
	}
	if e, ok := table[key{PackageName(spec), name}]; ok {
		return e, true
	}
	if e, ok := table[key{PackageName(spec), "*"}]; ok {
		return e, true
	}
	return Export{}, false
}

// PackageName returns the npm package of a bare specifier.
func PackageName(spec string) string {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

func init() {
	// Authentication.
	add(AuthSource, "", []string{"next-auth", "next-auth/next"}, "getServerSession")
	add(AuthFactory, "", []string{"next-auth"}, "default", "NextAuth")
	add(AuthBox, "", []string{"@clerk/nextjs/server", "@clerk/nextjs", "@clerk/nextjs/app-beta"}, "auth")
	add(AuthSource, "", []string{"@clerk/nextjs/server", "@clerk/nextjs"}, "currentUser")
	add(AuthSource, "", []string{"@kinde-oss/kinde-auth-nextjs/server"}, "getKindeServerSession")
	add(AuthSource, "", []string{"iron-session", "iron-session/next"}, "getIronSession", "getServerActionSession")
	add(AuthSource, "", []string{"@auth0/nextjs-auth0"}, "getSession")
	add(AuthSource, "", []string{"@workos-inc/authkit-nextjs"}, "withAuth", "getUser")
	add(AuthFactory, "", []string{"better-auth", "better-auth/next-js"}, "betterAuth")
	add(AuthFactory, "", []string{"lucia"}, "Lucia")
	add(SignIn, "", []string{"next-auth/react", "next-auth"}, "signIn", "signOut")
	add(SignIn, "", []string{"@clerk/nextjs/server"}, "signIn")
	// Checking or hashing a password is what a sign-in/sign-up flow does.
	add(SignIn, "", []string{"bcrypt", "bcryptjs"}, "compare", "compareSync", "hash", "hashSync")
	add(SignIn, "", []string{"argon2", "@node-rs/argon2", "@node-rs/bcrypt"}, "verify", "hash")

	// Databases and query builders.
	add(DBFactory, "", []string{"@prisma/client", "@prisma/client/edge", "@prisma/client/extension"}, "PrismaClient")
	for _, p := range []string{"drizzle-orm/node-postgres", "drizzle-orm/postgres-js", "drizzle-orm/neon-http", "drizzle-orm/neon-serverless",
		"drizzle-orm/mysql2", "drizzle-orm/planetscale-serverless", "drizzle-orm/libsql", "drizzle-orm/better-sqlite3", "drizzle-orm/vercel-postgres",
		"drizzle-orm/d1", "drizzle-orm/bun-sqlite", "drizzle-orm/pglite", "drizzle-orm/xata-http", "drizzle-orm/tidb-serverless", "drizzle-orm/expo-sqlite",
		"drizzle-orm/op-sqlite", "drizzle-orm/singlestore", "drizzle-orm/gel", "drizzle-orm/aws-data-api/pg", "drizzle-orm/node-postgres/driver"} {
		add(DBFactory, "", []string{p}, "drizzle")
	}
	add(ORMHelper, "", []string{"drizzle-orm"}, "eq", "ne", "and", "or", "not", "inArray", "notInArray", "isNull", "isNotNull", "gt", "gte", "lt", "lte",
		"like", "ilike", "between", "exists", "sql", "desc", "asc", "count", "sum", "arrayContains")
	add(DBFactory, "", []string{"@supabase/supabase-js"}, "createClient")
	add(RLSFactory, "", []string{"@supabase/ssr", "@supabase/auth-helpers-nextjs"}, "createServerClient", "createServerComponentClient", "createServerActionClient", "createRouteHandlerClient", "createBrowserClient")
	add(DBFactory, "", []string{"kysely"}, "Kysely")
	add(DBFactory, "", []string{"typeorm"}, "DataSource", "getRepository", "getManager", "createConnection")
	add(DBFactory, "", []string{"sequelize", "@sequelize/core"}, "Sequelize")
	add(DBFactory, "", []string{"mongoose"}, "default", "model", "connect", "createConnection")
	add(DBFactory, "", []string{"mongodb"}, "MongoClient")
	add(DBFactory, "", []string{"pg"}, "Pool", "Client")
	add(DBFactory, "", []string{"mysql2", "mysql2/promise", "mysql"}, "createPool", "createConnection")
	add(DBFactory, "", []string{"postgres"}, "default")
	add(DBFactory, "", []string{"@neondatabase/serverless"}, "neon", "Pool", "Client")
	add(DBFactory, "", []string{"@planetscale/database"}, "connect", "Client")
	add(DBFactory, "", []string{"@libsql/client"}, "createClient")
	add(DBFactory, "", []string{"better-sqlite3"}, "default")
	add(DBFactory, "", []string{"knex"}, "default", "knex")
	add(DBFactory, "", []string{"@vercel/kv"}, "createClient")
	add(DBFunc, "", []string{"@vercel/kv"}, "kv")
	add(DBFactory, "", []string{"@upstash/redis", "ioredis", "redis"}, "Redis", "createClient", "default")
	add(DBFunc, "", []string{"@vercel/postgres"}, "sql", "db")
	add(DBFunc, "", []string{"@vercel/postgres-kysely"}, "createKysely")

	// Validation.
	add(SchemaNS, "", []string{"zod", "zod/v4", "zod/v3", "zod/mini"}, "z", "default", "*")
	add(SchemaNS, "", []string{"yup"}, "*")
	add(SchemaNS, "", []string{"joi"}, "*")
	add(SchemaNS, "", []string{"superstruct"}, "object", "string", "number", "type", "array", "boolean", "optional", "enums", "*")
	add(SchemaNS, "", []string{"arktype"}, "type", "scope")
	add(SchemaNS, "", []string{"effect", "@effect/schema"}, "Schema")
	add(SchemaNS, "", []string{"valibot"}, "*")
	add(ParseFunc, "", []string{"valibot"}, "parse", "parseAsync")
	add(SafeParseFunc, "", []string{"valibot"}, "safeParse", "safeParseAsync")
	add(ParseFunc, "", []string{"superstruct"}, "create", "assert", "mask")
	add(SafeParseFunc, "", []string{"superstruct"}, "validate")
	add(ParseFunc, "", []string{"@conform-to/zod", "@conform-to/zod/v4"}, "parseWithZod")
	add(SchemaNS, "", []string{"zod-form-data"}, "zfd", "*")
	add(ActionClient, "next-safe-action", []string{"next-safe-action"}, "createSafeActionClient", "createMiddleware")
	add(ActionClient, "zsa", []string{"zsa"}, "createServerAction", "createServerActionProcedure")

	// Control flow.
	add(Exit, "", []string{"next/navigation"}, "redirect", "permanentRedirect", "notFound", "unauthorized", "forbidden")
	add(Revalidate, "", []string{"next/cache"}, "revalidatePath", "revalidateTag", "updateTag", "refresh")
	add(Mint, "", []string{"jsonwebtoken"}, "sign")
	add(Mint, "", []string{"jose"}, "SignJWT", "EncryptJWT")
	add(Mint, "", []string{"crypto", "node:crypto"}, "randomUUID", "randomBytes", "randomInt")
	add(Mint, "", []string{"nanoid"}, "nanoid", "customAlphabet")
	add(Mint, "", []string{"@paralleldrive/cuid2"}, "createId", "init")
	add(Mint, "", []string{"cuid"}, "default")
	add(Mint, "", []string{"uuid"}, "v1", "v4", "v6", "v7")
	add(Ability, "", []string{"@casl/ability", "@casl/prisma"}, "createMongoAbility", "createPrismaAbility", "defineAbility", "AbilityBuilder", "subject", "Ability", "PureAbility")
	add(CookieJar, "", []string{"cookie"}, "parse")
	add(CookieJar, "", []string{"nookies"}, "parseCookies")
	add(CookieJar, "", []string{"cookies-next", "cookies-next/server"}, "getCookie", "getCookies")
	add(EnvObject, "", []string{"@t3-oss/env-nextjs", "@t3-oss/env-core", "@t3-oss/env-nuxt"}, "createEnv")
	add(Identity, "", []string{"next/cache"}, "unstable_cache")
	add(Identity, "", []string{"react"}, "cache")
	// lodash's default export is the whole library, and lodash/<fn>'s
	// default (lodash/sumBy) falls back to it: only memoize itself is one.
	add(Identity, "", []string{"lodash", "lodash-es"}, "memoize")
	add(Identity, "", []string{"lodash/memoize", "lodash.memoize", "memoize-one", "p-memoize", "micro-memoize", "memoizee"}, "memoize", "default")
	add(Headers, "", []string{"next/headers"}, "cookies", "headers")
	add(HeaderInfo, "", []string{"@vercel/functions", "@vercel/edge"}, "geolocation", "ipAddress")

	// Signatures and tokens.
	add(Verify, "", []string{"svix"}, "Webhook")
	add(Verify, "", []string{"jsonwebtoken"}, "verify")
	add(Verify, "", []string{"jose"}, "jwtVerify", "compactVerify")
	add(Verify, "", []string{"@octokit/webhooks", "@octokit/webhooks-methods"}, "verify")
	add(Verify, "", []string{"@upstash/qstash", "@upstash/qstash/nextjs"}, "Receiver", "verifySignatureAppRouter", "verifySignature", "verifySignatureEdge")
	add(Verify, "", []string{"@upstash/workflow/nextjs"}, "serve")
	add(Verify, "", []string{"@slack/bolt", "@slack/events-api"}, "verifyRequestSignature")

	add(Compare, "", []string{"crypto", "node:crypto"}, "timingSafeEqual")
	add(SigVerify, "", []string{"crypto", "node:crypto"}, "verify", "createVerify")
	add(OAuthClient, "", []string{"google-auth-library"}, "OAuth2Client")
	add(OAuthClient, "", []string{"googleapis"}, "google", "auth")
	add(OAuthClient, "", []string{"@googleapis/gmail", "@googleapis/calendar", "@googleapis/drive", "@googleapis/sheets",
		"@googleapis/people", "@googleapis/oauth2", "@googleapis/youtube", "@googleapis/docs", "@googleapis/tasks"}, "auth")
	add(Compare, "", []string{"tsscmp", "safe-compare", "secure-compare"}, "default")

	// Rate limiting.
	add(RateLimit, "", []string{"@upstash/ratelimit"}, "Ratelimit")
	add(RateLimit, "", []string{"@arcjet/next"}, "default", "arcjet")

	// Side effects with server secrets.
	add(SideEffectFactory, "sends email", []string{"resend"}, "Resend")
	add(SideEffectFactory, "sends email", []string{"nodemailer"}, "createTransport", "default")
	add(SideEffect, "sends email", []string{"@sendgrid/mail"}, "default", "send")
	add(SideEffectFactory, "sends email", []string{"postmark"}, "ServerClient", "Client")
	add(SideEffectFactory, "sends email", []string{"@react-email/render"}, "")
	add(SideEffectFactory, "sends SMS", []string{"twilio"}, "default", "Twilio")
	add(SideEffectFactory, "calls Stripe", []string{"stripe"}, "default", "Stripe")
	add(SideEffectFactory, "calls a paid API", []string{"openai"}, "default", "OpenAI")
	add(SideEffectFactory, "calls a paid API", []string{"@anthropic-ai/sdk"}, "default", "Anthropic")
	add(SideEffect, "calls a paid AI API", []string{"ai"}, "generateText", "streamText", "generateObject", "streamObject", "embed", "embedMany")
	add(SideEffect, "writes to blob storage", []string{"@vercel/blob"}, "put", "del", "copy")
	add(SideEffectFactory, "calls AWS", []string{"@aws-sdk/client-s3", "@aws-sdk/client-ses", "@aws-sdk/client-sesv2", "@aws-sdk/client-sns", "@aws-sdk/client-sqs", "@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb"}, "S3Client", "SESClient", "SESv2Client", "SNSClient", "SQSClient", "DynamoDBClient", "DynamoDBDocumentClient")
	for _, p := range []string{"fs", "node:fs", "fs/promises", "node:fs/promises"} {
		add(SideEffect, "writes files", []string{p}, "writeFile", "writeFileSync", "appendFile", "appendFileSync", "unlink", "unlinkSync",
			"rm", "rmSync", "rmdir", "rmdirSync", "mkdir", "mkdirSync", "rename", "renameSync", "copyFile", "copyFileSync", "createWriteStream")
	}
	add(SideEffect, "runs a shell command", []string{"child_process", "node:child_process"}, "exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync")
}

// AuthFactoryMembers: members of an auth factory's result that are sources or
// sign-in flows. Paths are joined with '.' ("api.getSession").
var AuthFactoryMembers = map[string]Kind{
	"auth":                      AuthSource, // NextAuth(...).auth
	"getServerSession":          AuthSource,
	"api.getSession":            AuthSource, // better-auth
	"validateSession":           AuthSource, // lucia v3
	"signIn":                    SignIn,
	"signOut":                   SignIn,
	"api.signInEmail":           SignIn,
	"api.signUpEmail":           SignIn,
	"api.signInSocial":          SignIn,
	"api.signOut":               SignIn,
	"api.forgetPassword":        SignIn,
	"api.resetPassword":         SignIn,
	"api.verifyEmail":           SignIn,
	"api.sendVerificationEmail": SignIn,
	// better-auth plugins (sso, magic-link, username, phone-number, anonymous,
	// email-otp, generic-oauth, passkey) and the library's own endpoints.
	"api.signInSSO":                          SignInCallback, // a redirect to the IdP: nothing to guess
	"api.signInMagicLink":                    SignIn,
	"api.magicLinkVerify":                    SignIn,
	"api.signInUsername":                     SignIn,
	"api.signInPhoneNumber":                  SignIn,
	"api.signInAnonymous":                    SignIn,
	"api.signInEmailOTP":                     SignIn,
	"api.sendVerificationOTP":                SignIn,
	"api.verifyEmailOTP":                     SignIn,
	"api.forgetPasswordEmailOTP":             SignIn,
	"api.resetPasswordEmailOTP":              SignIn,
	"api.requestPasswordReset":               SignIn,
	"api.signInWithOAuth2":                   SignInCallback,
	"api.oAuth2Callback":                     SignInCallback,
	"api.callbackOAuth":                      SignInCallback,
	"api.signInPasskey":                      SignIn,
	"handler":                                SignInCallback, // auth.handler(req): the library's own endpoints, rate-limited by it
	"$context.internalAdapter.createSession": SignIn,
}

// IsGeneratedPrismaClient reports whether an import specifier that leads to no
// project file is a Prisma client generated to a custom output path (Prisma 6+
// `output = "../generated/prisma"`, imported as `@/generated/prisma/client` or
// `../generated/prisma`): it is not committed, so only its name tells. The
// client it exports is @prisma/client's.
func IsGeneratedPrismaClient(spec string) bool {
	s := strings.ToLower(spec)
	if strings.HasSuffix(s, ".prisma/client") {
		return true
	}
	return strings.Contains(s, "generated") && strings.Contains(s, "prisma") && !strings.HasSuffix(s, ".prisma")
}

// SupabaseAuthMembers classifies `client.auth.X` calls.
var SupabaseAuthMembers = map[string]Kind{
	"getUser":                AuthBox,
	"getClaims":              AuthBox,
	"getSession":             AuthUntrusted,
	"signInWithPassword":     SignIn,
	"signInWithOtp":          SignIn,
	"signInWithOAuth":        SignIn,
	"signInWithIdToken":      SignIn,
	"signInWithSSO":          SignIn,
	"signInAnonymously":      SignIn,
	"signUp":                 SignIn,
	"signOut":                SignIn,
	"verifyOtp":              SignIn,
	"resetPasswordForEmail":  SignIn,
	"exchangeCodeForSession": SignInCallback,
	"resend":                 SignIn,
	"updateUser":             None,
}

// SignInNames are function names that, called from an entry point, mark it as
// a sign-in/sign-up/password-reset flow when they resolve to a project helper we
// cannot see through (e.g. a wrapper around an auth library in a package).
var SignInNames = map[string]bool{
	"signIn": true, "signUp": true, "signOut": true, "login": true, "logout": true, "register": true,
	"signInWithPassword": true, "signInWithOtp": true, "signInWithOAuth": true, "signUpEmail": true, "signInEmail": true,
	"forgetPassword": true, "forgotPassword": true, "resetPassword": true, "requestPasswordReset": true, "sendMagicLink": true,
	"verifyOtp": true, "verifyEmail": true,
}

// PrismaReads and PrismaWrites are Prisma model delegate methods.
var PrismaReads = map[string]bool{"findUnique": true, "findUniqueOrThrow": true, "findFirst": true, "findFirstOrThrow": true, "findMany": true, "count": true, "aggregate": true, "groupBy": true}
var PrismaWrites = map[string]bool{"create": true, "createMany": true, "createManyAndReturn": true, "update": true, "updateMany": true, "updateManyAndReturn": true, "upsert": true, "delete": true, "deleteMany": true}

// PrismaRowMethods return whole rows unless `select` (or `omit`) is given.
var PrismaRowMethods = map[string]bool{"findUnique": true, "findUniqueOrThrow": true, "findFirst": true, "findFirstOrThrow": true, "findMany": true,
	"create": true, "createManyAndReturn": true, "update": true, "updateManyAndReturn": true, "upsert": true, "delete": true}

// FilterMethods take a row filter as arguments in query-builder chains
// (Drizzle, Supabase, Kysely, Mongoose, TypeORM, Knex).
var FilterMethods = map[string]bool{
	"where": true, "andWhere": true, "orWhere": true, "having": true, "eq": true, "neq": true, "match": true, "filter": true, "in": true, "is": true,
	"findById": true, "findByIdAndUpdate": true, "findByIdAndDelete": true, "findByIdAndRemove": true, "findOne": true, "findOneBy": true,
	"findOneByOrFail": true, "findOneOrFail": true, "findBy": true, "find": true, "findAndCount": true, "findAndCountBy": true, "deleteOne": true, "deleteMany": true, "updateOne": true,
	"updateMany": true, "findOneAndUpdate": true, "findOneAndDelete": true, "findOneAndReplace": true, "countDocuments": true, "exists": true,
	"replaceOne": true, "existsBy": true, "countBy": true, "contains": true, "like": true, "ilike": true, "gt": true, "gte": true, "lt": true, "lte": true,
}

// FirstArgFilter: methods whose filter is only the first argument (the rest is
// the update document or options).
var FirstArgFilter = map[string]bool{"findByIdAndUpdate": true, "findOneAndUpdate": true, "updateOne": true, "updateMany": true, "replaceOne": true,
	"findOneAndReplace": true, "find": true, "findOne": true, "findById": true}

// WriteMethods mark a query as a write.
var WriteMethods = map[string]bool{
	"create": true, "createMany": true, "update": true, "updateMany": true, "upsert": true, "delete": true, "deleteMany": true, "insert": true,
	"insertInto": true, "updateTable": true, "deleteFrom": true, "set": true, "values": true, "remove": true, "save": true, "destroy": true,
	"updateOne": true, "deleteOne": true, "findOneAndUpdate": true, "findByIdAndUpdate": true, "findByIdAndDelete": true, "findOneAndDelete": true,
	"findByIdAndRemove": true, "replaceOne": true, "insertOne": true, "insertMany": true, "bulkWrite": true, "createManyAndReturn": true, "upsertMany": true,
	"softDelete": true, "restore": true, "increment": true, "decrement": true, "$executeRaw": true, "$executeRawUnsafe": true,
}

// IsSignInName reports whether an entry point's name says it is a sign-in,
// sign-up, sign-out or password-reset flow ("signIn", "loginAction",
// "handleSignUp", "forgot_password").
func IsSignInName(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "_", ""))
	n = strings.TrimPrefix(n, "handle")
	for _, suf := range []string{"action", "handler"} {
		n = strings.TrimSuffix(n, suf)
	}
	return signInLower[n]
}

var signInLower = func() map[string]bool {
	m := map[string]bool{}
	for k := range SignInNames {
		m[strings.ToLower(k)] = true
	}
	for _, k := range []string{"signin", "signup", "signout", "login", "logout", "register", "forgotpassword", "resetpassword",
		"requestpasswordreset", "sendmagiclink", "verifyotp", "verifyemail", "sendotp", "resendotp", "authenticate", "loginwithemail",
		"signinwithemail", "signupwithemail", "loginwithpassword", "signinwithcredentials", "requestmagiclink", "sendpasswordresetemail",
		"sendresetpasswordemail", "createaccount", "emaillogin", "passwordreset", "confirmemail", "verifycode", "signinwithmagiclink"} {
		m[k] = true
	}
	return m
}()
