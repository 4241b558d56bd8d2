#!/usr/bin/env bash
# End-to-end test of the npm distribution, without a registry.
#
#   scripts/npm-pack-test.sh
#
# 1. builds nextguard for the host (go build; or uses NEXTGUARD_PACK_BINARY if set),
# 2. assembles the host's platform package and the wrapper (scripts/build-npm.sh),
# 3. `npm pack`s both and installs the two tarballs into a temporary project,
# 4. runs `npx nextguard version` and `npx nextguard check` on small example projects
#    and checks that stdout and the exit code are exactly those of the binary run
#    directly (and, for the real CLI, 1 on the vulnerable example, 0 on the clean
#    one, 2 on an unknown flag); then checks signal pass-through, NEXTGUARD_BINARY,
#    and the error printed when the platform package is missing.
#
# npm is pointed at an unreachable registry (127.0.0.1:9) with a private cache, so
# nothing is fetched or published and the user's npm cache is untouched; the other
# platforms' optional dependencies fail to resolve and are skipped, as they are when
# a user installs on one platform. Everything happens under a temp dir, removed at
# exit (KEEP=1 keeps it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in go node npm npx; do
  command -v "$tool" >/dev/null || { echo "npm-pack-test.sh: $tool is required" >&2; exit 2; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nextguard-npm-pack.XXXXXX")"
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
fail() { echo "npm-pack-test.sh: FAIL: $*" >&2; exit 1; }

export npm_config_registry="http://127.0.0.1:9/"
export npm_config_cache="$tmp/npm-cache"
export npm_config_userconfig="$tmp/npmrc"
export npm_config_fetch_retries=0
export npm_config_fetch_timeout=5000
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_loglevel=error
unset NEXTGUARD_BINARY
: >"$tmp/npmrc"

goos="$(go env GOOS)"
goarch="$(go env GOARCH)"
version="0.0.0-packtest.1"
case "$goos/$goarch" in
  linux/amd64) pkg=cli-linux-x64 ;;
  linux/arm64) pkg=cli-linux-arm64 ;;
  darwin/amd64) pkg=cli-darwin-x64 ;;
  darwin/arm64) pkg=cli-darwin-arm64 ;;
  windows/amd64) pkg=cli-win32-x64 ;;
  windows/arm64) pkg=cli-win32-arm64 ;;
  *) fail "no npm platform package for $goos/$goarch" ;;
esac
exe=nextguard
ext=
if [ "$goos" = windows ]; then exe=nextguard.exe; ext=.exe; fi

mkdir -p "$tmp/bins"
bin="$tmp/bins/nextguard-$goos-$goarch$ext"
if [ -n "${NEXTGUARD_PACK_BINARY:-}" ]; then
  step "using prebuilt binary $NEXTGUARD_PACK_BINARY"
  cp "$NEXTGUARD_PACK_BINARY" "$bin"
