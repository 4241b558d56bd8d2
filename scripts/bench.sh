#!/usr/bin/env bash
# bench.sh DIR — time nextguard against oxlint and ESLint on the same tree.
#
# Installs oxlint, eslint and @typescript-eslint/parser with npm into a
# temporary folder (reused across runs), builds nextguard from this checkout,
# then runs, side by side and interleaved so that background load hits every
# tool alike:
#
#   oxlint -A all DIR                                  parse only, no rules
#   eslint (TS parser, one trivial rule: no-debugger)  over DIR's JS/TS files
#   nextguard check DIR                                the full check
#   nextguard check F1 F2 F3                           pre-commit mode: three
#                                                      staged-looking files
#
# Each RUNS times (default 5, at least 5 for published figures) after one
# untimed warm-up run each; prints medians of wall time and peak RSS
# (/usr/bin/time -f %M) and the ratios the performance targets use.
#
# Environment: RUNS (default 5), ESLINT_RUNS (default RUNS; ESLint takes tens
# of seconds on a large monorepo), SKIP_ESLINT=1, NEXTGUARD (a prebuilt binary
# instead of building this checkout), BENCH_TOOLS (where npm installs; default
# $TMPDIR/nextguard-bench-tools).
set -euo pipefail

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
DIR=$(cd "$1" && pwd)
RUNS=${RUNS:-5}
ESLINT_RUNS=${ESLINT_RUNS:-$RUNS}
REPO=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${BENCH_TOOLS:-${TMPDIR:-/tmp}/nextguard-bench-tools}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[[ -x /usr/bin/time ]] || { echo "bench.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

# --- tools -------------------------------------------------------------------
mkdir -p "$TOOLS"
if [[ ! -x $TOOLS/node_modules/.bin/oxlint || ! -x $TOOLS/node_modules/.bin/eslint || ! -d $TOOLS/node_modules/@typescript-eslint/parser ]]; then
  echo "installing oxlint, eslint and @typescript-eslint/parser into $TOOLS ..." >&2
  (cd "$TOOLS" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --loglevel=error oxlint eslint @typescript-eslint/parser >&2)
fi
OXLINT=$TOOLS/node_modules/.bin/oxlint
ESLINT=$TOOLS/node_modules/.bin/eslint
cat >"$TOOLS/eslint.config.mjs" <<'EOF'
import tsParser from "@typescript-eslint/parser";

export default [
  { ignores: ["**/node_modules/**", "**/.next/**", "**/dist/**", "**/build/**", "**/out/**", "**/coverage/**", "**/*.d.ts"] },
  {
    files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"],
    languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: { "no-debugger": "error" },
  },
];
EOF

if [[ -n ${NEXTGUARD:-} ]]; then
  NG=$NEXTGUARD
else
  NG=$TMP/bin/nextguard
  (cd "$REPO" && go build -o "$NG" ./cmd/nextguard)
fi

# --- pre-commit files: one Server Action file, one route file, one other -------
list_sources() {
  find "$DIR" \( -name node_modules -o -name .git -o -name .next -o -name dist -o -name build \) -prune -o \
    -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.jsx' -o -name '*.mjs' \) ! -name '*.d.ts' -print |
    LC_ALL=C sort
}
list_sources >"$TMP/sources"
NFILES=$(wc -l <"$TMP/sources")
STAGED=()
f=$(xargs -d '\n' grep -l -m1 -E "^[[:space:]]*['\"]use server['\"]" <"$TMP/sources" 2>/dev/null | head -1 || true)
[[ -n $f ]] && STAGED+=("$f")
f=$(grep -E '/route\.(ts|js)$' "$TMP/sources" | head -1 || true)
[[ -n $f ]] && STAGED+=("$f")
while [[ ${#STAGED[@]} -lt 3 ]]; do
  STAGED+=("$(sed -n "$((NFILES / 2 + ${#STAGED[@]}))p" "$TMP/sources")")
done

# --- timing ------------------------------------------------------------------
# run NAME CMD...: one timed run, appends "ms rssKB" to $TMP/NAME.
run() {
  local name=$1
  shift
  local t0 t1
  local rc=0
  t0=$(date +%s%N)
  /usr/bin/time -f %M -o "$TMP/rss" "$@" >"$TMP/$name.out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  # nextguard: 0 clean, 1 findings; anything else means it did not run.
  if [[ $name == nextguard || $name == precommit ]] && ((rc > 1)); then
    echo "$name failed (exit $rc):" >&2
    tail -5 "$TMP/$name.out" >&2
    exit 1
  fi
  echo "$(((t1 - t0) / 1000000)) $(tail -1 "$TMP/rss")" >>"$TMP/$name"
}
median() { # column of file
  sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

ox() { run oxlint "$OXLINT" -A all "$DIR"; }
# ESLint resolves file patterns against its working directory (files outside
# it are silently skipped), so it runs inside DIR.
es() { (cd "$DIR" && run eslint env NODE_OPTIONS=--max-old-space-size=8192 "$ESLINT" --no-warn-ignored -c "$TOOLS/eslint.config.mjs" .); }
ng() { run nextguard "$NG" check --color never "$DIR"; }
pc() { run precommit "$NG" check --color never "${STAGED[@]}"; }

echo "tree:        $DIR ($NFILES JS/TS files, $(xargs -d '\n' cat <"$TMP/sources" | wc -c | awk '{printf "%.1f MB", $1/1e6}'))"
echo "machine:     $(nproc) cores, $(uname -sm); runs: $RUNS (ESLint: $ESLINT_RUNS)"
echo "pre-commit:  ${STAGED[*]#"$DIR"/}"
echo "warm-up ..." >&2
ox
ng
pc
rm -f "$TMP/oxlint" "$TMP/nextguard" "$TMP/precommit"
for ((i = 1; i <= RUNS; i++)); do
  echo "run $i/$RUNS ..." >&2
  ox
  ng
  pc
done
if [[ -z ${SKIP_ESLINT:-} ]]; then
  es
  rm -f "$TMP/eslint"
  for ((i = 1; i <= ESLINT_RUNS; i++)); do
    echo "eslint run $i/$ESLINT_RUNS ..." >&2
    es
  done
fi

printf '\n%-34s %10s %10s %12s\n' "tool" "median s" "min s" "peak RSS MB"
row() {
  [[ -f $TMP/$1 ]] || return 0
  printf '%-34s %10.3f %10.3f %12.0f\n' "$2" "$(median "$TMP/$1" 1 | awk '{print $1/1000}')" \
    "$(sort -n "$TMP/$1" | head -1 | awk '{print $1/1000}')" "$(median "$TMP/$1" 2 | awk '{print $1/1024}')"
}
row oxlint "oxlint -A all"
row eslint "eslint + TS parser + no-debugger"
row nextguard "nextguard check (full)"
row precommit "nextguard check (3 files)"
grep -Eo '[0-9]+ files( \([0-9]+ parsed\))?' "$TMP/nextguard.out" | tail -1 | sed 's/^/nextguard: /' || true
grep -Eo 'on [0-9]+ files' "$TMP/oxlint.out" | tail -1 | sed 's/^/oxlint: /' || true

NGm=$(median "$TMP/nextguard" 1)
OXm=$(median "$TMP/oxlint" 1)
PCm=$(median "$TMP/precommit" 1)
NGrss=$(median "$TMP/nextguard" 2)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {ok = (op == "<=") ? v <= t : v >= t; print ok ? "ok" : "MISSED"}'; }
echo
echo "ratios (medians)                                   value   target"
r=$(ratio "$NGm" "$OXm")
printf '%-48s %7sx   <= 1.0x (aim 0.5x)  %s\n' "nextguard full / oxlint -A all" "$r" "$(verdict "$r" 1.0 "<=")"
if [[ -f $TMP/eslint ]]; then
  r=$(ratio "$(median "$TMP/eslint" 1)" "$NGm")
  printf '%-48s %7sx   >= 50x              %s\n' "eslint / nextguard full (speed-up)" "$r" "$(verdict "$r" 50 ">=")"
fi
r=$(ratio "$PCm" "$NGm")
printf '%-48s %7sx   <= 0.25x            %s\n' "nextguard pre-commit / nextguard full" "$r" "$(verdict "$r" 0.25 "<=")"
r=$(awk -v k="$NGrss" 'BEGIN {printf "%.0f", k/1024}')
printf '%-48s %7s MB  <= 200 MB           %s\n' "nextguard full peak RSS" "$r" "$(verdict "$r" 200 "<=")"
