#!/usr/bin/env node
// npm run build: the library and CLI compiled to dist/ (tsconfig.build.json), the stand-in
// bundles (scripts/bundle-standins.mjs), then dist/.build-stamp dated when the build STARTED, so
// harness/bin/backside.js sees a source edited during the build as newer than the build.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const started = new Date();
const step = (what, args) => {
  // Progress goes to stderr: `npm pack --json` prints its JSON on stdout after this.
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", process.stderr, "inherit"] });
  if (r.status !== 0) {
    process.stderr.write(`build: ${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
};

// Old outputs of removed sources must not linger; without a stamp the bin runs the sources.
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
step("tsc -p tsconfig.build.json", [tsc, "-p", "tsconfig.build.json"]);
step("bundling the stand-ins", [join(root, "scripts/bundle-standins.mjs")]);
mkdirSync(join(root, "dist"), { recursive: true });
const stamp = join(root, "dist/.build-stamp");
closeSync(openSync(stamp, "w"));
utimesSync(stamp, started, started);
process.stderr.write(`build: dist/ and the stand-in bundles in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