else
  step "go build ./cmd/nextguard ($goos/$goarch)"
  cli=github.com/nextguard/nextguard/cmd/nextguard/internal/cli
  (cd "$root" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X $cli.version=$version -X $cli.commit=packtest -X $cli.date=2026-01-01T00:00:00Z" \
    -o "$bin" ./cmd/nextguard)
fi

step "assemble packages"
NEXTGUARD_NPM_ALLOW_MISSING=1 "$root/scripts/build-npm.sh" "$tmp/bins" "$version" "$tmp/pkgs"

step "npm pack"
mkdir -p "$tmp/tarballs"
(cd "$tmp/pkgs/$pkg" && npm pack --pack-destination "$tmp/tarballs" >/dev/null)
(cd "$tmp/pkgs/nextguard" && npm pack --pack-destination "$tmp/tarballs" >/dev/null)
wrapper_tgz="$tmp/tarballs/nextguard-$version.tgz"
platform_tgz="$tmp/tarballs/nextguard-$pkg-$version.tgz"
[ -f "$wrapper_tgz" ] || fail "missing $wrapper_tgz"
[ -f "$platform_tgz" ] || fail "missing $platform_tgz"
tar -tzf "$wrapper_tgz" | sort >"$tmp/wrapper.list"
tar -tzf "$platform_tgz" | sort >"$tmp/platform.list"
cat "$tmp/wrapper.list" "$tmp/platform.list"
for f in package/package.json package/bin/nextguard.js package/README.md package/LICENSE; do
  grep -qx "$f" "$tmp/wrapper.list" || fail "wrapper tarball lacks $f"
done
for f in package/package.json "package/bin/$exe" package/README.md package/LICENSE; do
  grep -qx "$f" "$tmp/platform.list" || fail "platform tarball lacks $f"
done

step "npm install (local tarballs only)"
mkdir -p "$tmp/project"
cd "$tmp/project"
printf '{ "name": "nextguard-pack-test", "private": true }\n' >package.json
npm install --no-audit --no-fund --save-dev "$wrapper_tgz" "$platform_tgz"
installed="$tmp/project/node_modules/@nextguard/$pkg/bin/$exe"
[ -f "$installed" ] || fail "$installed not installed"
[ "$goos" = windows ] || [ -x "$installed" ] || fail "$installed lost its executable bit"
[ -e node_modules/.bin/nextguard ] || fail "node_modules/.bin/nextguard not linked"

# Runs `npx nextguard ARGS` and the installed binary with the same ARGS; the exit
# code and stdout must be identical. Prints the exit code.
same() {
  local want got
  set +e
  "$installed" "$@" >"$tmp/direct.out" 2>"$tmp/direct.err"; want=$?
  npx --no nextguard "$@" >"$tmp/npx.out" 2>"$tmp/npx.err"; got=$?
  set -e
  if [ "$want" != "$got" ]; then
    cat "$tmp/npx.err" >&2
    fail "npx nextguard $* exited $got, the binary $want"
  fi
  # Durations in the summary ("in 3ms") differ between the two runs.
  sed -E 's/[0-9.]+ ?(ns|µs|us|ms|s)\b/T/g' "$tmp/direct.out" >"$tmp/direct.norm"
  sed -E 's/[0-9.]+ ?(ns|µs|us|ms|s)\b/T/g' "$tmp/npx.out" >"$tmp/npx.norm"
  if ! cmp -s "$tmp/direct.norm" "$tmp/npx.norm"; then
    diff "$tmp/direct.norm" "$tmp/npx.norm" >&2 || true
    fail "npx nextguard $* printed different stdout than the binary"
  fi
  echo "npx nextguard $*  -> exit $got (same as the binary)"
  last_status=$got
}

step "npx nextguard version"
same version
cat "$tmp/npx.out"
[ "$last_status" = 0 ] || fail "nextguard version exited $last_status"
if [ -z "${NEXTGUARD_PACK_BINARY:-}" ]; then
  grep -q -- "$version" "$tmp/npx.out" || fail "nextguard version does not print the injected version $version"
fi

step "npx nextguard check on example projects"
# A server action that deletes by id with no auth check (expected: findings, exit 1)
# and one with no entry points at all (expected: clean, exit 0).
mkdir -p "$tmp/examples/vulnerable/app/posts" "$tmp/examples/clean/app"
cat >"$tmp/examples/vulnerable/package.json" <<'EOF'
{ "name": "vulnerable", "private": true, "dependencies": { "next": "latest" } }
EOF
cat >"$tmp/examples/vulnerable/app/posts/actions.ts" <<'EOF'
"use server";

import { db } from "@/lib/db";

export async function deletePost(id: string) {
  await db.post.delete({ where: { id } });
}
EOF
cat >"$tmp/examples/clean/package.json" <<'EOF'
{ "name": "clean", "private": true, "dependencies": { "next": "latest" } }
EOF
cat >"$tmp/examples/clean/app/page.tsx" <<'EOF'
export default function Page() {
  return <h1>Hello</h1>;
}
EOF
same check "$tmp/examples/vulnerable"; vulnerable_status=$last_status
same check "$tmp/examples/clean"; clean_status=$last_status
same check --definitely-not-a-flag "$tmp/examples/clean"; badflag_status=$last_status
[ "$badflag_status" != 0 ] || fail "an unknown flag exited 0, so a non-zero exit code was never passed through"
# The CLI's exit codes (ESLint's meaning): 1 findings, 0 clean, 2 usage error.
if [ -z "${NEXTGUARD_PACK_BINARY:-}" ]; then
  [ "$vulnerable_status" = 1 ] || fail "check on the vulnerable example exited $vulnerable_status, want 1"
  [ "$clean_status" = 0 ] || fail "check on the clean example exited $clean_status, want 0"
  [ "$badflag_status" = 2 ] || fail "an unknown flag exited $badflag_status, want 2"
fi

if [ "$goos" != windows ]; then
  step "launcher: signal pass-through and NEXTGUARD_BINARY"
  printf '#!/bin/sh\nkill -TERM $$\n' >"$tmp/killself"
  chmod +x "$tmp/killself"
  set +e
  NEXTGUARD_BINARY="$tmp/killself" node node_modules/nextguard/bin/nextguard.js; status=$?
  set -e
  [ "$status" = 143 ] || fail "binary killed by SIGTERM: launcher exited $status, want 143"
  echo "SIGTERM -> 143"
  printf '#!/bin/sh\necho "args:$*"\nexit 7\n' >"$tmp/exit7"
  chmod +x "$tmp/exit7"
  set +e
  out="$(NEXTGUARD_BINARY="$tmp/exit7" npx --no nextguard a 'b c')"; status=$?
  set -e
  [ "$status" = 7 ] && [ "$out" = "args:a b c" ] || fail "NEXTGUARD_BINARY: got exit $status, output '$out'"
  echo "exit 7 and arguments passed through"
fi

step "launcher: missing platform package"
rm -rf "node_modules/@nextguard/$pkg"
set +e
npx --no nextguard version >"$tmp/missing.out" 2>"$tmp/missing.err"; status=$?
set -e
cat "$tmp/missing.err"
[ "$status" = 2 ] || fail "missing platform package: exit $status, want 2"
grep -q "@nextguard/$pkg" "$tmp/missing.err" || fail "the error does not name @nextguard/$pkg"

step "ok"
