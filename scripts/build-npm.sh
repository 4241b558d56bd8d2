#!/usr/bin/env bash
# Assemble the npm packages from built binaries.
#
#   scripts/build-npm.sh DIST_DIR VERSION OUT_DIR
#
# DIST_DIR  GoReleaser's dist directory (artifacts.json is read), or a directory of
#           binaries named nextguard-<goos>-<goarch>[.exe] or <goos>-<goarch>/nextguard[.exe].
# VERSION   the release version, with or without a leading "v" (1.2.3, v1.2.3-rc.1).
# OUT_DIR   created (must be empty or absent); receives nextguard/ (the wrapper)
#           and cli-<os>-<cpu>/ per platform, ready for `npm pack` / `npm publish`.
#
# Every platform in npm/platforms.json must have a binary, unless
# NEXTGUARD_NPM_ALLOW_MISSING=1 (used by scripts/npm-pack-test.sh, which builds only
# the host's). The wrapper always lists all platforms in optionalDependencies.
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 DIST_DIR VERSION OUT_DIR" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v node >/dev/null || { echo "build-npm.sh: node is required" >&2; exit 2; }

NEXTGUARD_ROOT="$root" node - "$@" <<'JS'
"use strict";
const fs = require("fs");
const path = require("path");

const [distArg, versionArg, outArg] = process.argv.slice(2);
const root = process.env.NEXTGUARD_ROOT;
const allowMissing = process.env.NEXTGUARD_NPM_ALLOW_MISSING === "1";
const die = (msg) => { console.error(`build-npm.sh: ${msg}`); process.exit(1); };

const version = versionArg.replace(/^v/, "");
// semver 2.0.0, as npm requires.
const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
if (!semver.test(version)) die(`version "${versionArg}" is not semver`);

const dist = path.resolve(distArg);
const out = path.resolve(outArg);
if (!fs.statSync(dist, { throwIfNoEntry: false })?.isDirectory()) die(`${dist} is not a directory`);
if (fs.existsSync(out) && fs.readdirSync(out).length > 0) die(`${out} is not empty`);
fs.mkdirSync(out, { recursive: true });

const npmDir = path.join(root, "npm");
const platforms = JSON.parse(fs.readFileSync(path.join(npmDir, "platforms.json"), "utf8"));
const license = path.join(root, "LICENSE");

// goos/goarch -> binary path.
function findBinaries() {
  const found = new Map();
  const key = (goos, goarch) => `${goos}/${goarch}`;
  const artifacts = path.join(dist, "artifacts.json");
  if (fs.existsSync(artifacts)) {
    for (const a of JSON.parse(fs.readFileSync(artifacts, "utf8"))) {
      if (a.type !== "Binary" || a.name.replace(/\.exe$/, "") !== "nextguard") continue;
      // Paths in artifacts.json are relative to where goreleaser ran; fall back
      // to the same directory name under DIST_DIR when dist was moved.
      let p = path.resolve(a.path);
      if (!fs.existsSync(p)) p = path.join(dist, path.basename(path.dirname(a.path)), path.basename(a.path));
      if (fs.existsSync(p)) found.set(key(a.goos, a.goarch), p);
    }
    return found;
  }
  for (const { goos, goarch } of platforms) {
    const exe = goos === "windows" ? "nextguard.exe" : "nextguard";
    for (const p of [
      path.join(dist, `nextguard-${goos}-${goarch}${goos === "windows" ? ".exe" : ""}`),
      path.join(dist, `${goos}-${goarch}`, exe),
      path.join(dist, `${goos}_${goarch}`, exe),
    ]) {
      if (fs.existsSync(p)) { found.set(key(goos, goarch), p); break; }
    }
  }
  return found;
}

const binaries = findBinaries();
const fill = (text, vars) => text.replace(/\{\{(\w+)\}\}/g, (m, k) => (k in vars ? vars[k] : m));
const tmplJSON = fs.readFileSync(path.join(npmDir, "platform", "package.json"), "utf8");
const tmplREADME = fs.readFileSync(path.join(npmDir, "platform", "README.md"), "utf8");

const wrapperSrc = path.join(npmDir, "nextguard");
const wrapper = JSON.parse(fs.readFileSync(path.join(wrapperSrc, "package.json"), "utf8"));
const missing = [];
const built = [];

for (const p of platforms) {
  const vars = { ...p, exe: p.goos === "windows" ? "nextguard.exe" : "nextguard" };
  const pkg = JSON.parse(fill(tmplJSON, vars));
  if (!(pkg.name in (wrapper.optionalDependencies || {}))) die(`${pkg.name} is not in the wrapper's optionalDependencies`);
  const bin = binaries.get(`${p.goos}/${p.goarch}`);
  if (!bin) { missing.push(`${p.goos}/${p.goarch}`); continue; }
  pkg.version = version;
  const dir = path.join(out, `cli-${p.os}-${p.cpu}`);
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "README.md"), fill(tmplREADME, vars));
  fs.copyFileSync(license, path.join(dir, "LICENSE"));
  const dest = path.join(dir, "bin", vars.exe);
  fs.copyFileSync(bin, dest);
  fs.chmodSync(dest, 0o755);
  built.push(`${pkg.name}@${version}  <- ${bin}`);
}

if (missing.length > 0 && !allowMissing) {
  die(`no binary for ${missing.join(", ")} in ${dist} (set NEXTGUARD_NPM_ALLOW_MISSING=1 to skip them)`);
}

wrapper.version = version;
for (const name of Object.keys(wrapper.optionalDependencies)) wrapper.optionalDependencies[name] = version;
const wdir = path.join(out, "nextguard");
fs.mkdirSync(path.join(wdir, "bin"), { recursive: true });
fs.writeFileSync(path.join(wdir, "package.json"), JSON.stringify(wrapper, null, 2) + "\n");
fs.copyFileSync(path.join(wrapperSrc, "README.md"), path.join(wdir, "README.md"));
fs.copyFileSync(license, path.join(wdir, "LICENSE"));
fs.copyFileSync(path.join(wrapperSrc, "bin", "nextguard.js"), path.join(wdir, "bin", "nextguard.js"));
fs.chmodSync(path.join(wdir, "bin", "nextguard.js"), 0o755);

for (const line of built) console.log(`built ${line}`);
if (missing.length > 0) console.log(`skipped (no binary): ${missing.join(", ")}`);
console.log(`built ${wrapper.name}@${version}  -> ${out}`);
JS
