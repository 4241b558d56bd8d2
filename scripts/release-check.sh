#!/usr/bin/env bash
# Check the release configuration without publishing anything.
#
#   scripts/release-check.sh [--build-only]
#
# 1. installs GoReleaser v2.15.1 with `go install` into a temporary GOBIN
#    (or uses $GORELEASER if it points to a goreleaser binary),
# 2. `goreleaser check` — fails on an invalid config (exit 1) and on deprecated
#    keys (exit 2),
# 3. `goreleaser build --snapshot --clean` for all six targets into a temporary
#    dist directory, then checks each binary: present, CGO_ENABLED=0, -trimpath,
#    version and commit injected through the ldflags,
# 4. unless --build-only: `goreleaser release --snapshot --clean` (which never
#    publishes) into a temporary dist, then checks the archives (tar.gz, zip on
#    Windows; README.md and LICENSE inside), checksums.txt and that
#    scripts/build-npm.sh assembles all seven npm packages from that dist.
#
# Nothing is written into the work tree: the check runs in a temporary clone of
# the repository (so GoReleaser sees a commit and a remote, and concurrent edits
# cannot change the build halfway) with the work tree's uncommitted changes
# copied over it; dist/ lives in that clone.
# Pin: v2.15.1 is recorded as working with this repository's Go (1.26);
# newer GoReleaser lines need Go 1.27.
set -euo pipefail

GORELEASER_VERSION=v2.15.1
build_only=0
for arg in "$@"; do
  case "$arg" in
    --build-only) build_only=1 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "release-check.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/nextguard-release-check.XXXXXX")"
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
fail() { echo "release-check.sh: FAIL: $*" >&2; exit 1; }

step "clone the work tree into $tmp/src"
src="$tmp/src"
git clone -q "$root" "$src"
# Overlay uncommitted changes (modified, deleted and untracked, not ignored files).
n=0
while IFS= read -r -d '' f; do
  if [ -e "$root/$f" ]; then
    mkdir -p "$src/$(dirname "$f")"
    cp -p "$root/$f" "$src/$f"
  else
    rm -f "$src/$f"
  fi
  n=$((n + 1))
done < <(git -C "$root" ls-files -z --modified --others --exclude-standard)
echo "HEAD $(git -C "$src" rev-parse --short HEAD) + $n uncommitted paths"
cd "$src"

if [ -n "${GORELEASER:-}" ]; then
  step "using $GORELEASER"
  goreleaser="$GORELEASER"
else
  step "go install github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  # GOFLAGS from the environment (e.g. -mod=vendor) must not leak into this install.
  GOBIN="$tmp/bin" GOFLAGS= go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  goreleaser="$tmp/bin/goreleaser"
fi
"$goreleaser" --version 2>/dev/null | grep -E '^(GitVersion|goreleaser)' || true

step "goreleaser check"
"$goreleaser" check --config .goreleaser.yaml

cfg=.goreleaser.yaml
check_binaries() {
  local n=0 bin settings version commit
  version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$src/dist/metadata.json")"
  # From the metadata, not `git rev-parse HEAD`: HEAD may move during the build.
  commit="$(sed -n 's/.*"commit":"\([^"]*\)".*/\1/p' "$src/dist/metadata.json")"
  [ -n "$commit" ] || fail "no commit in dist/metadata.json"
  [ -n "$version" ] || fail "no version in dist/metadata.json"
  for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
    bin="$(find "$src/dist" -path "*/nextguard_${target}*/nextguard*" -type f | head -n1)"
    [ -n "$bin" ] || fail "no binary for $target in dist"
    settings="$(go version -m "$bin")"
    grep -q $'\tbuild\tCGO_ENABLED=0' <<<"$settings" || fail "$target: not built with CGO_ENABLED=0"
    grep -q $'\tbuild\t-trimpath=true' <<<"$settings" || fail "$target: not built with -trimpath"
    # -trimpath keeps -ldflags out of the build info, so look for the injected
    # strings themselves: -X silently does nothing when the variable is missing.
    grep -qaF "$version" "$bin" || fail "$target: the version $version was not injected (is cli.version a package-level string var?)"
    grep -qaF "$commit" "$bin" || fail "$target: the commit $commit was not injected (is cli.commit a package-level string var?)"
    printf '  %-14s %s (CGO_ENABLED=0, -trimpath, version %s)\n' "$target" "${bin#"$src/"}" "$version"
    n=$((n + 1))
  done
  [ "$n" = 6 ] || fail "expected 6 binaries, found $n"
}

step "goreleaser build --snapshot --clean"
build_start=$(date +%s)
"$goreleaser" build --snapshot --clean --config "$cfg"
echo "snapshot build took $(( $(date +%s) - build_start ))s"
check_binaries
host_bin="$(find "$src/dist" -path "*/nextguard_$(go env GOOS)_$(go env GOARCH)*/nextguard*" -type f | head -n1)"
echo "host binary: $("$host_bin" version 2>&1 | head -n3 || true)"

if [ "$build_only" = 0 ]; then
  step "goreleaser release --snapshot --clean (never publishes)"
  "$goreleaser" release --snapshot --clean --skip=publish,announce,sign --config "$cfg"
  check_binaries

  step "archives and checksums"
  version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$src/dist/metadata.json")"
  sums="$src/dist/checksums.txt"
  [ -f "$sums" ] || fail "no checksums.txt"
  for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
    ext=tar.gz
    [ "${target%%_*}" = windows ] && ext=zip
    archive="nextguard_${version}_${target}.$ext"
    [ -f "$src/dist/$archive" ] || fail "missing $archive"
    grep -q "  $archive\$" "$sums" || fail "$archive is not in checksums.txt"
    if [ "$ext" = zip ]; then
      if command -v unzip >/dev/null; then
        list="$(unzip -Z1 "$src/dist/$archive")"
      else
        list="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$src/dist/$archive")"
      fi
      want_bin=nextguard.exe
    else
      list="$(tar -tzf "$src/dist/$archive")"
      want_bin=nextguard
    fi
    for f in "$want_bin" README.md LICENSE; do
      grep -qx "$f" <<<"$list" || fail "$archive lacks $f (has: $(tr '\n' ' ' <<<"$list"))"
    done
    echo "  $archive: $(tr '\n' ' ' <<<"$list")"
  done
  (cd "$src/dist" && sha256sum --check --ignore-missing --quiet checksums.txt) || fail "checksums.txt does not match the archives"
  echo "  checksums.txt verifies ($(wc -l <"$sums") files)"

  step "npm packages from dist"
  "$root/scripts/build-npm.sh" "$src/dist" "$version" "$tmp/npm"
fi

step "ok"
