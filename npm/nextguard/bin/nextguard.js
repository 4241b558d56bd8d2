#!/usr/bin/env node
// Launcher for the nextguard binary (esbuild/Biome style).
//
// The `nextguard` npm package carries no binary. Its optionalDependencies list one
// package per platform (@nextguard/cli-<os>-<cpu>, each with `os` and `cpu` set),
// so npm installs only the one that matches this machine. This file finds that
// package's binary, runs it with the same arguments and stdio, and exits with the
// binary's exit code (0 clean, 1 findings at or above --fail-on, 2 error), or
// re-raises the signal that ended it.
//
// NEXTGUARD_BINARY=/path/to/nextguard overrides the lookup (for unsupported
// platforms, or to test a locally built binary).
"use strict";

const childProcess = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const platformPackage = `@nextguard/cli-${process.platform}-${process.arch}`;
const exeName = process.platform === "win32" ? "nextguard.exe" : "nextguard";

function ownVersion() {
  try {
    return require("../package.json").version;
  } catch {
    return "unknown";
  }
}

function supportedPlatforms() {
  try {
    return Object.keys(require("../package.json").optionalDependencies || {});
  } catch {
    return [];
  }
}

function fail(lines) {
  process.stderr.write(`nextguard: ${lines.join("\n")}\n`);
  // 2 = "nextguard could not run", the same meaning the binary gives it.
  process.exit(2);
}

function findBinary() {
  const override = process.env.NEXTGUARD_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      fail([`NEXTGUARD_BINARY is set to ${override}, which does not exist.`]);
    }
    return override;
  }

  let pkgJSON;
  try {
    pkgJSON = require.resolve(`${platformPackage}/package.json`);
  } catch {
    const supported = supportedPlatforms();
    const lines = [];
    if (!supported.includes(platformPackage)) {
      lines.push(
        `no prebuilt binary for this platform (${process.platform}/${process.arch}).`,
        `Prebuilt binaries exist for: ${supported.map((p) => p.replace("@nextguard/cli-", "")).join(", ")}.`,
        "Build from source (see docs/INSTALL.md) and set NEXTGUARD_BINARY to the result.",
      );
    } else {
      lines.push(
        `the platform package "${platformPackage}" is not installed.`,
        "",
        `The "nextguard" package (${ownVersion()}) gets its binary from an optional dependency`,
        "that npm installs only on the matching platform. It is missing when:",
        "  - optional dependencies were skipped (--no-optional, --omit=optional, or",
        "    npm config `omit=optional`): reinstall without that flag;",
        "  - node_modules or the lockfile was created on another OS or CPU (for example",
        "    copied into a Docker image): delete node_modules and reinstall on this machine;",
        "  - the install was interrupted: run `npm install` again.",
        "",
        `You can also install it explicitly: npm install ${platformPackage}@${ownVersion()}`,
        "or download a release binary and set NEXTGUARD_BINARY to its path:",
        "https://github.com/nextguard/nextguard/releases",
      );
    }
    fail(lines);
  }

  const bin = path.join(path.dirname(pkgJSON), "bin", exeName);
  if (!fs.existsSync(bin)) {
    fail([`${platformPackage} is installed but has no ${path.join("bin", exeName)}; reinstall it.`]);
  }
  if (process.platform !== "win32") {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      // Some package managers and archive tools drop the executable bit.
      try {
        fs.chmodSync(bin, 0o755);
      } catch {
        // Leave it; spawning reports EACCES below with the path.
      }
    }
  }
  return bin;
}

function main() {
  const bin = findBinary();
  const result = childProcess.spawnSync(bin, process.argv.slice(2), {
    stdio: "inherit",
    windowsHide: true,
  });

  if (result.error) {
    fail([`could not run ${bin}: ${result.error.message}`]);
  }
  if (result.signal) {
    // Die of the same signal so the caller (a shell, pre-commit, CI) sees it.
    process.removeAllListeners(result.signal);
    try {
      process.kill(process.pid, result.signal);
    } catch {
      // Fall through to the conventional 128+n exit code.
    }
    const n = os.constants.signals[result.signal];
    process.exit(n ? 128 + n : 1);
  }
  process.exit(result.status === null ? 1 : result.status);
}

main();
